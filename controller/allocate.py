"""Deterministic allocation. A site's tunnel depends only on its own id, never on
which other sites exist, so adding or removing a site moves nobody else.

>>> from ipaddress import ip_network
>>> tunnel_subnet(ip_network("172.16.0.0/24"), 30, 1)
IPv4Network('172.16.0.0/30')
>>> tunnel_subnet(ip_network("172.16.0.0/24"), 31, 3)
IPv4Network('172.16.0.4/31')
>>> pool_capacity(ip_network("172.16.0.0/24"), 30)
64
>>> tunnel_subnet(ip_network("2001:db8:ff::/48"), 64, 3)
IPv6Network('2001:db8:ff:2::/64')
>>> tunnel_addresses(ip_network("2001:db8:ff:2::/64"))
(IPv6Interface('2001:db8:ff:2::1/64'), IPv6Interface('2001:db8:ff:2::2/64'))
>>> tunnel_addresses(ip_network("2001:db8:ff::2/127"))
(IPv6Interface('2001:db8:ff::2/127'), IPv6Interface('2001:db8:ff::3/127'))
"""
from __future__ import annotations

from ipaddress import IPv4Address, IPv4Interface, IPv4Network, IPv6Interface, IPv6Network
from typing import Callable

from .models import Intent, Router, Tunnel, TunnelEnd

# Both ends of every dual-stack tunnel: OSPFv3 speaks from these (link-local: the same on every link).
LINK_LOCAL = (IPv6Interface("fe80::1/64"), IPv6Interface("fe80::2/64"))


def pool_capacity(pool: IPv4Network | IPv6Network, prefixlen: int) -> int:
    return 2 ** (prefixlen - pool.prefixlen) if prefixlen >= pool.prefixlen else 0


def tunnel_subnet(pool, prefixlen: int, site_id: int):
    """The site's tunnel prefix in ``pool`` (either family): the site id's slot, nobody else's."""
    size = 2 ** (pool.max_prefixlen - prefixlen)
    net = IPv4Network if pool.version == 4 else IPv6Network
    return net((int(pool.network_address) + (site_id - 1) * size, prefixlen))  # no text to parse


def tunnel_addresses(subnet) -> tuple:
    """(hub, site) addresses: .1/.2 of a /30 (::1/::2 of a /64), .0/.1 of a /31 (either of a /127)."""
    base = int(subnet.network_address) + (0 if subnet.prefixlen == subnet.max_prefixlen - 1 else 1)
    iface = IPv4Interface if subnet.version == 4 else IPv6Interface
    return (iface((base, subnet.prefixlen)), iface((base + 1, subnet.prefixlen)))


def lan_gateway(lan: IPv4Network) -> IPv4Address:
    """The router's address on a LAN: the first host."""
    return lan.network_address + 1


def lan_host(lan: IPv4Network) -> IPv4Address:
    """The lab's LAN host address: the tenth host, or the last for tiny LANs."""
    return lan.network_address + min(10, lan.num_addresses - 2)


def router_id(r: Router) -> IPv4Address:
    """Explicit router_id, else the router's address on its first IPv4 LAN (unique: LANs do not
    overlap). OSPFv3 uses the same one."""
    return r.router_id if r.router_id is not None else lan_gateway(r.lans4[0])


def dual_stack(hub: Router, site: Router) -> bool:
    """A tunnel carries IPv6 when either end has an IPv6 LAN."""
    return bool(hub.lans6 or site.lans6)


# Tunnel interface numbers with redundant hubs (issue 23). ``kind`` is what the interface is on its
# device: ``primary`` (a site's tunnel to its primary hub, and a hub's tunnel to any site: the
# site id), ``backup`` (a site's tunnel to its backup hub) or ``hubs`` (a hub-to-hub tunnel: its
# pair slot). Each kind has its own range, so no two tunnels of a device share a number and adding
# or removing a backup hub renames no other interface.
BACKUP_BASE = 100000
HUBS_BASE = 200000


def interface_number(number: int, kind: str = "primary", backup_base: int = BACKUP_BASE,
                     hubs_base: int = HUBS_BASE) -> int:
    """The interface number of a tunnel end of ``kind`` whose tunnel is number ``number``.

    >>> [interface_number(7), interface_number(7, "backup"), interface_number(1, "hubs")]
    [7, 100007, 200001]
    """
    return number + {"primary": 0, "backup": backup_base, "hubs": hubs_base}[kind]


def default_name(device: str, peer: str, number: int, kind: str = "primary") -> str:
    """Tunnel interface naming when no platform says otherwise."""
    return f"Tunnel{interface_number(number, kind)}"


