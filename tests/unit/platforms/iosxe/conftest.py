"""An inventory with a Linux hub, a Linux site and an ``iosxe`` site (kagoshima)."""
from pathlib import Path

import pytest
import yaml

from tests.conftest import copy_inventory, edit_yaml, ipv4_only

ROOT = Path(__file__).resolve().parents[4]
SHARED_YANG = ROOT.parent / "shared" / "yang"


def add_iosxe_site(inv: Path, name: str = "kagoshima", site_id: int = 3, mgmt: str = "172.31.255.14",
                   wan: str = "198.51.100.14/30", lan: str = "10.1.4.0/24") -> Path:
    """Add an iosxe site to a copied inventory (NETCONF on port 830); the IKE proposal becomes one
    the IOS-XE YANG can express (x25519 is not in it). IPv4 only (the dual-stack cases build
    on it in dual.py): the example's IPv6 LANs would make the hub's tunnel to it dual-stack."""
    ipv4_only(inv)
    edit_yaml(inv / "overlay.yaml", {"ike.proposal": "aes256-sha256-ecp256",
                                     f"sites.{name}": {"id": site_id, "hub": "tokyo", "lans": [lan],
                                                       "wan": {"interface": "GigabitEthernet1", "address": wan, "mtu": 1500}}})
    groups = yaml.safe_load((inv / "groups.yaml").read_text())
    groups["lab_iosxe"] = {"platform": "iosxe", "username": "root", "port": 830}
    (inv / "groups.yaml").write_text(yaml.safe_dump(groups, sort_keys=False))
    edit_yaml(inv / "hosts.yaml", {name: {"hostname": mgmt, "groups": ["lab_iosxe"],
                                   "data": {"role": "site", "iosxe_verify": "config"}}})
    return inv


@pytest.fixture
def xe_inv(tmp_path) -> Path:
    return add_iosxe_site(copy_inventory(tmp_path))


def libyang_dir() -> Path:
    return SHARED_YANG / "cisco-xe-17.12.1-libyang"


def need_libyang():
    import shutil
    if not libyang_dir().is_dir():
        pytest.skip(f"no Cisco IOS-XE YANG at {libyang_dir()} (../shared absent)")
    if shutil.which("yanglint") is None:
        pytest.skip("yanglint not installed (Debian libyang2-tools; scripts/install-system.sh)")
