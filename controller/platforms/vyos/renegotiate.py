"""Which VyOS IKE peers a change re-negotiates, and the op-mode command that re-establishes them.

An established IKE SA outlives a change of its key, proposals or lifetimes: after a commit the
deploy resets the peers whose negotiated parameters changed, so the proof exercises the new ones.
Pure: ``set`` lines (grectl's part, keys as placeholders) in, peers and commands out.

A peer's negotiated parameters: its ``site-to-site peer`` leaves (but ``description``), its PSK
(``authentication psk`` of its name or naming its address, compared by placeholder, i.e. key
fingerprint), the ``ike-group`` it names (but DPD and close-action, which are local), the
``esp-group``\\ s it names, and the GRE endpoints of the tunnel to its address. A peer new in the
change has no SA; a removed one is gone with its config: neither is reset.

>>> run = ["set vpn ipsec site-to-site peer grectl-a remote-address '192.0.2.1'",
...        "set vpn ipsec site-to-site peer grectl-a ike-group 'g'", "set vpn ipsec ike-group g lifetime '3600'"]
>>> renegotiated(run, [l.replace("'3600'", "'7200'") for l in run])
['192.0.2.1']
>>> [s.send for s in reset_steps(run, ['192.0.2.1'])]
['reset vpn ipsec site-to-site peer grectl-a']
"""
from __future__ import annotations

import ipaddress
import re

from ..steps import Step
from .remediation import words

PEER = ("vpn", "ipsec", "site-to-site", "peer")
LOCAL_ONLY_IKE = {"dead-peer-detection", "close-action"}       # not negotiated with the peer
GRE_ENDS = {"source-address", "local-ip", "remote", "remote-ip", "encapsulation"}
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}")
# what an op-mode reset answers when it did not do it (vyos-1x src/op_mode/ipsec.py, vyos.opmode)
FAILED = re.compile(r"(?im)^.*(invalid command|error|failed|not found|aborting|unconfigured).*$")


def _leaves(text) -> list[tuple[str, ...]]:
    lines = text.splitlines() if isinstance(text, str) else list(text)
    return [w for w in (words(ln.strip()) for ln in lines) if w]


def _under(leaves, prefix: tuple[str, ...]) -> list[tuple[str, ...]]:
    return [w[len(prefix):] for w in leaves if w[:len(prefix)] == prefix and len(w) > len(prefix)]


def _peers(leaves) -> dict[str, str]:
    """{peer name: remote address}: ``remote-address`` (1.4), else the name itself (1.3)."""
    out = {}
    for name in dict.fromkeys(w[4] for w in leaves if w[:4] == PEER and len(w) > 4):
        ra = [w[1] for w in _under(leaves, PEER + (name,)) if w[0] == "remote-address" and len(w) == 2]
        out[name] = ra[0] if ra else name
    return out


def signature(leaves, name: str) -> frozenset:
    """Everything ``name`` negotiates with its peer, as (part, leaf) pairs."""
    mine = _under(leaves, PEER + (name,))
    addr = _peers(leaves).get(name, name)
    sig = {("peer",) + w for w in mine if w[0] != "description"}
    for g in {w[1] for w in mine if w[0] == "ike-group" and len(w) == 2}:
        sig |= {("ike", g) + w for w in _under(leaves, ("vpn", "ipsec", "ike-group", g)) if w[0] not in LOCAL_ONLY_IKE}
    esp = {w[-1] for w in mine if (w[0] == "default-esp-group" or (w[0] == "tunnel" and w[2:3] == ("esp-group",)))}
    for g in esp:
        sig |= {("esp", g) + w for w in _under(leaves, ("vpn", "ipsec", "esp-group", g))}
    psk = ("vpn", "ipsec", "authentication", "psk")
    for p in dict.fromkeys(w[4] for w in leaves if w[:4] == psk and len(w) > 4):
        body = _under(leaves, psk + (p,))
        if p == name or ("id", addr) in body:
            sig |= {("psk", p) + w for w in body}
    for t in dict.fromkeys(w[2] for w in leaves if w[:2] == ("interfaces", "tunnel") and len(w) > 2):
        body = _under(leaves, ("interfaces", "tunnel", t))
        if ("remote", addr) in body or ("remote-ip", addr) in body:
            sig |= {("tunnel",) + w for w in body if w[0] in GRE_ENDS}
    return frozenset(sig)


def renegotiated(before, after) -> list[str]:
    """Remote addresses (as they run before the change) of the peers in both ``before`` and
    ``after`` whose negotiated parameters differ."""
    b, a = _leaves(before), _leaves(after)
    peers_b, peers_a = _peers(b), _peers(a)
    return sorted({peers_b[n] for n in peers_b if n in peers_a and signature(b, n) != signature(a, n)},
                  key=_addr_key)


def _addr_key(a: str):
    try:
        return (0, ipaddress.ip_address(a))
    except ValueError:
        return (1, a)


def reset_steps(before, addresses) -> list[Step]:
    """One op-mode reset per peer at ``addresses`` (named as in ``before``).

    VyOS 1.4/1.5: ``reset vpn ipsec site-to-site peer <name>`` (vyos-1x
    ``op-mode-definitions/vpn-ipsec.xml.in``; ``src/op_mode/ipsec.py reset_peer`` terminates the
    peer's IKE SA over VICI and initiates it again when ``connection-type initiate``).
    VyOS 1.3 (peers named by address): ``reset vpn ipsec-peer <address>`` (vyos-1x PR #1428's
    example; its 1.3 script runs ``ipsec down <conn>{*}`` and ``ipsec up <conn>``: the CHILD_SAs,
    so on 1.3 the IKE SA itself may survive). A name that is not a plain word is never sent."""
    leaves = _leaves(before)
    want = set(addresses)
    out = []
    for name, addr in _peers(leaves).items():
        if addr not in want or not SAFE_NAME.fullmatch(name):
            continue
        v14 = any(w[0] == "remote-address" for w in _under(leaves, PEER + (name,)))
        out.append(Step(f"reset vpn ipsec site-to-site peer {name}" if v14 else f"reset vpn ipsec-peer {name}",
                        slow=True))
    return out


def reset_error(step: Step, answer: str) -> str | None:
    m = FAILED.search(answer or "")
    return f"{step.send}: {m.group(0).strip()}" if m else None
