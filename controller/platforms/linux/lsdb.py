"""FRR's OSPF databases for the backup-path check of redundant hubs (issue 23): OSPFv2's router
LSAs (``show ip ospf database router json``) and, on dual-stack routers, OSPFv3's router and
intra-area-prefix LSAs (``SHOW6``). Pure: text in, ``{advertising router: RouterLsa}`` out.

FRR has printed two shapes: ``{"routerLinkStates": {"areas": {"0.0.0.0": [lsa, ...]}}}`` and the
older ``{"Router Link States": {"0.0.0.0": {"<lsid>": lsa}}}``; both are walked for LSAs (objects with
``advertisingRouter`` and ``routerLinks``). A point-to-point link names ``neighborRouterId``, a stub
``networkAddress`` and ``networkMask``; each carries ``tos0Metric``.

>>> doc = ('{"routerId":"10.1.2.1","routerLinkStates":{"areas":{"0.0.0.0":[{"lsaType":"router-LSA",'
...        '"advertisingRouter":"10.1.2.1","routerLinks":{"link0":{"linkType":"another Router (point-to-point)",'
...        '"neighborRouterId":"10.1.1.1","routerInterfaceAddress":"172.16.0.2","tos0Metric":10},'
...        '"link1":{"linkType":"Stub Network","networkAddress":"10.1.2.0","networkMask":"255.255.255.0",'
...        '"tos0Metric":10}}}]}}}')
>>> lsa = parse_router_lsdb(doc)["10.1.2.1"]
>>> lsa.links, lsa.stubs
({'10.1.1.1': 10}, ['10.1.2.0/24'])
"""
from __future__ import annotations

from ipaddress import IPv4Network, IPv6Network

from ...state import RouterLsa
from .parsers import json_documents

SHOW = "show ip ospf database router json"


def _lsas(node):
    if isinstance(node, dict):
        if "advertisingRouter" in node and isinstance(node.get("routerLinks"), dict):
            yield node
            return
        for v in node.values():
            yield from _lsas(v)
    elif isinstance(node, list):
        for v in node:
            yield from _lsas(v)


def _metric(link: dict) -> int:
    try:
        return int(link.get("tos0Metric", 0))
    except (TypeError, ValueError):
        return 0


def _stub(link: dict) -> str | None:
    try:
        return str(IPv4Network(f"{link['networkAddress']}/{link['networkMask']}", strict=False))
    except (KeyError, ValueError):
        return None


def parse_router_lsdb(text: str) -> dict[str, RouterLsa]:
    """The router LSAs of the first document that holds any (other documents are left alone)."""
    for doc in json_documents(text):
        if not isinstance(doc, dict) or not any(k in doc for k in ("routerLinkStates", "Router Link States")):
            continue
        out: dict[str, RouterLsa] = {}
        for lsa in _lsas(doc):
            links, stubs = {}, []
            for link in lsa["routerLinks"].values():
                if not isinstance(link, dict):
                    continue
                if link.get("neighborRouterId"):
                    links[str(link["neighborRouterId"])] = _metric(link)
                elif (stub := _stub(link)) is not None:
                    stubs.append(stub)
            out[str(lsa["advertisingRouter"])] = RouterLsa(links=links, stubs=sorted(stubs))
        return out
    return {}


# OSPFv3 (ospf6d 8.4): an IPv6 router LSA names no prefixes; a router's prefixes (its LANs, tunnel
# subnets) are in its intra-area-prefix LSAs. Both detailed: the summary form prints a link as
# "10.64.1.1/0.0.0.8" and no metric.
SHOW6 = ("show ipv6 ospf6 database router detail json", "show ipv6 ospf6 database intra-prefix detail json")


def _lsas6(doc: dict) -> list[dict]:
    """The LSAs of ospf6d's ``{"areaScopedLinkStateDb": [{"areaId": ..., "lsa": [...]}]}``."""
    areas = doc.get("areaScopedLinkStateDb")
    return [lsa for area in (areas if isinstance(areas, list) else []) if isinstance(area, dict)
            for lsa in (area.get("lsa") if isinstance(area.get("lsa"), list) else []) if isinstance(lsa, dict)]


def _prefix6(p) -> str | None:
    try:
        return str(IPv6Network(str(p), strict=False))
    except ValueError:
        return None


def parse_ospf6_lsdb(text: str) -> dict[str, RouterLsa]:
    """OSPFv3's router LSAs (links: neighbour router id -> metric) and intra-area-prefix LSAs (the
    prefixes, as stubs), merged per advertising router (a router may split its LSA). Of several
    documents holding router LSAs (or prefix LSAs) the last wins, as in the other FRR reads.

    >>> doc = ('{"areaScopedLinkStateDb":[{"areaId":"0.0.0.0","lsa":[{"type":"Router","advertisingRouter":'
    ...        '"10.64.1.1","lsaDescription":[{"type":"Point-To-Point","metric":100,"neighborRouterId":"10.64.3.1"}]},'
    ...        '{"type":"Intra-Prefix","advertisingRouter":"10.64.1.1","prefix":[{"prefix":"2001:db8:2:2::/64"}]}]}]}')
    >>> parse_ospf6_lsdb(doc)["10.64.1.1"]
    RouterLsa(links={'10.64.3.1': 100}, stubs=['2001:db8:2:2::/64'])
    """
    routers: list[dict] = []
    prefixes: list[dict] = []
    for doc in json_documents(text):
        lsas = _lsas6(doc) if isinstance(doc, dict) else []
        if rtr := [x for x in lsas if x.get("type") == "Router" and isinstance(x.get("lsaDescription"), list)]:
            routers = rtr
        if iap := [x for x in lsas if x.get("type") == "Intra-Prefix" and isinstance(x.get("prefix"), list)]:
            prefixes = iap
    links: dict[str, dict[str, int]] = {}
    stubs: dict[str, set[str]] = {}
    for lsa in routers:
        adv = str(lsa.get("advertisingRouter", ""))
        for link in lsa["lsaDescription"]:
            if isinstance(link, dict) and link.get("neighborRouterId"):
                m = link.get("metric")
                links.setdefault(adv, {})[str(link["neighborRouterId"])] = m if isinstance(m, int) else 0
    for lsa in prefixes:
        adv = str(lsa.get("advertisingRouter", ""))
        got = {p for x in lsa["prefix"] if isinstance(x, dict) and (p := _prefix6(x.get("prefix")))}
        stubs.setdefault(adv, set()).update(got)
    return {r: RouterLsa(links=links.get(r, {}), stubs=sorted(stubs.get(r, ())))
            for r in sorted(set(links) | set(stubs)) if r}
