"""The inventory's rules, one small function each, in the order their problems are reported.

Each rule takes the ``Ctx`` of one load (the intent, the resolved hosts and where each value is
written) and returns its problems, one line each: ``<file>: <field path>: <what is wrong>``.
"""
from __future__ import annotations

import bisect
import ipaddress
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network
from pathlib import Path
from typing import Any, Callable

from . import allocate, mtu, platforms, secrets
from .models import Intent, PskRef, unusable
from .mtu import known_transform


class Spans:
    """Prefixes as sorted integer spans; answers "which one overlaps this prefix" with bisect.

    >>> Spans([IPv4Network("10.0.0.0/8"), IPv4Network("192.0.2.0/24")]).overlapping(IPv4Network("10.1.2.0/24"))
    IPv4Network('10.0.0.0/8')
    """

    def __init__(self, nets: list[IPv4Network]):
        self.nets = sorted(nets, key=lambda n: int(n.network_address))
        self.starts = [int(n.network_address) for n in self.nets]
        self.reach = []  # running max of span ends, so any earlier wide prefix is found
        best = -1
        for n in self.nets:
            best = max(best, int(n.broadcast_address))
            self.reach.append(best)

    def overlapping(self, net: IPv4Network) -> IPv4Network | None:
        lo, hi = int(net.network_address), int(net.broadcast_address)
        i = bisect.bisect_right(self.starts, hi) - 1
        while i >= 0 and self.reach[i] >= lo:
            if int(self.nets[i].broadcast_address) >= lo:
                return self.nets[i]
            i -= 1
        return None


def usable(name: str) -> bool:
    plat = platforms.find(name)
    return plat is not None and plat.caps.supported and plat.can_render


@dataclass
class Ctx:
    inv: Path
    intent: Intent
    hosts: dict[str, Any]                     # name -> resolved HostEntry
    origins: dict[str, dict[str, str]]
    management_checks: Callable[..., list[str]]
    for_host: Callable[[str, str], str]
    where: Callable[..., str]
    routers: dict = field(init=False)
    lans: list = field(init=False)

    def __post_init__(self):
        self.ov, self.hf = self.inv / "overlay.yaml", self.inv / "hosts.yaml"
        i = self.intent
        self.routers = {**{n: ("hubs", h) for n, h in i.hubs.items()}, **{n: ("sites", s) for n, s in i.sites.items()}}
        self.lans = sorted(((name, kind, n, lan) for name, (kind, r) in self.routers.items()
                            for n, lan in enumerate(r.lans)),
                           key=lambda x: (x[3].version, int(x[3].network_address), -x[3].prefixlen))


def names_and_platforms(c: Ctx) -> list[str]:
    p = [f"{c.ov}: sites.{n}: duplicate name: {n!r} is also a hub" for n in set(c.intent.hubs) & set(c.intent.sites)]
    for name, (kind, _r) in c.routers.items():
        host = c.hosts.get(name)
        if host is None:
            p.append(f"{c.ov}: {kind}.{name}: no host {name!r} in {c.hf}")
            continue
        plat = platforms.find(host.platform)
        where = c.origins.get(name, {}).get("platform", f"{c.hf}: {name}.platform")
        if plat is None:
            p.append(f"{where}: unknown platform {host.platform!r}{c.for_host(where, name)} "
                     f"(known: {', '.join(platforms.names())})")
        elif not plat.caps.supported or not plat.can_render:
            why = "is not supported yet" if not plat.caps.supported else "has no renderer"
            p.append(f"{where}: {plat.name} {why}: grectl cannot configure {name!r} on it "
                     f"(platforms it renders: {', '.join(n for n in platforms.names() if usable(n))})")
    return p


def transform(c: Ctx) -> list[str]:
    t = c.intent.ipsec.transform
    return [] if known_transform(t) else [f"{c.ov}: ipsec.transform: unknown ESP transform {t!r}"]


def site_hubs_and_ids(c: Ctx) -> list[str]:
    p: list[str] = []
    ids: dict[int, str] = {}
    for name, s in c.intent.sites.items():
        for k, hub in enumerate(s.homes):
            if hub not in c.intent.hubs:
                p.append(f"{c.ov}: sites.{name}.{f'hubs[{k}]' if s.hubs else 'hub'}: no hub named {hub!r}")
        if s.id in ids:
            p.append(f"{c.ov}: sites.{name}.id: duplicate site id {s.id} (also {ids[s.id]!r})")
        ids.setdefault(s.id, name)
    return p


