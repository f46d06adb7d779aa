"""Which IOS peers a change re-negotiates, and the exec command that re-establishes them.

An established IKE SA outlives a change of its key, proposals or lifetimes: after a commit the
deploy clears the crypto session of each peer whose negotiated parameters changed, so the proof
exercises the new ones. Pure: running config and candidate (IOS text, keys masked) in, peers out.

A peer (a remote WAN address A) negotiates: its IKEv2 keyring entry (``address A``, the key by
its placeholder), the IKEv2 profile matching A (but other peers' ``match identity`` lines and
DPD), the IKEv2 policies and the proposals they name, or IKEv1's ``crypto isakmp policy`` and
``crypto isakmp key .. address A``; the IPsec profile of the tunnel to A or the crypto map entry
``set peer A`` (lifetime, transform-set) and its transform-set (transform, mode); and the GRE
endpoints of the tunnel to A. New peers (no SA yet) and removed ones are not cleared; a changed
remote address is a removed peer and a new one.

>>> run = "crypto isakmp policy 10\\n lifetime 3600\\ncrypto isakmp key %{psk:aaaaaaaaaaaa} address 192.0.2.1\\n"
>>> renegotiated(run, future(run, "crypto isakmp policy 10\\n lifetime 7200\\nend\\n"))
['192.0.2.1']
>>> reset_commands(['192.0.2.1'])
['clear crypto session remote 192.0.2.1']
"""
from __future__ import annotations

import ipaddress
import re

from netutils.ip import is_ip

from .remediation import text_of, tree
from .secrets import mask

_MATCH_REMOTE = re.compile(r"match identity remote address (\S+)(?: .*)?")   # whole lines: fullmatch
_ISAKMP_KEY = re.compile(r"crypto isakmp key \S+(?: \S+)? address (\S+)(?: .*)?")
_LOCAL_ONLY = ("dpd ", "description ")
TUNNEL_ENDS = ("tunnel source ", "tunnel destination ", "tunnel protection ", "tunnel mode ")
FAILED = re.compile(r"(?m)^\s*%.*$")   # IOS prints its refusals as '% ...' lines


def future(running: str, candidate: str) -> str:
    """``running`` after the merge ``candidate`` (hier_config's prediction), both masked."""
    cand = "\n".join(ln for ln in mask(candidate).splitlines() if ln.strip() not in ("end", "!"))
    return text_of(tree(mask(running)).future(tree(cand)))


def _lines(node) -> list[str]:
    return [c.text for c in node.all_children()]


def _section(conf, prefix: str):
    return [c for c in conf.children if c.text.startswith(prefix)]


def _keyring(conf, addr: str) -> set[tuple]:
    sig: set[tuple] = set()
    for kr in _section(conf, "crypto ikev2 keyring "):
        for p in kr.children:
            if p.get_child(re_search=rf"^address {re.escape(addr)}(\s|$)") is not None:
                sig |= {("keyring", x) for x in _lines(p)}
    return sig


def _ikev2_profiles(conf, addr: str) -> set[tuple]:
    sig: set[tuple] = set()
    for prof in _section(conf, "crypto ikev2 profile "):
        matches = {m.group(1) for x in prof.children if (m := _MATCH_REMOTE.fullmatch(x.text))}
        if addr in matches:
            sig |= {("ikev2-profile", prof.text, x.text) for x in prof.children
                    if not x.text.startswith(_LOCAL_ONLY) and not _MATCH_REMOTE.fullmatch(x.text)}
            sig.add(("ikev2-profile", prof.text, f"match {addr}"))
    return sig


def _ikev2_policies(conf, addr: str) -> set[tuple]:
    sig: set[tuple] = set()
    proposals = set()
    for pol in _section(conf, "crypto ikev2 policy "):
        sig |= {("ikev2-policy", pol.text, x) for x in _lines(pol)}
        proposals |= {x.text.split()[1] for x in pol.children if x.text.startswith("proposal ")}
    for p in _section(conf, "crypto ikev2 proposal "):
        if p.text.split()[3] in proposals:
            sig |= {("ikev2-proposal", p.text, x) for x in _lines(p)}
    return sig


def _isakmp(conf, addr: str) -> set[tuple]:
    sig: set[tuple] = set()
    for pol in _section(conf, "crypto isakmp policy "):
        sig |= {("isakmp", pol.text, x) for x in _lines(pol)}
    sig |= {("isakmp-key", c.text) for c in conf.children
            if (m := _ISAKMP_KEY.fullmatch(c.text)) and m.group(1) == addr}
    return sig