def backup_slot(pool, prefixlen: int, site_id: int):
    """A site's tunnel to its backup hub: the site id's slot counted from the top of the pool, so a
    primary tunnel (counted from the bottom) never moves when a backup hub is added.

    >>> from ipaddress import ip_network
    >>> backup_slot(ip_network("172.16.0.0/24"), 30, 1)
    IPv4Network('172.16.0.252/30')
    """
    return tunnel_subnet(pool, prefixlen, pool_capacity(pool, prefixlen) - site_id + 1)


def pair_slot(low: int, high: int) -> int:
    """The 1-based slot of the hub-to-hub tunnel between hub ids ``low < high``: depends on those
    two ids only (pairs enumerated by the higher id), so adding a hub moves no other pair.

    >>> [pair_slot(1, 2), pair_slot(1, 3), pair_slot(2, 3), pair_slot(1, 4)]
    [1, 2, 3, 4]
    """
    return (high - 1) * (high - 2) // 2 + low


def hub_pairs(intent: Intent) -> list[tuple[str, str]]:
    """The hub-to-hub tunnels: a full mesh of the hubs dual-homed sites name (lower id first)."""
    named = sorted({h for s in intent.sites.values() if s.hubs for h in s.hubs if h in intent.hubs},
                   key=lambda h: (intent.hubs[h].id or 0, h))
    return [(a, b) for n, a in enumerate(named) for b in named[n + 1:]]


def _name(ifname, device: str, peer: str, number: int, kind: str) -> str:
    """One end's interface name: the end's kind (``platforms.base.interface_number``) is passed only
    when it is not ``primary``, so a namer that knows no kinds keeps working for single-homed sites."""
    return ifname(device, peer, number) if kind == "primary" else ifname(device, peer, number, kind)


def _tunnel(intent: Intent, ifname, hub_name: str, site_name: str, hub: Router, site: Router, number: int,
            subnet, subnet6, kind: str, cost: int | None, psk) -> Tunnel:
    hub_ip, site_ip = tunnel_addresses(subnet)
    six = dual_stack(hub, site)
    subnet6 = subnet6 if six else None
    hub6, site6 = tunnel_addresses(subnet6) if subnet6 is not None else (None, None)
    hub_ll, site_ll = LINK_LOCAL if six else (None, None)
    return Tunnel(
        site=site_name, hub=hub_name, kind=kind, cost=cost, subnet=subnet, subnet6=subnet6,
        families=("ipv4", "ipv6") if six else ("ipv4",),
        hub_end=TunnelEnd(device=hub_name, interface=_name(ifname, hub_name, site_name, number,
                                                           "hubs" if kind == "hubs" else "primary"), number=number,
                          address=hub_ip, link_local=hub_ll, address6=hub6,
                          wan=hub.wan.address.ip, peer_wan=site.wan.address.ip, peer=site_name),
        site_end=TunnelEnd(device=site_name, interface=_name(ifname, site_name, hub_name, number, kind), number=number,
                           address=site_ip, link_local=site_ll, address6=site6,
                           wan=site.wan.address.ip, peer_wan=hub.wan.address.ip, peer=hub_name),
        psk_ref=psk)


def tunnels(intent: Intent, ifname: Callable[[str, str, int], str] = default_name) -> list[Tunnel]:
    """Every hub <-> site tunnel (a dual-homed site's to its primary, then its backup hub), then
    the hub-to-hub tunnels. ``ifname(device, peer, number)`` names the tunnel interface on
    ``device`` (each platform has its own naming)."""
    out = []
    multi = any(s.hubs for s in intent.sites.values())  # costs everywhere once any site is dual-homed
    pool, plen = intent.tunnel_pool, intent.tunnel_prefixlen
    pool6, plen6 = intent.tunnel_pool6, intent.tunnel_prefixlen6
    for name in sorted(intent.sites, key=lambda n: intent.sites[n].id):
        site = intent.sites[name]
        for k, hub_name in enumerate(site.homes):
            slot = tunnel_subnet if k == 0 else backup_slot
            subnet6 = slot(pool6, plen6, site.id) if pool6 is not None else None
            kind = "primary" if k == 0 else "backup"
            cost = None if not multi else (intent.ospf.cost if k == 0 else intent.ospf.backup_cost)
            out.append(_tunnel(intent, ifname, hub_name, name, intent.hubs[hub_name], site, site.id,
                               slot(pool, plen, site.id), subnet6, kind, cost, site.psk or intent.psk))
    for a, b in hub_pairs(intent):
        ha, hb = intent.hubs[a], intent.hubs[b]
        if intent.hub_pool is None or ha.id is None or hb.id is None:
            continue  # validate says why (inventory_rules.hub_homes)
        n = pair_slot(*sorted((ha.id, hb.id)))
        out.append(_tunnel(intent, ifname, a, b, ha, hb, n, tunnel_subnet(intent.hub_pool, plen, n), None,
                           "hubs", intent.ospf.cost, intent.psk))
    return out
