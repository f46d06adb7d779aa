"""Which VRP IKE peers a change re-negotiates, and the user-view commands that reset their SAs.

An established IKE SA outlives a change of its proposals or lifetimes: after a commit the deploy
resets the peers whose negotiated parameters changed, so the proof exercises the new ones. Pure:
grectl's part of ``display current-configuration`` (keys as placeholders) and the remediation
lines in, remote addresses and steps out.

A peer's negotiated parameters: its ``ike peer grectl-*`` block (version, key, ``ike-proposal``,
identities, ``remote-address``), the ``ike proposal`` it names, the ``ipsec profile``\\ s bound to
it (lifetimes, PFS) and the ``ipsec proposal`` they name (transform, mode, algorithms), and the GRE
endpoints of the tunnels carrying those profiles. Keys: VRP prints a key only in its own cipher
form, so the remediation never sees a key change (see the README): a key change alone resets
nothing here. New peers (no SA yet) and removed peers are not reset.

>>> run = ("ike proposal 99\\n sa duration 86400\\n#\\n"
...        "ike peer grectl-a\\n ike-proposal 99\\n remote-address 192.0.2.1\\n#")
>>> renegotiated(run, apply(run, ["ike proposal 99", " sa duration 3600", "quit"]))
['192.0.2.1']
>>> [s.send for s in reset_steps(['192.0.2.1'])]
['reset ipsec sa remote 192.0.2.1', 'reset ike sa remote 192.0.2.1']
"""
from __future__ import annotations

from netutils.ip import is_ip

from .. import undo_cli
from ..steps import Step
from .remediation import _key, blocks
from .session import YES_NO

TUNNEL_ENDS = {"source", "destination", "tunnel-protocol", "ipsec profile"}


def apply(running: str, cmds: list[str]) -> str:
    """``running`` (grectl's blocks) after the remediation ``cmds``, as VRP applies them:
    ``undo <header>`` drops a block, a header enters (or creates) it, inside it ``undo X`` drops
    the line X (or the one keyed X), a line replaces the line with its key. OSPF is left as it
    runs (never negotiated with an IKE peer)."""
    out = [(h, list(c)) for h, c in blocks(running)]
    cur = None
    for c in cmds:
        s = c.strip()
        if not c[:1].isspace():
            cur = None
            if s in ("quit", "return", "#") or s.startswith("ospf "):
                continue
            if s.startswith("undo "):
                out = [(h, b) for h, b in out if h != s[5:]]
                continue
            cur = next((b for h, b in out if h == s), None)
            if cur is None:
                out.append((s, []))
                cur = out[-1][1]
            continue
        if cur is None or s == "quit":
            continue
        if s.startswith("undo "):
            gone = s[5:]
            cur[:] = [ln for ln in cur if ln.strip() != gone and _key(ln) != gone]
            continue
        k = _key(c)
        cur[:] = [ln for ln in cur if ln.strip() != s and (k is None or _key(ln) != k)] + [c.rstrip()]
    return "".join(f"{h}\n" + "".join(f"{ln}\n" for ln in b) + "#\n" for h, b in out)


def _lines(body) -> frozenset:
    return frozenset(ln.strip() for ln in body)


def _value(body, key: str) -> str | None:
    return next((ln.strip()[len(key):].strip() for ln in body if _key(ln) == key), None)


def peers(text: str) -> dict[str, tuple[str, frozenset]]:
    """{ike peer name: (remote address, what it negotiates)} of grectl's peers in ``text``."""
    bl = blocks(text)
    by = dict(bl)
    out = {}
    for h, body in bl:
        if not h.startswith("ike peer grectl-"):
            continue
        name = h[len("ike peer "):]
        addr = _value(body, "remote-address") or ""
        sig = {("peer", x) for x in _lines(body)}
        prop = _value(body, "ike-proposal")
        if prop:
            sig |= {("ike", prop, x) for x in _lines(by.get(f"ike proposal {prop}", []))}
        profiles = [ph[len("ipsec profile "):] for ph, pb in bl
                    if ph.startswith("ipsec profile ") and _value(pb, "ike-peer") == name]
        for p in profiles:
            pb = by.get(f"ipsec profile {p}", [])
            sig |= {("profile", p, x) for x in _lines(pb)}
            ip = _value(pb, "proposal")
            if ip:
                sig |= {("esp", ip, x) for x in _lines(by.get(f"ipsec proposal {ip}", []))}
        for th, tb in bl:
            if th.startswith("interface Tunnel") and (_value(tb, "ipsec profile") in profiles
                                                      or (addr and _value(tb, "destination") == addr)):
                sig |= {("tunnel", x) for x in _lines(tb) if _key(x) in TUNNEL_ENDS}
        out[name] = (addr, frozenset(sig))
    return out


def renegotiated(before: str, after: str) -> list[str]:
    """Remote addresses (as they run before) of the peers in both whose parameters differ."""
    return undo_cli.renegotiated(peers, before, after)


def reset_steps(addresses: list[str]) -> list[Step]:
    """User view, per peer: ``reset ipsec sa remote A`` then ``reset ike sa remote A``. Huawei: "To
    delete IPSec SAs established through IKE negotiation, you must run the reset ipsec sa and reset
    ike sa commands in sequence" (``reset ipsec sa [ remote ipv4-address | ... ]``,
    http://a10.tagan.ru/huawei/dc/reset_ipsec_sa.html; ``reset ike sa [ conn-id conn-id | remote
    ipv4-address ]``, .../dc/reset_ike_sa.html; NetEngine 8000: ``reset ike sa remote remoteaddr``,
    "run reset ipsec sa before reset ike sa"). Some AR releases take only ``reset ike sa { all |
    conn-id id }`` (AR500 V200R007 reference): there the command is refused, and reported."""
    out = []
    for a in addresses:
        if is_ip(a):   # only an address parsed as one reaches the command line
            out += [Step(f"reset ipsec sa remote {a}", expect=YES_NO), Step(f"reset ike sa remote {a}", expect=YES_NO)]
    return out
