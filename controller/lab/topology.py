"""The lab's view of an inventory: plain frozen data, built once from the overlay model.

The lab backends (UML, native netns) and the containerlab export read only this.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Interface, IPv4Network


@dataclass(frozen=True)
class LabLan:
    interface: str            # router side interface name, e.g. "lan0"
    gateway: IPv4Interface    # router address on the LAN, e.g. 10.1.2.1/24
    host: IPv4Interface       # the LAN host namespace's address, e.g. 10.1.2.10/24


@dataclass(frozen=True)
class LabRouter:
    name: str                 # inventory host name, e.g. "osaka"
    mgmt_ip: IPv4Address      # inventory `hostname`, reachable from the host
    wan_interface: str        # e.g. "wan0"
    wan: IPv4Interface        # e.g. 198.51.100.6/30
    wan_gateway: IPv4Address  # the internet router's side of the WAN link
    underlay_mtu: int         # MTU of the WAN link (both ends)
    lans: tuple[LabLan, ...] = ()


@dataclass(frozen=True)
class LabTopology:
    name: str                          # lab id: [a-z0-9-]{1,8}; TAP/UML ids derive from it
    mgmt_network: IPv4Network          # e.g. 172.31.255.0/24
    mgmt_host: IPv4Interface           # the host's TAP address, e.g. 172.31.255.1/24
    routers: tuple[LabRouter, ...] = field(default_factory=tuple)

    def router(self, name: str) -> LabRouter:
        for r in self.routers:
            if r.name == name:
                return r
        raise KeyError(name)
