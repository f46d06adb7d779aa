"""A dual-stack Linux hub (tokyo) with a dual-stack H3C Comware site (fukuoka): both ends of the
tunnel agree on what OSPFv3 compares, read back from each rendered text (never from the intent):
area, hello, dead, network type, the IPv6 MTU; each end has its own link-local and global address in
the same /64, and the OSPFv3 router-id of the Comware end is its OSPF one."""
import ipaddress
import re
from pathlib import Path

import pytest

from controller import inventory, render
from controller.platforms.linux.router import linuxconf
from tests.unit.platforms.h3c_comware.test_dualstack import dual


def linux_end(text: str) -> dict:
    doc = linuxconf.parse(text)
    ifc, tun = dict(doc.frr)["interface gre-fukuoka"], doc.tunnels["gre-fukuoka"]
    get = lambda k: next(ln.rsplit(" ", 1)[1] for ln in ifc if ln.startswith(f"ipv6 ospf6 {k} "))
    return dict(area=get("area"), hello=int(get("hello-interval")), dead=int(get("dead-interval")),
                network="point-to-point" if "ipv6 ospf6 network point-to-point" in ifc else "broadcast",
                mtu=int(tun["mtu"]), link_local=ipaddress.ip_interface(tun["link_local"]).ip,
                address6=ipaddress.ip_interface(tun["address6"]))


def comware_end(text: str) -> dict:
    tun = re.search(r"^interface Tunnel2 mode gre\n((?: .*\n)*)#", text, re.M).group(1)
    g = lambda rx: re.search(rx, tun, re.M).group(1)
    return dict(area=g(r"^ ospfv3 1 area (\S+)$"), hello=int(g(r"^ ospfv3 timer hello (\d+)$")),
                dead=int(g(r"^ ospfv3 timer dead (\d+)$")),
                network={"p2p": "point-to-point"}.get(g(r"^ ospfv3 network-type (\S+)$"), "?"),
                mtu=int(g(r"^ ipv6 mtu (\d+)$")), link_local=ipaddress.ip_address(g(r"^ ipv6 address (\S+) link-local$")),
                address6=ipaddress.ip_interface(g(r"^ ipv6 address (\S+/\d+)$")),
                router_id=re.search(r"^ospfv3 1\n router-id (\S+)$", text, re.M).group(1),
                ospf_router_id=re.search(r"^ospf 1 router-id (\S+)$", text, re.M).group(1))


@pytest.mark.parametrize("intent", [{}, {"ospf.hello": 5, "ospf.dead": 20, "ospf.area": "0.0.0.1"},
                                    {"sites.fukuoka.wan.mtu": 1400}])
def test_both_ends_agree(tmp_path: Path, intent):
    ov = inventory.load(dual(tmp_path, **intent))
    hub, site = linux_end(render.render_device(ov, "tokyo")), comware_end(render.render_device(ov, "fukuoka"))
    for k in ("area", "hello", "dead", "network", "mtu"):
        assert hub[k] == site[k], k
    assert hub["link_local"] != site["link_local"] and hub["link_local"].is_link_local
    assert hub["address6"].network == site["address6"].network and hub["address6"] != site["address6"]
    assert site["router_id"] == site["ospf_router_id"]
