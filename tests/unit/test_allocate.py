from ipaddress import ip_interface, ip_network

from controller import allocate, inventory
from tests.conftest import edit_yaml


def allocations(ov):
    return {t.site: (t.subnet, t.hub_end.address, t.site_end.address, t.hub_end.interface,
                     t.site_end.interface, t.hub_end.number) for t in ov.tunnels}


def test_example_allocation(inv):
    a = allocations(inventory.load(inv))
    assert a["osaka"] == (ip_network("172.16.0.0/30"), ip_interface("172.16.0.1/30"),
                          ip_interface("172.16.0.2/30"), "gre-osaka", "gre-tokyo", 1)
    assert a["fukuoka"][0] == ip_network("172.16.0.4/30")


def test_adding_and_removing_sites_moves_nobody(inv):
    before = allocations(inventory.load(inv))
    edit_yaml(inv / "overlay.yaml", {"sites.nagoya": {"id": 5, "hub": "tokyo", "lans": ["10.1.5.0/24"],
                                                       "wan": {"interface": "wan0", "address": "198.51.100.22/30"}}})
    edit_yaml(inv / "hosts.yaml", {"nagoya": {"hostname": "172.31.255.15", "groups": ["lab_linux"]}})
    added = allocations(inventory.load(inv))
    assert {k: v for k, v in added.items() if k != "nagoya"} == before
    assert added["nagoya"][0] == ip_network("172.16.0.16/30")
    edit_yaml(inv / "overlay.yaml", deletes=["sites.osaka"])
    removed = allocations(inventory.load(inv))
    assert removed["fukuoka"] == before["fukuoka"] and removed["nagoya"] == added["nagoya"]


def test_slash31(inv):
    edit_yaml(inv / "overlay.yaml", {"tunnel_prefixlen": 31})
    a = allocations(inventory.load(inv))
    assert a["osaka"][:3] == (ip_network("172.16.0.0/31"), ip_interface("172.16.0.0/31"), ip_interface("172.16.0.1/31"))
    assert a["fukuoka"][0] == ip_network("172.16.0.2/31")


def test_router_ids(inv):
    ov = inventory.load(inv)
    assert {d: str(x.router_id) for d, x in ov.devices.items()} == {
        "tokyo": "10.1.1.1", "osaka": "10.1.2.1", "fukuoka": "10.1.3.1"}
    assert allocate.lan_host(ip_network("10.0.0.0/29")) == ip_interface("10.0.0.6/29").ip
