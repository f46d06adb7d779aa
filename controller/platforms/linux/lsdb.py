"""FRR's OSPF database, the router LSAs (``show ip ospf database router json``), for the backup-path
check of redundant hubs (issue 23). Pure: text in, ``{advertising router: RouterLsa}`` out.

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

from ipaddress import IPv4Network

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
