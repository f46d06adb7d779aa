"""Where OSPF should send each remote LAN with redundant hubs (issue 23): shortest paths over the
intended tunnel graph with the intended costs (each tunnel's cost on both ends), so verify can say a
LAN is reached through the preferred tunnel (``PATH_NOT_PREFERRED`` when through another). Pure.
"""
from __future__ import annotations

import heapq

from .models import Overlay


def multi_hub(overlay: Overlay) -> bool:
    """Any dual-homed site (then every tunnel carries a cost)."""
    return any(t.cost is not None for t in overlay.tunnels)


def first_hops(overlay: Overlay, device: str) -> dict[str, set[str]]:
    """Remote device -> the interfaces on ``device`` its equal-cost shortest paths leave through."""
    links: dict[str, list[tuple[int, str, str]]] = {}
    for t in overlay.tunnels:
        cost = t.cost if t.cost is not None else overlay.intent.ospf.cost
        for a, b in ((t.hub, t.site), (t.site, t.hub)):
            links.setdefault(a, []).append((cost, b, t.end(a).interface))
    best: dict[str, int] = {device: 0}
    hops: dict[str, set[str]] = {device: set()}
    queue = [(0, device)]
    while queue:
        dist, node = heapq.heappop(queue)
        if dist > best[node]:
            continue
        for cost, peer, iface in links.get(node, []):
            d, via = dist + cost, ({iface} if node == device else hops[node])
            if d < best.get(peer, d + 1):
                best[peer], hops[peer] = d, set(via)
                heapq.heappush(queue, (d, peer))
            elif d == best[peer]:
                hops[peer] |= via
    return {n: h for n, h in hops.items() if n != device}


def peer_of(overlay: Overlay, device: str, interface: str) -> str:
    """The peer behind one of ``device``'s tunnel interfaces."""
    return next(t.end(device).peer for t in overlay.tunnels_of(device) if t.end(device).interface == interface)


def backup_gaps(overlay: Overlay, site: str, lsdb: dict, family: str = "ipv4") -> tuple[bool, list[str]]:
    """A dual-homed site's backup path in one family's OSPF database (``lsdb``: router id ->
    ``RouterLsa``; OSPFv2's for ``ipv4``, OSPFv3's for ``ipv6``): whether the site <-> backup hub link
    is there both ways (each end's router LSA names the other), and the remote LANs of that family
    that, with the site's link to its primary left out, no router reachable over two-way links
    advertises: what the site could not reach should the primary fail."""
    rid = {n: str(d.router_id) for n, d in overlay.devices.items()}
    primary, backup = overlay.intent.sites[site].homes[:2]
    s, p, b = rid[site], rid[primary], rid[backup]

    def two_way(x: str, y: str) -> bool:
        return x in lsdb and y in lsdb and y in lsdb[x].links and x in lsdb[y].links

    seen, todo = {s}, [s] if two_way(s, b) else []
    while todo:
        x = todo.pop()
        for y in lsdb[x].links:
            if y not in seen and {x, y} != {s, p} and two_way(x, y):
                seen.add(y)
                todo.append(y)
    gaps = [str(lan) for name in sorted(overlay.devices) if name != site
            for lan in overlay.lans_of(name, family)
            if rid[name] not in seen or str(lan) not in lsdb[rid[name]].stubs]
    return two_way(s, b), gaps