def _tunnels(conf, addr: str, sets: set[str]) -> set[tuple]:
    """The tunnel to ``addr`` and its IPsec profile; adds the transform-sets it names to ``sets``."""
    sig: set[tuple] = set()
    for t in _section(conf, "interface Tunnel"):
        if t.get_child(equals=f"tunnel destination {addr}") is None:
            continue
        ends = [x.text for x in t.children if x.text.startswith(TUNNEL_ENDS)]
        sig |= {("tunnel", x) for x in ends}
        for x in ends:
            if x.startswith("tunnel protection ipsec profile "):
                prof = conf.get_child(equals=f"crypto ipsec profile {x.split()[4]}")
                if prof is not None:
                    sig |= {("ipsec-profile", prof.text, y) for y in _lines(prof)}
                    sets |= {y.text.split()[2] for y in prof.children if y.text.startswith("set transform-set ")}
    return sig


def _crypto_maps(conf, addr: str, sets: set[str]) -> set[tuple]:
    """The crypto map entries ``set peer addr`` and their ACLs; adds their transform-sets to ``sets``."""
    sig: set[tuple] = set()
    for cm in _section(conf, "crypto map "):
        if cm.get_child(equals=f"set peer {addr}") is None:
            continue
        sig |= {("crypto-map", cm.text, x.text) for x in cm.children if not x.text.startswith(_LOCAL_ONLY)}
        sets |= {x.text.split()[2] for x in cm.children if x.text.startswith("set transform-set ")}
        for x in cm.children:
            if x.text.startswith("match address "):
                acl = conf.get_child(equals=f"ip access-list extended {x.text.split()[2]}")
                if acl is not None:
                    sig |= {("acl", y) for y in _lines(acl)}
    return sig


def _transform_sets(conf, sets: set[str]) -> set[tuple]:
    sig: set[tuple] = set()
    for ts in _section(conf, "crypto ipsec transform-set "):
        if ts.text.split()[3] in sets:
            sig |= {("transform-set", ts.text, x) for x in _lines(ts)} | {("transform-set", ts.text)}
    return sig


# what a peer negotiates, one function per part of the configuration
_PARTS = (_keyring, _ikev2_profiles, _ikev2_policies, _isakmp)


def signature(conf, addr: str) -> frozenset:
    """What the peer at ``addr`` negotiates in the tree ``conf``."""
    sig: set[tuple] = set()
    for part in _PARTS:
        sig |= part(conf, addr)
    sets: set[str] = set()
    sig |= _tunnels(conf, addr, sets) | _crypto_maps(conf, addr, sets)
    return frozenset(sig | _transform_sets(conf, sets))


def peers(conf) -> set[str]:
    """Remote WAN addresses grectl's tunnels, keyrings, isakmp keys and crypto maps name."""
    out = set()
    for c in conf.all_children():
        m = re.fullmatch(r"(?:tunnel destination|set peer|address) (\S+)", c.text) or _ISAKMP_KEY.fullmatch(c.text)
        if m and is_ip(m.group(1)):
            out.add(m.group(1))
    return out


def renegotiated(before: str, after: str) -> list[str]:
    """Peers (remote WAN addresses) in both masked configs whose negotiated parameters differ."""
    b, a = tree(mask(before)), tree(mask(after))
    both = peers(b) & peers(a)
    return sorted((p for p in both if signature(b, p) != signature(a, p)), key=ipaddress.ip_address)


def reset_commands(addresses: list[str]) -> list[str]:
    """``clear crypto session remote A`` per peer (privileged exec): deletes the crypto session's
    IKE and IPsec SAs with that peer, which then negotiates them again (Cisco IOS Security Command
    Reference, "clear crypto session": ``clear crypto session [local ip-address] [remote
    ip-address] ...``; the Cisco page itself was not in the reference corpus here: the syntax is as
    public lab notes and runbooks use it). Only an address parsed as one reaches the command line."""
    return [f"clear crypto session remote {a}" for a in addresses if is_ip(a)]


def reset_error(command: str, answer: str) -> str | None:
    m = FAILED.search(answer or "")
    return f"{command}: {m.group(0).strip()}" if m else None
