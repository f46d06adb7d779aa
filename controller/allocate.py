"""Deterministic allocation. A site's tunnel depends only on its own id, never on
which other sites exist, so adding or removing a site moves nobody else.

>>> from ipaddress import ip_network
>>> tunnel_subnet(ip_network("172.16.0.0/24"), 30, 1)
IPv4Network('172.16.0.0/30')
>>> tunnel_subnet(ip_network("172.16.0.0/24"), 31, 3)
IPv4Network('172.16.0.4/31')
>>> pool_capacity(ip_network("172.16.0.0/24"), 30)
64
"""
from __future__ import annotations

from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from typing import Callable

from .models import Intent, Router, Tunnel, TunnelEnd


def pool_capacity(pool: IPv4Network, prefixlen: int) -> int:
    return 2 ** (prefixlen - pool.prefixlen) if prefixlen >= pool.prefixlen else 0


def tunnel_subnet(pool: IPv4Network, prefixlen: int, site_id: int) -> IPv4Network:
    size = 2 ** (32 - prefixlen)
    return IPv4Network((int(pool.network_address) + (site_id - 1) * size, prefixlen))  # no text to parse


def tunnel_addresses(subnet: IPv4Network) -> tuple[IPv4Interface, IPv4Interface]:
    """(hub, site) addresses: .1/.2 of a /30, .0/.1 of a /31."""
    base = int(subnet.network_address) + (0 if subnet.prefixlen == 31 else 1)
    return (IPv4Interface((base, subnet.prefixlen)), IPv4Interface((base + 1, subnet.prefixlen)))


def lan_gateway(lan: IPv4Network) -> IPv4Address:
    """The router's address on a LAN: the first host."""
    return lan.network_address + 1


def lan_host(lan: IPv4Network) -> IPv4Address:
    """The lab's LAN host address: the tenth host, or the last for tiny LANs."""
    return lan.network_address + min(10, lan.num_addresses - 2)


def router_id(r: Router) -> IPv4Address:
    """Explicit router_id, else the router's address on its first LAN (unique: LANs do not overlap)."""
    return r.router_id if r.router_id is not None else lan_gateway(r.lans[0])


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
        out.append(Tunnel(
            site=name, hub=site.hub, subnet=subnet,
            hub_end=TunnelEnd(device=site.hub, interface=ifname(site.hub, name, site.id), number=site.id,
                              address=hub_ip, wan=hub.wan.address.ip, peer_wan=site.wan.address.ip, peer=name),
            site_end=TunnelEnd(device=name, interface=ifname(name, site.hub, site.id), number=site.id,
                               address=site_ip, wan=site.wan.address.ip, peer_wan=hub.wan.address.ip,
                               peer=site.hub),
            psk_ref=site.psk or intent.psk))
    return out
