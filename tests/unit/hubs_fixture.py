"""A two-hub inventory with dual-homed sites (issue 23), built from the example inventory."""
from pathlib import Path

import yaml

from tests.conftest import copy_inventory, edit_yaml

NAGOYA_HOST = {"hostname": "172.31.255.14", "groups": ["lab_linux"], "data": {"role": "hub"}}
DUAL = {"hub_pool": "172.16.1.0/24",
        "hubs.tokyo.id": 1,
        "hubs.nagoya": {"id": 2, "wan": {"interface": "wan0", "address": "198.51.100.14/30", "mtu": 1400},
                        "lans": ["10.1.4.0/24"]},
        "sites.osaka.hubs": ["tokyo", "nagoya"],
        "sites.fukuoka.hubs": ["nagoya", "tokyo"]}


def dual_homed(tmp_path: Path, sets: dict | None = None, deletes: list | None = None) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    inv = copy_inventory(tmp_path)
    hosts = yaml.safe_load((inv / "hosts.yaml").read_text())
    hosts["nagoya"] = NAGOYA_HOST
    (inv / "hosts.yaml").write_text(yaml.safe_dump(hosts, sort_keys=False))
    edit_yaml(inv / "overlay.yaml", DUAL, deletes=["sites.osaka.hub", "sites.fukuoka.hub"])
    edit_yaml(inv / "overlay.yaml", sets, deletes)
    return inv
