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


def default_name(device: str, peer: str, number: int) -> str:
    """Tunnel interface naming when no platform says otherwise."""
    return f"Tunnel{number}"


def tunnels(intent: Intent, ifname: Callable[[str, str, int], str] = default_name) -> list[Tunnel]:
    """Every hub <-> site tunnel. ``ifname(device, peer, number)`` names the tunnel interface on
    ``device`` (each platform has its own naming)."""
    out = []
    for name in sorted(intent.sites, key=lambda n: intent.sites[n].id):
        site = intent.sites[name]
        hub = intent.hubs[site.hub]
        subnet = tunnel_subnet(intent.tunnel_pool, intent.tunnel_prefixlen, site.id)
        hub_ip, site_ip = tunnel_addresses(subnet)
        six = dual_stack(hub, site)
        subnet6 = tunnel_subnet(intent.tunnel_pool6, intent.tunnel_prefixlen6, site.id) \
            if six and intent.tunnel_pool6 is not None else None
        hub6, site6 = tunnel_addresses(subnet6) if subnet6 is not None else (None, None)
        hub_ll, site_ll = LINK_LOCAL if six else (None, None)
        out.append(Tunnel(
            site=name, hub=site.hub, subnet=subnet, subnet6=subnet6,
            families=("ipv4", "ipv6") if six else ("ipv4",),
            hub_end=TunnelEnd(device=site.hub, interface=ifname(site.hub, name, site.id), number=site.id,
                              address=hub_ip, link_local=hub_ll, address6=hub6,
                              wan=hub.wan.address.ip, peer_wan=site.wan.address.ip, peer=name),
            site_end=TunnelEnd(device=name, interface=ifname(name, site.hub, site.id), number=site.id,
                               address=site_ip, link_local=site_ll, address6=site6,
                               wan=site.wan.address.ip, peer_wan=hub.wan.address.ip, peer=site.hub),
            psk_ref=site.psk or intent.psk))
    return out
