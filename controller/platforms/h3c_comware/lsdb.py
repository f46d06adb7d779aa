"""Comware 7's OSPF router LSAs (``display ospf lsdb router``), for the backup-path check of
redundant hubs (issue 23, ``ospf.backup``). Pure: text in, ``{advertising router: RouterLsa}`` out.

Format: per LSA ``Type : Router``, ``Adv Rtr : A``, then per link ``Link ID : X``, ``Data : Y``,
``Link Type : T``, ``Metric : M``, with T one of ``P-2-P``, ``TransNet``, ``StubNet``, ``Virtual``
(the link types as HP's Comware debug manual lists them for router LSAs,
https://www.manualshelf.com/manual/hp/hp-hsr6804-router-chassis/hp-comware-5-debug-manual-vol-3/page-171.html;
``display ospf lsdb`` is in the MSR V7 IP Routing command reference's OSPF chapter; the exact
``Key : value`` layout of its router-LSA example was not retrieved here: [unverified]). A P-2-P link's
ID is the neighbour's router id; a StubNet link's ID and Data are the network and its mask.

>>> lsa = parse_router_lsdb(DOC)["10.1.3.1"]
>>> lsa.links, lsa.stubs
({'10.1.1.1': 10}, ['172.16.0.4/30'])
"""
from __future__ import annotations

import re
from ipaddress import IPv4Network

from ...state import RouterLsa

SHOW = "display ospf lsdb router"
DOC = """\
         OSPF Process 1 with Router ID 10.1.3.1
                         Area: 0.0.0.0
                 Link State Database

    Type      : Router
    LS ID     : 10.1.3.1
    Adv Rtr   : 10.1.3.1
    LS age    : 434
    Len       : 48
    Options   :  E
    Seq#      : 80000007
    Checksum  : 0x5fb2
    Link count: 2
       Link ID: 10.1.1.1
       Data   : 172.16.0.6
       Link Type: P-2-P
       Metric : 10
       Link ID: 172.16.0.4
       Data   : 255.255.255.252
       Link Type: StubNet
       Metric : 10
       Priority : Low
"""
_LINE = re.compile(r"([A-Za-z][A-Za-z #]*?)\s*:\s*(\S+)")
_IP = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")


def _stub(network: str, mask: str) -> str | None:
    try:
        return str(IPv4Network(f"{network}/{mask}", strict=False))
    except ValueError:
        return None


def parse_router_lsdb(text: str) -> dict[str, RouterLsa]:
    out: dict[str, RouterLsa] = {}
    lsa: RouterLsa | None = None
    link: dict[str, str] = {}

    def close():
        if lsa is not None and link.get("Link ID") and _IP.fullmatch(link["Link ID"]):
            kind, metric = link.get("Link Type", ""), link.get("Metric", "0")
            if kind == "P-2-P":
                lsa.links[link["Link ID"]] = int(metric) if metric.isdigit() else 0
            elif kind == "StubNet" and (stub := _stub(link["Link ID"], link.get("Data", ""))):
                lsa.stubs = sorted({*lsa.stubs, stub})
        link.clear()

    for raw in (text or "").splitlines():
        if len(raw) > 200:            # no line of this display is that long: not ours
            continue
        m = _LINE.fullmatch(raw.strip())
        if not m:
            continue
        key, value = m.group(1).strip(), m.group(2)
        if key == "Type":
            close()
            lsa = None if value != "Router" else RouterLsa()
        elif key == "Adv Rtr" and lsa is not None and _IP.fullmatch(value):
            out[value] = out.get(value, lsa)
            lsa = out[value]
        elif key == "Link ID":
            close()
            link["Link ID"] = value
        elif key in ("Data", "Link Type", "Metric"):
            link[key] = value
    close()
    return out
