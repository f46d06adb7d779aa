"""What the conformance suite needs of the h3c_comware platform: inventories holding it (a site
under a Linux hub, and a Comware hub), and one device on it."""
from pathlib import Path

import yaml

from tests.unit.platforms.mixed import mixed_inventory

PLATFORM = "h3c_comware"
DEVICE = "fukuoka"
LAN6_INTERFACE = "GigabitEthernet0/1"   # the interface of an IPv6 LAN the shared dual-stack case adds
CASES = Path(__file__).parent / "cases"


def inventory(tmp_path: Path, **intent) -> Path:
    """The mixed overlay with fukuoka an H3C site (WAN Dialer1) under the Linux hub tokyo."""
    inv = mixed_inventory(tmp_path, **intent)
    hosts = yaml.safe_load((inv / "hosts.yaml").read_text())
    hosts["fukuoka"]["platform"] = "h3c_comware"
    (inv / "hosts.yaml").write_text(yaml.safe_dump(hosts, sort_keys=False))
    return inv


def hub_inventory(tmp_path: Path, **intent) -> Path:
    """tokyo an H3C hub (WAN GigabitEthernet0/0) with the Linux/VyOS/H3C sites, GRE key on."""
    inv = inventory(tmp_path, **intent)
    hosts = yaml.safe_load((inv / "hosts.yaml").read_text())
    hosts["tokyo"] = {"hostname": "172.31.255.11", "platform": "h3c_comware", "username": "admin",
                      "data": {"role": "hub", "site": "hq"}}
    (inv / "hosts.yaml").write_text(yaml.safe_dump(hosts, sort_keys=False))
    ov = yaml.safe_load((inv / "overlay.yaml").read_text())
    ov["hubs"]["tokyo"]["wan"]["interface"] = "GigabitEthernet0/0"
    (inv / "overlay.yaml").write_text(yaml.safe_dump(ov, sort_keys=False))
    return inv
