"""The IPv6 verify rounds of a ``display``-CLI router (dual-stack tunnels, issue 22, point 5), shared
by H3C Comware and Huawei VRP: which commands run, and how their outputs become the IPv6 facts of
the device state. Pure. The parsers of each output are the platform's own (its collect6 module):
the two print the same commands in different layouts.

Commands: ``display ospfv3 peer``, ``display ipv6 routing-table protocol ospfv3``, ``display ospfv3
interface <tunnel>`` per dual-stack tunnel, then ``ping ipv6 -c 2 -s N A`` per global far address
(IPv6 routers do not fragment, and neither CLI documents a don't-fragment option for ``ping ipv6``,
so only the largest payload is sent: df6.max).

>>> ping6_command("2001:db8::1", 1434)
'ping ipv6 -c 2 -s 1434 2001:DB8::1'
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from .. import probes
from ..models import Overlay
from ..state import DeviceState, DfProbe, NextHop, OspfInterface, OspfNeighbor, Route

PEER6, ROUTES6 = "display ospfv3 peer", "display ipv6 routing-table protocol ospfv3"


def targets6(overlay: Overlay, device: str, site: str | None) -> list[tuple[str, int]]:
    """IPv6 DF targets with a global far address (a link-local one needs an interface: not probed)."""
    return [(far, size) for far, size in probes.df_targets6(overlay, device, overlay.tunnels_of(device, site))
            if "%" not in far]


def ping6_command(far: str, size: int) -> str:
    return f"ping ipv6 -c 2 -s {size} {far.upper()}"


def six(overlay: Overlay, device: str, site: str | None) -> bool:
    return any("ipv6" in t.families for t in overlay.tunnels_of(device, site))


def commands(overlay: Overlay, device: str, site: str | None) -> tuple[list[str], list[str]]:
    """(first round, second round) IPv6 commands; nothing without dual-stack tunnels."""
    if not six(overlay, device, site):
        return [], []
    ts = [t for t in overlay.tunnels_of(device, site) if "ipv6" in t.families]
    first = [PEER6, ROUTES6] + [f"display ospfv3 interface {t.end(device).interface}" for t in ts]
    return first, [ping6_command(far, size) for far, size in targets6(overlay, device, site)]


def parse_routes6(text: str, pairs: Callable[[list[str]], list[tuple[str, str]]],
                  prefix: Callable[[dict[str, str]], str | None],
                  ifname: Callable[[str], str]) -> dict[str, list[Route]]:
    """``display ipv6 routing-table protocol ospfv3``: one record of ``Key : value`` pairs per route
    and next hop, each from its ``Destination`` line (``pairs`` reads a line's tokens); ``prefix``
    gives a record's IPv6 prefix, or None when the record is not an OSPFv3 route of IPv6; the next
    hops of one prefix are one route's."""
    out: dict[str, list[Route]] = {}
    rec: dict[str, str] = {}

    def flush():
        if p := prefix(rec):
            hop = NextHop(ip=rec.get("NextHop", "").lower() or None,
                          interface=ifname(rec["Interface"]) if rec.get("Interface") else None)
            same = out.setdefault(p, [])
            if same:
                same[0].nexthops.append(hop)
            else:
                same.append(Route(protocol="ospf6", nexthops=[hop]))
        rec.clear()

    for line in (text or "").splitlines():
        ps = pairs(line.split())
        if ps and ps[0][0] == "Destination":
            flush()
        rec.update(dict(ps))
    flush()
    return out


@dataclass(frozen=True)
class Parsers6:
    """A platform's parsers of the three IPv6 displays."""
    peer: Callable[[str], list[OspfNeighbor]]
    interface: Callable[[str], dict[str, OspfInterface]]
    routes: Callable[[str], dict[str, list[Route]]]

    def state6(self, overlay: Overlay, device: str, site: str | None, outputs: dict[str, str], parse_ping) -> dict:
        """The IPv6 facts of a router with dual-stack tunnels (none otherwise: the state is as before)."""
        if not six(overlay, device, site):
            return {}
        ifs: dict[str, OspfInterface] = {}
        for t in overlay.tunnels_of(device, site):
            if "ipv6" in t.families:
                ifs.update(self.interface(outputs.get(f"display ospfv3 interface {t.end(device).interface}", "")))
        return dict(ospf6_neighbors=self.peer(outputs.get(PEER6, "")), ospf6_interfaces=ifs,
                    routes6=self.routes(outputs.get(ROUTES6, "")),
                    probes6={far: {"max": DfProbe(size=size, **parse_ping(outputs.get(ping6_command(far, size), "")))}
                             for far, size in targets6(overlay, device, site)})

    def parse_command(self, c: str, output: str, parse_ping) -> DeviceState | None:
        """The facts of one IPv6 command's output (``grectl parse``), or None when not an IPv6 one."""
        if c.startswith(PEER6):
            return DeviceState(ospf6_neighbors=self.peer(output))
        if c.startswith("display ospfv3 interface"):
            return DeviceState(ospf6_interfaces=self.interface(output))
        if c.startswith("display ipv6 routing-table"):
            return DeviceState(routes6=self.routes(output))
        if c.startswith("ping ipv6 "):
            m = re.search(r"-s (\d+)", c)
            return DeviceState(probes6={c.split()[-1]: {"probe": DfProbe(size=int(m.group(1)) if m else 0,
                                                                          **parse_ping(output))}})
        return None