def lan_prefixes(c: Ctx) -> list[str]:
    """LANs overlap neither each other nor the tunnel pool (one sorted sweep)."""
    p: list[str] = []
    reach = None  # the LAN reaching furthest so far
    for name, kind, i, lan in c.lans:  # IPv4 first, then IPv6: each family its own sweep
        if reach is not None and reach[3].version != lan.version:
            reach = None
        if reach is not None and int(lan.network_address) <= int(reach[3].broadcast_address):
            what = "duplicate" if lan == reach[3] else "overlapping"
            p.append(f"{c.ov}: {kind}.{name}.lans[{i}]: {what} LAN prefix {lan} "
                     f"(also {reach[0]}.lans[{reach[2]}] {reach[3]})")
        pool = c.intent.tunnel_pool if lan.version == 4 else c.intent.tunnel_pool6
        if pool is not None and lan.overlaps(pool):
            p.append(f"{c.ov}: {kind}.{name}.lans[{i}]: LAN prefix {lan} overlaps the tunnel pool "
                     f"{pool}")
        if reach is None or int(lan.broadcast_address) > int(reach[3].broadcast_address):
            reach = (name, kind, i, lan)
    return p


def pool_capacity(c: Ctx) -> list[str]:
    i = c.intent
    capacity = allocate.pool_capacity(i.tunnel_pool, i.tunnel_prefixlen)
    return [f"{c.ov}: sites.{name}.id: tunnel pool {i.tunnel_pool} is too small: it holds "
            f"{capacity} /{i.tunnel_prefixlen} tunnels, site id is {s.id}"
            for name, s in i.sites.items() if s.id > capacity] + pool6_capacity(c)


def pool6_capacity(c: Ctx) -> list[str]:
    """``tunnel_pool6`` holds a /tunnel_prefixlen6 for every site id (tunnels that stay IPv4-only
    leave their slot unused, so adding an IPv6 LAN later moves nobody)."""
    i = c.intent
    if i.tunnel_pool6 is None:
        return []
    capacity = allocate.pool_capacity(i.tunnel_pool6, i.tunnel_prefixlen6)
    if capacity == 0:
        return [f"{c.ov}: tunnel_pool6: {i.tunnel_pool6} is longer than tunnel_prefixlen6 /{i.tunnel_prefixlen6}"]
    return [f"{c.ov}: sites.{name}.id: tunnel pool {i.tunnel_pool6} is too small: it holds "
            f"{capacity} /{i.tunnel_prefixlen6} tunnels, site id is {s.id}"
            for name, s in i.sites.items() if s.id > capacity]


def wans(c: Ctx) -> list[str]:
    """WAN and management addresses outside OSPF-advertised space; WAN addresses unique; gateways
    on the WAN's network."""
    p: list[str] = []
    hub_pool = [c.intent.hub_pool] if c.intent.hub_pool is not None else []
    advertised = Spans([c.intent.tunnel_pool] + hub_pool + [x[3] for x in c.lans if x[3].version == 4])
    seen: dict[IPv4Address, str] = {}
    for name, (kind, r) in c.routers.items():
        net = advertised.overlapping(r.wan.address.network)
        if net is not None:
            p.append(f"{c.ov}: {kind}.{name}.wan.address: {r.wan.address} is inside OSPF-advertised "
                     f"{net}: the tunnel destination would be routed into the tunnel (recursive routing)")
        if r.wan.address.ip in seen:
            p.append(f"{c.ov}: {kind}.{name}.wan.address: duplicate WAN address {r.wan.address.ip} "
                     f"(also {seen[r.wan.address.ip]!r})")
        seen.setdefault(r.wan.address.ip, name)
        if r.wan.gateway is not None and r.wan.address.network.prefixlen < 32 \
                and r.wan.gateway not in r.wan.address.network:  # a /32 (PPPoE) peer lies outside it
            p.append(f"{c.ov}: {kind}.{name}.wan.gateway: {r.wan.gateway} is not in {r.wan.address.network}")
        p += _management_advertised(c, name, advertised)
    return p


def _management_advertised(c: Ctx, name: str, advertised: Spans) -> list[str]:
    host = c.hosts.get(name)
    if host is None:
        return []
    try:
        mgmt = ipaddress.ip_address(host.hostname)
    except ValueError:
        return []
    if advertised.overlapping(IPv4Network(mgmt)) is None:
        return []
    w = c.where(c.origins, c.hf, name, "hostname")
    return [f"{w}: management address {mgmt} is inside OSPF-advertised "
            f"space (recursive routing of management){c.for_host(w, name)}"]


def router_ids(c: Ctx) -> list[str]:
    p: list[str] = []
    rids: dict[IPv4Address, str] = {}
    for name, (kind, r) in c.routers.items():
        rid = allocate.router_id(r)
        if rid in rids:
            p.append(f"{c.ov}: {kind}.{name}.router_id: duplicate OSPF router-id {rid} (also {rids[rid]!r})")
        rids.setdefault(rid, name)
    return p


