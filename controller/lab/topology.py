"""The lab's view of an inventory: plain frozen data, built once from the overlay model.

The lab backends (UML, native netns) and the containerlab export read only this.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Interface, IPv4Network, IPv6Interface
from pathlib import Path

from .. import allocate, inventory, platforms
from ..errors import InventoryError
from ..platforms.clab import ClabKind
from .netconf import NetconfTarget


@dataclass(frozen=True)
class LabLan:
    interface: str            # router side interface name, e.g. "lan0"
    gateway: IPv4Interface | None  # router address on the LAN, e.g. 10.1.2.1/24 (None: an IPv6-only LAN)
    host: IPv4Interface | None     # the LAN host namespace's address, e.g. 10.1.2.10/24
    gateway6: IPv6Interface | None = None  # the n-th IPv6 LAN, on the n-th LAN: 2001:db8:1:2::1/64
    host6: IPv6Interface | None = None     # 2001:db8:1:2::a/64


@dataclass(frozen=True)
class LabRouter:
    name: str                 # inventory host name, e.g. "osaka"
    mgmt_ip: IPv4Address      # inventory `hostname`, reachable from the host
    wan_interface: str        # e.g. "wan0"
    wan: IPv4Interface        # e.g. 198.51.100.6/30
    wan_gateway: IPv4Address  # the internet router's side of the WAN link
    underlay_mtu: int         # MTU of the WAN link (both ends)
    lans: tuple[LabLan, ...] = ()
    platform: str = "linux"   # its grectl platform
    clab: ClabKind | None = None  # its containerlab node (None: the Linux router's default)
    ipv6: bool = False        # routes IPv6 (an IPv6 LAN or a dual-stack tunnel): runs ospf6d


@dataclass(frozen=True)
class LabTopology:
    name: str                          # lab id: [a-z0-9-]{1,8}; TAP/UML ids derive from it
    mgmt_network: IPv4Network          # e.g. 172.31.255.0/24
    mgmt_host: IPv4Interface           # the host's TAP address, e.g. 172.31.255.1/24
    routers: tuple[LabRouter, ...] = field(default_factory=tuple)
    netconf: tuple[NetconfTarget, ...] = field(default_factory=tuple)  # iosxe hosts: NETCONF targets
    others: tuple[LabRouter, ...] = field(default_factory=tuple)  # devices only containerlab runs (every=True)

    def router(self, name: str) -> LabRouter:
        for r in self.routers:
            if r.name == name:
                return r
        raise KeyError(name)


def _mgmt_problem(hf: Path, d, lab) -> str | None:
    try:
        mgmt = IPv4Address(d.hostname)
    except ValueError:
        return f"{hf}: {d.name}.hostname: lab routers need an IPv4 management address"
    if mgmt not in lab.mgmt_network or mgmt in (lab.mgmt_network.network_address, next(lab.mgmt_network.hosts())):
        return (f"{hf}: {d.name}.hostname: {mgmt} is not a router address in lab.mgmt_network "
                f"{lab.mgmt_network} (the first host address is the lab host's)")
    return None


def _router(d, plat, ipv6: bool = False) -> LabRouter:
    lans = {ifname: dict(interface=ifname, gateway=IPv4Interface(f"{allocate.lan_gateway(n)}/{n.prefixlen}"),
                         host=IPv4Interface(f"{allocate.lan_host(n)}/{n.prefixlen}"))
            for ifname, n in zip(d.lan_interfaces, d.lans)}
    for ifname, n in zip(d.lan6_interfaces, d.lans6):  # beside the IPv4 LAN of the same interface
        lans.setdefault(ifname, dict(interface=ifname, gateway=None, host=None)).update(
            gateway6=IPv6Interface((allocate.lan_gateway(n), n.prefixlen)),
            host6=IPv6Interface((allocate.lan_host(n), n.prefixlen)))
    return LabRouter(name=d.name, mgmt_ip=IPv4Address(d.hostname), wan_interface=d.wan.interface, wan=d.wan.address,
                     wan_gateway=d.wan.next_hop, underlay_mtu=d.wan.mtu, lans=tuple(LabLan(**x) for x in lans.values()),
                     platform=plat.name, clab=plat.clab_node(d.data), ipv6=ipv6)


def from_inventory(inventory_dir: Path | str, every: bool = False) -> LabTopology:
    """The lab's view of the inventory (every hub and site becomes a lab router).

    ``every``: also every device only containerlab can run (vendor images, ``others``), for
    ``grectl lab export``; their management addresses must then be in the lab network too.
    """
    ov = inventory.load(inventory_dir)
    lab = ov.intent.lab
    problems, routers, netconf, others = [], [], [], []
    hf = Path(inventory_dir) / "hosts.yaml"
    for d in ov.devices.values():
        plat = platforms.get(d.platform)
        kind = plat.caps.lab_kind   # a lab router, a NETCONF target, or not in the lab
        other = every and kind != "router" and bool(plat.caps.clab)
        if kind is None and not other:
            continue
        problem = _mgmt_problem(hf, d, lab)
        if problem:
            problems.append(problem)
            continue
        if kind == "netconf":
            netconf.append(NetconfTarget(name=d.name, mgmt_ip=IPv4Address(d.hostname)))
        if other:
            others.append(_router(d, plat))
        elif kind == "router":
            routers.append(_router(d, plat, "ipv6" in ov.families(d.name)))
    if problems:
        raise InventoryError(problems)
    host = next(lab.mgmt_network.hosts())
    return LabTopology(name=lab.name, mgmt_network=lab.mgmt_network,
                       mgmt_host=IPv4Interface(f"{host}/{lab.mgmt_network.prefixlen}"), routers=tuple(routers),
                       netconf=tuple(netconf), others=tuple(others))
