"""Huawei VRP IPv6 verify (dual-stack tunnels, issue 22, point 5): commands and parsers. Pure.

Formats, written from Huawei's documented displays (``../shared/recorded`` has no IPv6 capture, so
none is proven on a device):

- ``display ospfv3 peer``: ``OSPFv3 Process (1)`` / ``OSPFv3 Area (0.0.0.0)`` then the table
  ``Neighbor ID  Pri  State  Dead Time  Interface  Instance ID`` (state ``Full/ -``) [format as in
  Huawei's command reference; the page was not retrieved here: unverified];
- ``display ospfv3 interface Tunnel0/0/N``: NetEngine 8000 F1A command reference, "display ospfv3
  interface" (a10.tagan.ru/huawei/netengine8000f1a/command/8090/display-ospfv3-interface(ospfcommom).html):
  ``<if> is up, line protocol is up``, ``OSPFv3 Process (1), Area 0.0.0.1, Instance ID 0``,
  ``Router ID 1.1.1.1, Network Type BROADCAST, Cost: 1``, ``Timer interval configured, Hello 10, Dead 40``;
- ``display ipv6 routing-table protocol ospfv3``: one record per route, ``Destination  : P
  PrefixLength : L`` / ``NextHop : A`` / ``Protocol : OSPFv3`` / ``Interface : I`` [unverified];
- ``ping ipv6 -c C -s N A``: VRP's ping counters (``N packet(s) transmitted/received``). IPv6 has no
  DF bit and no VRP page retrieved documents a don't-fragment option for ``ping ipv6``, so only the
  largest payload is sent (df6.max); the one-byte-over probe is not (VRP would fragment it).

>>> [(n.router_id, n.state, n.interface) for n in parse_ospfv3_peer(PEER_DOC)]
[('10.1.1.1', 'full', 'Tunnel0/0/2')]
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
OSPFv3 Process (1)
OSPFv3 Area (0.0.0.0)
Neighbor ID     Pri  State            Dead Time Interface            Instance ID
10.1.1.1        1    Full/ -          00:00:34  Tunnel0/0/2              0
"""
_PEER = re.compile(r"(\d+\.\d+\.\d+\.\d+) +(\d+) +([A-Za-z0-9-]+(?:/ *[^ /]*)?) +(\d+:\d+:\d+) +(\S+) +(\d+)")
_IF = re.compile(r"(\S+) is (up|down|administratively down), line protocol is (\w+)")
TYPES = {"POINT_TO_POINT": "point-to-point", "P2P": "point-to-point", "BROADCAST": "broadcast", "NBMA": "nbma",
         "P2MP": "point-to-multipoint"}


def parse_ospfv3_peer(text: str) -> list[OspfNeighbor]:
    out = []
    for line in (text or "").splitlines():
        if m := _PEER.fullmatch(line.strip()):
            out.append(OspfNeighbor(router_id=m.group(1), state=m.group(3),
                                    interface=values.canonical_interface(m.group(5))))
    return out


def parse_ospfv3_interface(text: str) -> dict[str, OspfInterface]:
    out: dict[str, dict] = {}
    cur = None
    for line in (text or "").splitlines():
        if m := _IF.fullmatch(line.strip()):
            name = values.canonical_interface(m.group(1))
            cur = out.setdefault(name, dict(name=name, up=m.group(3) == "up"))
        elif cur is None:
            continue
        elif m := re.search(r"OSPFv3 Process \(\d+\), Area (\S+?),", line):
            cur["area"] = m.group(1)
        elif m := re.search(r"Network Type (\S+?),", line):
            cur["network_type"] = TYPES.get(m.group(1), m.group(1).lower())
        elif m := re.search(r"Timer intervals? configured, Hello (\d+), Dead (\d+)", line):
            cur["hello"], cur["dead"] = int(m.group(1)), int(m.group(2))
        elif "silent" in line.lower():
            cur["passive"] = True
    return {k: OspfInterface(**v) for k, v in out.items() if "area" in v}


def parse_routes6(text: str) -> dict[str, list[Route]]:
    return collect6_cli.parse_routes6(text, _pairs, _route_prefix, values.canonical_interface)


def _pairs(w: list[str]) -> list[tuple[str, str]]:
    """``Key : value`` pairs of one line's tokens (linear in the line, whatever it holds)."""
    return [(w[i], w[i + 2]) for i in range(len(w) - 2) if w[i + 1] == ":"]


def _route_prefix(rec: dict[str, str]) -> str | None:
    if "Destination" in rec and "PrefixLength" in rec and rec.get("Protocol", "").upper().startswith("OSPFV3"):
        return str(IPv6Network(f"{rec['Destination']}/{rec['PrefixLength']}", strict=False))
    return None


_PARSERS = collect6_cli.Parsers6(parse_ospfv3_peer, parse_ospfv3_interface, parse_routes6)
state6, parse_command = _PARSERS.state6, _PARSERS.parse_command
