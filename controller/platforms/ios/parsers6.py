"""Cisco IOS IPv6 show-command parsers (dual-stack tunnels, issue 22, point 5). Pure.

Written from the documented output formats; ``../shared/recorded`` holds no IPv6 capture, so none
is proven on a real router yet:

- ``show ipv6 ospf neighbor``: the OSPFv3 table of Cisco's "Implementing OSPFv3" guide
  (ip6-ospf.html): ``Neighbor ID  Pri  State  Dead Time  Interface ID  Interface`` under an
  ``OSPFv3 Router with ID (...) (Process ID N)`` banner [format as documented there; unverified on a device];
- ``show ipv6 ospf interface TunnelN``: blocks ``<if> is up, line protocol is up`` with ``Area A,
  Process ID N, Instance ID 0, Router ID R``, ``Network Type POINT_TO_POINT, Cost: C`` and ``Timer
  intervals configured, Hello H, Dead D, ...`` (the OSPFv2 detail form's lines) [unverified on a device];
- ``show ipv6 route ospf``: ntc-templates' ``cisco_ios_show_ipv6_route`` (a code line ``O   P/L [110/M]``
  then ``via FE80::X, TunnelN``); codes O, OI, OE1, OE2, ON1, ON2 are all OSPFv3's;
- ``ping ipv6 A size N df-bit repeat R``: the IPv4 ping's lines with an IPv6 address; ``size`` is the
  whole IPv6 datagram (40 + 8 + payload) [unverified: the df-bit keyword for IPv6].

>>> ospf6_neighbor(NEIGHBOR_DOC).ospf6_neighbors[0].state
'full'
"""
from __future__ import annotations

import re
from ipaddress import IPv6Network

from ...state import DeviceState, DfProbe, NextHop, OspfInterface, OspfNeighbor, Route
from . import parsers

NEIGHBOR_DOC = """\
            OSPFv3 Router with ID (10.1.2.1) (Process ID 1)

Neighbor ID     Pri   State           Dead Time   Interface ID    Interface
10.1.1.1          0   FULL/  -        00:00:39    13              Tunnel1
"""
_NBR = re.compile(r"(\d+\.\d+\.\d+\.\d+) +(\d+) +([A-Za-z0-9-]+(?:/ *[^ /]*)?) +(\d+:\d+:\d+|-) +(\d+) +(\S+)")
_IF = re.compile(r"(\S+) is (up|down|administratively down), line protocol is (\w+)")
_AREA = re.compile(r"\s*Area (\S+), Process ID (\d+)")
_TYPE = re.compile(r"\s*Network Type (\S+), Cost")
_TIMERS = re.compile(r"\s*Timer intervals configured, Hello (\d+), Dead (\d+)")


def ospf6_neighbor(output: str) -> DeviceState:
    """``show ipv6 ospf neighbor``: one neighbour per table line (``FULL/  -`` is full)."""
    out = []
    for line in (output or "").splitlines():
        m = _NBR.fullmatch(line.strip())
        if m:
            out.append(OspfNeighbor(router_id=m.group(1), state=m.group(3), interface=m.group(6)))
    return DeviceState(ospf6_neighbors=out)


def ospf6_interface(output: str) -> DeviceState:
    """``show ipv6 ospf interface [TunnelN]``: area, timers, network type, passive, per interface."""
    out: dict[str, dict] = {}
    cur = None
    for line in (output or "").splitlines():
        if m := _IF.fullmatch(line.strip()):
            cur = out.setdefault(m.group(1), dict(name=m.group(1), up=m.group(3) == "up"))
        elif cur is None:
            continue
        elif m := _AREA.match(line):
            cur["area"] = parsers._area(m.group(1))
        elif m := _TYPE.match(line):
            cur["network_type"] = m.group(1).lower().replace("_", "-")
        elif m := _TIMERS.match(line):
            cur["hello"], cur["dead"] = int(m.group(1)), int(m.group(2))
        elif "Passive interface" in line:
            cur["passive"] = True
    return DeviceState(ospf6_interfaces={n: OspfInterface(**v) for n, v in out.items() if "area" in v})


def routes6_ospf(output: str) -> DeviceState:
    """``show ipv6 route [ospf]``: OSPFv3 routes, the prefix in Python's spelling (lower case)."""
    routes: dict[str, list[Route]] = {}
    import io

    import textfsm
    t = textfsm.TextFSM(io.StringIO(parsers._ntc("cisco_ios_show_ipv6_route.textfsm").read_text()))
    try:
        rows = [dict(zip((h.lower() for h in t.header), r)) for r in t.ParseText(output or "")]
    except textfsm.TextFSMError:
        return DeviceState()
    for r in rows:
        if not r["protocol"].startswith("O"):
            continue
        prefix = str(IPv6Network(r["network"], strict=False))
        hop = NextHop(ip=r["nexthop_ip"].lower() or None, interface=r["nexthop_if"].strip() or None)
        same = routes.setdefault(prefix, [])
        if same:
            same[0].nexthops.append(hop)
        else:
            same.append(Route(protocol="ospf6", nexthops=[hop]))
    return DeviceState(routes6=routes)


_SENDING6 = re.compile(r"Sending (\d+), (\d+)-byte ICMP Echos to ([0-9A-Fa-f:]+)")


def ping6(output: str, size: int | None = None) -> DfProbe:
    """``ping ipv6 A size N df-bit``: like IPv4's, the size being the datagram (payload = N - 48)."""
    p = parsers.ping(output, size=size)
    m = _SENDING6.search(output or "")
    total = int(m.group(2)) if m else size
    return p.model_copy(update={"size": (total or 48) - 48})


# ---------------------------------------------------------------- grectl parse
_SHAPES6 = [
    (r"sh(ow)? ipv6 ospf nei(ghbor)?( \S+)?", "show ipv6 ospf neighbor"),
    (r"sh(ow)? ipv6 ospf int(erface)?( \S+)?", "show ipv6 ospf interface"),
    (r"sh(ow)? ipv6 ro(ute)?( ospf( \d+)?)?", "show ipv6 route ospf"),
    (r"ping ipv6 (?P<addr>[0-9A-Fa-f:]+) size (?P<size>\d+) df-bit( repeat \d+)?", "ping ipv6"),
]
COMMANDS = ("show ipv6 ospf neighbor", "show ipv6 ospf interface [TunnelN]", "show ipv6 route [ospf]",
            "ping ipv6 X:X::X size N df-bit repeat N")


def parse_command(command: str, output: str) -> DeviceState | None:
    """The facts of one IPv6 command's output, or None when ``command`` is not an IPv6 one."""
    c = " ".join(command.split())
    for pattern, key in _SHAPES6:
        m = re.fullmatch(pattern, c, re.I)
        if m is None:
            continue
        if key == "ping ipv6":
            return DeviceState(probes6={m["addr"]: {"probe": ping6(output, int(m["size"]))}})
        return {"show ipv6 ospf neighbor": ospf6_neighbor, "show ipv6 route ospf": routes6_ospf,
                "show ipv6 ospf interface": ospf6_interface}[key](output)
    return None
