"""A two-hub inventory with dual-homed sites (issue 23), built from the example inventory."""
from pathlib import Path

import yaml

from controller.state import RouterLsa
from tests.conftest import copy_inventory, edit_yaml, ipv4_only

NAGOYA_HOST = {"hostname": "172.31.255.14", "groups": ["lab_linux"], "data": {"role": "hub"}}
DUAL = {"hub_pool": "172.16.1.0/24",
        "hubs.tokyo.id": 1,
        "hubs.nagoya": {"id": 2, "wan": {"interface": "wan0", "address": "198.51.100.14/30", "mtu": 1400},
                        "lans": ["10.1.4.0/24"]},
        "sites.osaka.hubs": ["tokyo", "nagoya"],
        "sites.fukuoka.hubs": ["nagoya", "tokyo"]}


def dual_homed(tmp_path: Path, sets: dict | None = None, deletes: list | None = None) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    inv = ipv4_only(copy_inventory(tmp_path))   # the hub cases are IPv4 (the example became dual-stack)
    hosts = yaml.safe_load((inv / "hosts.yaml").read_text())
    hosts["nagoya"] = NAGOYA_HOST
    (inv / "hosts.yaml").write_text(yaml.safe_dump(hosts, sort_keys=False))
    edit_yaml(inv / "overlay.yaml", DUAL, deletes=["sites.osaka.hub", "sites.fukuoka.hub"])
    edit_yaml(inv / "overlay.yaml", sets, deletes)
    return inv


def area_lsdb(ov) -> dict[str, RouterLsa]:
    """The one area's router LSAs as correctly configured routers would flood them, from the intent:
    a point-to-point link per tunnel (its cost) and stubs for the LANs and tunnel subnets."""
    out = {}
    for name, dev in ov.devices.items():
        links = {str(ov.devices[t.end(name).peer].router_id): t.cost for t in ov.tunnels_of(name)}
        stubs = [str(n) for n in dev.lans] + [str(t.subnet) for t in ov.tunnels_of(name)]
        out[str(dev.router_id)] = RouterLsa(links=links, stubs=sorted(stubs))
    return out
