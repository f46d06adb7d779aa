"""H3C Comware 7 IPv6 verify (dual-stack tunnels, issue 22, point 5): commands and parsers. Pure.

Formats, written from H3C's Comware 7 Layer 3 IP Routing command references (the "OSPFv3 commands"
and "IPv6 basics" chapters, https://www.h3c.com/en/d_201301/772528_294551_0.htm and
https://h3c.com/en/d_201609/951232_294551_0.htm list ``display ospfv3 peer``, ``display ospfv3
interface``; HPE 5710's Comware 7 ``display ospfv3`` example heads each process with ``OSPFv3
Process 1 with Router ID 1.1.1.1``, https://support.hpe.com/techhub/eginfolib/networking/docs/
switches/5710/5200-4991_l3-ip-rtng_cr/content/517707003.htm). The example outputs of the three
commands below were not retrieved here: their column layout is [unverified], and
``../shared/recorded/hp_comware`` has no IPv6 capture, so none is proven on a device:

- ``display ospfv3 peer``: per area ``Area: 0.0.0.0``, then ``Router ID  Pri State  Dead-Time
  InstID Interface`` rows (state ``Full/ -``, ``Full/DR``);
- ``display ospfv3 interface Tunnel<n>``: ``Interface: Tunnel2`` (the area on an ``Area:`` line),
  ``Type: P2P``, ``MTU: 1434``, ``Timers: Hello 2, Dead 8, ...``;
- ``display ipv6 routing-table protocol ospfv3``: one record per route and next hop,
  ``Destination: P/L  Protocol : O_INTRA`` / ``NextHop : A  Preference: 10`` / ``Interface : I``;
- ``ping ipv6 -c C -s N A``: the IPv4 ping's counters (``N packet(s) transmitted, M packet(s)
  received``). IPv6 routers do not fragment, and no Comware page retrieved here documents a
  don't-fragment option for ``ping ipv6``, so only the largest payload is sent (df6.max); the
  one-byte-over probe is not.

>>> [(n.router_id, n.state, n.interface) for n in parse_ospfv3_peer(PEER_DOC)]
[('10.1.1.1', 'full', 'Tunnel2')]
"""
from __future__ import annotations

import re
from ipaddress import IPv6Network

from ...state import OspfInterface, OspfNeighbor, Route
from .. import collect6_cli
from . import values

PEER6, ROUTES6 = collect6_cli.PEER6, collect6_cli.ROUTES6
commands = collect6_cli.commands
PEER_DOC = """\
                    OSPFv3 Process 1 with Router ID 10.1.3.1

 Area: 0.0.0.0
-------------------------------------------------------------------------
 Router ID       Pri State             Dead-Time InstID Interface
 10.1.1.1        1   Full/ -           00:00:07  0      Tun2
"""
IP = r"\d{1,3}(?:\.\d{1,3}){3}"
_PEER = re.compile(rf"({IP}) +\d+ +([A-Za-z0-9-]+)(?:/ *[^ /]*)? +\d+:\d+:\d+ +\d+ +(\S+)")
TYPES = {"P2P": "point-to-point", "PTP": "point-to-point", "Broadcast": "broadcast", "BROADCAST": "broadcast",
         "NBMA": "nbma", "P2MP": "point-to-multipoint", "PTMP": "point-to-multipoint"}
OSPF6 = ("O_INTRA", "O_INTER", "O_ASE1", "O_ASE2", "O_NSSA1", "O_NSSA2", "OSPFv3")


def _ifname(name: str) -> str:
    name = re.sub(r"^Tun(?=\d)", "Tunnel", name)   # Comware's brief column names Tunnel2 "Tun2"
    return values.canonical_interface(name)


def parse_ospfv3_peer(text: str) -> list[OspfNeighbor]:
    out = []
    for line in (text or "").splitlines():
        if m := _PEER.fullmatch(line.strip()):
            out.append(OspfNeighbor(router_id=m.group(1), state=m.group(2).lower(), interface=_ifname(m.group(3))))
    return out


def parse_ospfv3_interface(text: str) -> dict[str, OspfInterface]:
    out: dict[str, OspfInterface] = {}
    cur, area = None, None
    for line in (text or "").splitlines():
        s = line.strip()
        if m := re.fullmatch(r"Area:\s*(\S+)", s):
            area = m.group(1)
            if cur is not None and cur.area is None:
                cur.area = area
        elif m := re.fullmatch(r"Interface:\s*(\S+)(?:\s.*)?", s):
            name = _ifname(m.group(1))
            cur = out[name] = OspfInterface(name=name, area=area)
        elif cur is not None:
            if m := re.search(r"\bType:\s*(\S+)", s):
                cur.network_type = TYPES.get(m.group(1), m.group(1).lower())
            if m := re.search(r"\bMTU:\s*(\d+)", s):
                cur.mtu = int(m.group(1))
            if m := re.search(r"Hello\s+(\d+)\s*,\s*Dead\s+(\d+)", s):
                cur.hello, cur.dead = int(m.group(1)), int(m.group(2))
            if "silent" in s.lower():
                cur.passive = True
    return {k: v for k, v in out.items() if v.area is not None}


def parse_routes6(text: str) -> dict[str, list[Route]]:
    return collect6_cli.parse_routes6(text, _pairs, _route_prefix, _ifname)


def _route_prefix(rec: dict[str, str]) -> str | None:
    return _prefix6(rec.get("Destination", "")) if rec.get("Protocol", "") in OSPF6 else None


def _prefix6(text: str) -> str | None:
    """``P/L`` as an IPv6 network, or None (an IPv4 or unreadable destination is not an IPv6 route)."""
    try:
        return str(IPv6Network(text, strict=False)) if "/" in text else None
    except ValueError:
        return None


def _pairs(w: list[str]) -> list[tuple[str, str]]:
    """``Key : value`` and ``Key: value`` pairs of one line's tokens (a value's own colons, as in an
    IPv6 address, kept); linear in the line, whatever it holds."""
    out = []
    for i, t in enumerate(w[:-1]):
        if t == ":" and i > 0:
            out.append((w[i - 1], w[i + 1]))
        elif len(t) > 1 and t.endswith(":") and t.count(":") == 1:
            out.append((t[:-1], w[i + 1]))
    return out


_PARSERS = collect6_cli.Parsers6(parse_ospfv3_peer, parse_ospfv3_interface, parse_routes6)
state6, parse_command = _PARSERS.state6, _PARSERS.parse_command
