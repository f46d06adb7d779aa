"""Lab topologies used by the lab tests and the benchmark."""
from ipaddress import IPv4Address, IPv4Interface, IPv4Network

from controller.lab.topology import LabLan, LabRouter, LabTopology


def three_sites() -> LabTopology:
    def r(name, i):
        return LabRouter(name=name, mgmt_ip=IPv4Address(f"172.31.255.{10 + i}"), wan_interface="wan0",
                         wan=IPv4Interface(f"198.51.100.{4 * i - 2}/30"),
                         wan_gateway=IPv4Address(f"198.51.100.{4 * i - 3}"), underlay_mtu=1500,
                         lans=(LabLan("lan0", IPv4Interface(f"10.1.{i}.1/24"), IPv4Interface(f"10.1.{i}.10/24")),))
    return LabTopology(name="grectl", mgmt_network=IPv4Network("172.31.255.0/24"),
                       mgmt_host=IPv4Interface("172.31.255.1/24"),
                       routers=(r("tokyo", 1), r("osaka", 2), r("fukuoka", 3)))


def hub_and_spokes(name: str, spokes: int, mtu: int = 1400, hub: str = "core", mgmt: int = 77) -> LabTopology:
    """A hub plus `spokes` sites, with addressing unlike three_sites()."""
    routers = []
    for i in range(spokes + 1):
        rname = hub if i == 0 else f"site{i}"
        routers.append(LabRouter(
            name=rname, mgmt_ip=IPv4Address(f"192.168.{mgmt}.{20 + i}"), wan_interface="eth1",
            wan=IPv4Interface(f"203.0.113.{8 * i + 2}/29"), wan_gateway=IPv4Address(f"203.0.113.{8 * i + 1}"),
            underlay_mtu=mtu,
            lans=(LabLan("eth2", IPv4Interface(f"10.{20 + i}.0.1/24"), IPv4Interface(f"10.{20 + i}.0.100/24")),)))
    return LabTopology(name=name, mgmt_network=IPv4Network(f"192.168.{mgmt}.0/24"),
                       mgmt_host=IPv4Interface(f"192.168.{mgmt}.1/24"), routers=tuple(routers))