def ipv6_tunnel_mtu(c: Ctx) -> list[str]:
    """A dual-stack tunnel's MTU (the same for both families) holds IPv6's minimum of 1280: named at
    the WAN MTU of the end that makes it smallest."""
    i, p = c.intent, []
    if not known_transform(i.ipsec.transform):
        return []  # reported by ``transform``
    for name, s in sorted(i.sites.items()):
        for hub_name in s.homes:  # each tunnel of a dual-homed site has its own MTU
            hub = i.hubs.get(hub_name)
            if hub is None or not allocate.dual_stack(hub, s):
                continue
            (kind, who, r) = min((("sites", name, s), ("hubs", hub_name, hub)), key=lambda e: e[2].wan.mtu)
            m = mtu.compute(r.wan.mtu, i.ipsec.transform, i.ipsec.mode, i.gre.key, i.nat_t)
            why = mtu.ipv6_problem(m, i.ipsec.transform, i.ipsec.mode)
            if why:
                p.append(f"{c.ov}: {kind}.{who}.wan.mtu: the tunnel {hub_name} <-> {name} carries IPv6 and its {why}")
    return p


def ospf_timers(c: Ctx) -> list[str]:
    o = c.intent.ospf
    return [f"{c.ov}: ospf.dead: dead interval {o.dead} must exceed hello {o.hello}"] if o.dead <= o.hello else []


def management(c: Ctx) -> list[str]:
    return c.management_checks(c.hf, c.routers, c.hosts, c.origins)


def psk_refs(c: Ctx) -> list[str]:
    """The pre-shared keys can be read: the global one, and any per-site override."""
    refs: list[tuple[str, PskRef]] = [("psk", c.intent.psk)]
    refs += [(f"sites.{n}.psk", s.psk) for n, s in c.intent.sites.items() if s.psk is not None]
    p: list[str] = []
    for name, ref in refs:
        _, problem = secrets.read(ref, c.inv)
        if problem:
            p.append(f"{c.ov}: {name}: {problem}")
    return p


def hub_homes(c: Ctx) -> list[str]:
    """Dual-homed sites (issue 23): their hubs have distinct ids and a ``hub_pool`` holds the hub-to-hub
    tunnels; a backup tunnel (counted from the top of the pool) never lands on a primary one."""
    i, p = c.intent, []
    dual = sorted(n for n, s in i.sites.items() if s.hubs)
    if not dual:
        return []
    if i.hub_pool is None:
        p.append(f"{c.ov}: hub_pool: dual-homed site {dual[0]!r} needs a hub_pool for the hub-to-hub tunnels")
    elif unusable(i.hub_pool) or i.hub_pool.overlaps(i.tunnel_pool):
        why = unusable(i.hub_pool) or f"overlapping the tunnel pool {i.tunnel_pool}"
        p.append(f"{c.ov}: hub_pool: {i.hub_pool} is {why}")
    ids: dict[int, str] = {}
    for hub in sorted({h for n in dual for h in i.sites[n].hubs if h in i.hubs}):
        hid = i.hubs[hub].id
        if hid is None:
            p.append(f"{c.ov}: hubs.{hub}.id: hub {hub!r} of a dual-homed site needs an id (1-255) to number "
                     "its hub-to-hub tunnels")
        elif hid in ids:
            p.append(f"{c.ov}: hubs.{hub}.id: duplicate hub id {hid} (also {ids[hid]!r})")
        else:
            ids[hid] = hub
    if i.hub_pool is not None and len(ids) > 1:
        cap, top = allocate.pool_capacity(i.hub_pool, i.tunnel_prefixlen), sorted(ids)
        need = allocate.pair_slot(top[-2], top[-1])
        if need > cap:
            p.append(f"{c.ov}: hub_pool: {i.hub_pool} is too small: it holds {cap} /{i.tunnel_prefixlen} "
                     f"tunnels, hub ids {top[-2]} and {top[-1]} need slot {need}")
    return p + backup_slots(c, dual)


def backup_slots(c: Ctx, dual: list[str]) -> list[str]:
    """A dual-homed site's backup tunnel (its id's slot from the top) is no site's primary."""
    i, p = c.intent, []
    for pool, plen in ((i.tunnel_pool, i.tunnel_prefixlen), (i.tunnel_pool6, i.tunnel_prefixlen6)):
        if pool is None:
            continue
        cap = allocate.pool_capacity(pool, plen)
        primary = {s.id: n for n, s in i.sites.items()}
        for name in dual:
            sid = i.sites[name].id
            clash = primary.get(cap - sid + 1)
            if clash is not None and sid <= cap:
                p.append(f"{c.ov}: sites.{name}.id: its backup tunnel takes slot {cap - sid + 1} of {pool} "
                         f"(counted from the top), the primary tunnel of site {clash!r}: use a larger pool")
    return p


RULES = (names_and_platforms, transform, site_hubs_and_ids, hub_homes, lan_prefixes, pool_capacity, wans, router_ids,
         ipv6_tunnel_mtu, ospf_timers, management, psk_refs)


def check(c: Ctx) -> list[str]:
    return [problem for rule in RULES for problem in rule(c)]
