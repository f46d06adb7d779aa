"""Which IOS-XE peers a change re-negotiates, and how their crypto sessions are cleared.

An established IKE SA outlives a change of its key, proposals or lifetimes: after a commit the
deploy clears the crypto session of each peer whose negotiated parameters changed, so the proof
exercises the new ones. Pure: grectl's part of running and candidate as the driver's sorted
``path = value`` lines (``nativexml.lines``, keys masked) in, peers out.

A peer (remote WAN address A) negotiates: the tunnel to A's GRE endpoints and protection, the IPsec
profile it names (lifetime, PFS, transform-set, IKEv2 profile) and that transform-set (transform,
mode), the IKEv2 profiles matching A (but other peers' ``match`` entries and DPD) and their
keyring's entry for A (the key by its placeholder), the IKEv2 policies and the proposals they name.
New peers (no SA yet) and removed ones are not cleared; a changed remote address is a removed peer
and a new one.

Clearing: the shared Cisco IOS-XE 17.12.1 YANG (``../shared/yang``: 32 modules: native, crypto,
tunnel, ospf, ...) holds no ``rpc`` or ``action`` statement at all, so there is no NETCONF RPC to
clear a crypto session here. The driver sends the exec command ``clear crypto session remote A``
(the same as on IOS) on the SSH CLI session beside NETCONF that verify already uses for show
commands; when that session cannot be had, the clear is reported and the proof may meet the old SA.

>>> run = ["native/interface/Tunnel[name=1]/tunnel/destination-config/ipv4 = 192.0.2.1",
...        "native/interface/Tunnel[name=1]/tunnel/protection/ipsec/profile-option/name = p",
...        "native/crypto/ipsec/profile[name=p]/set/security-association/lifetime/seconds = 3600"]
>>> renegotiated(run, [l.replace("= 3600", "= 1800") for l in run])
['192.0.2.1']
"""
from __future__ import annotations

import ipaddress
import re

from netutils.ip import is_ip

from ..ios.renegotiate import (  # the same exec command and refusal form
    reset_commands,
    reset_error,
)

TUNNEL_DEST = re.compile(r"native/interface/Tunnel\[name=([^\]]+)\]/tunnel/destination-config/ipv4 = (\S+)")
KEYRING_PEER = re.compile(r"(native/crypto/ikev2/keyring\[name=[^\]]+\]/peer\[name=[^\]]+\])"
                          r"/address/ipv4\[ipv4-address=([^\],]+).*")
PROFILE = re.compile(r"(native/crypto/ikev2/profile\[name=[^\]]+\])/.*")   # whole lines: fullmatch
MATCH = re.compile(r"/match/identity/remote/address/ipv4\[ipv4-address=([^\],]+)\]")


def _split(line: str) -> tuple[str, str]:
    path, _, value = line.partition(" = ")
    return path, value


def _under(lines, prefix: str) -> set[str]:
    return {ln for ln in lines if ln.startswith(prefix)}


def _values(lines, prefix: str, leaf: str) -> set[str]:
    return {_split(ln)[1] for ln in lines if ln.startswith(prefix) and _split(ln)[0].endswith(leaf)}


def signature(lines, addr: str) -> frozenset:
    """What the peer at ``addr`` negotiates, as the lines that carry it."""
    sig: set[str] = set()
    ipsec_profiles: set[str] = set()
    for ln in lines:
        m = TUNNEL_DEST.fullmatch(ln)
        if m and m.group(2) == addr:
            tun = f"native/interface/Tunnel[name={m.group(1)}]/tunnel/"
            sig |= _under(lines, tun)
            ipsec_profiles |= {_split(x)[1] for x in _under(lines, tun + "protection/")}
    sets, ike_profiles = set(), set()
    for p in ipsec_profiles:
        pre = f"native/crypto/ipsec/profile[name={p}]/"
        sig |= _under(lines, pre)
        sets |= _values(lines, pre, "/set/transform-set")
        ike_profiles |= _values(lines, pre, "/set/ikev2-profile")
    for t in sets:
        sig |= _under(lines, f"native/crypto/ipsec/transform-set[tag={t}]/")
    keyrings = set()
    for ln in lines:
        m, mm = PROFILE.fullmatch(ln), MATCH.search(ln)
        if m and mm and mm.group(1) == addr:
            ike_profiles.add(m.group(1).split("[name=")[1][:-1])
    for p in ike_profiles:
        pre = f"native/crypto/ikev2/profile[name={p}]/"
        body = _under(lines, pre)
        sig |= {x for x in body if not x.startswith(pre + "dpd/")
                and not ((mm := MATCH.search(x)) and mm.group(1) != addr)}
        keyrings |= _values(lines, pre, "/keyring/local/name")
    for ln in lines:
        m = KEYRING_PEER.fullmatch(ln)
        if m and m.group(2) == addr and any(m.group(1).startswith(f"native/crypto/ikev2/keyring[name={k}]/")
                                            for k in keyrings):
            sig |= _under(lines, m.group(1) + "/")
    proposals = set()
    for ln in _under(lines, "native/crypto/ikev2/policy["):
        sig.add(ln)
        proposals |= set(re.findall(r"/proposal\[proposals=([^\]]+)\]", ln))
    for p in proposals:
        sig |= _under(lines, f"native/crypto/ikev2/proposal[name={p}]/")
    return frozenset(sig)


def peers(lines) -> set[str]:
    out = {m.group(2) for ln in lines if (m := TUNNEL_DEST.fullmatch(ln))}
    out |= {m.group(2) for ln in lines if (m := KEYRING_PEER.fullmatch(ln))}
    return {a for a in out if is_ip(a)}


def renegotiated(before, after) -> list[str]:
    """Peers (remote WAN addresses) in both whose negotiated parameters differ."""
    b, a = list(before), list(after)
    return sorted((p for p in peers(b) & peers(a) if signature(b, p) != signature(a, p)), key=ipaddress.ip_address)


__all__ = ["renegotiated", "signature", "peers", "reset_commands", "reset_error"]
