"""Inventories for the iosxe dual-stack (issue 22) and redundant-hub (issue 23) tests."""
from pathlib import Path

import yaml

from tests.conftest import copy_inventory, edit_yaml, ipv4_only
from tests.unit.hubs_fixture import dual_homed

from .conftest import add_iosxe_site

LAN6 = "2001:db8:1:4::/64"


def dual_stack(tmp_path: Path) -> Path:
    """The dual-stack example with kagoshima, an iosxe site with an IPv4 and an IPv6 LAN (its IPv6
    LAN on GigabitEthernet2), on the Linux hub tokyo."""
    inv = copy_inventory(tmp_path)
    keep = yaml.safe_load((inv / "overlay.yaml").read_text())
    add_iosxe_site(inv)   # (makes the copy IPv4 only: its IPv6 is put back below)
    doc = yaml.safe_load((inv / "overlay.yaml").read_text())
    for k in ("tunnel_pool6",):
        doc[k] = keep[k]
    for group in ("hubs", "sites"):
        for name, r in keep[group].items():
            doc[group][name]["lans"] = r["lans"]
    doc["sites"]["kagoshima"]["lans"].append(LAN6)
    (inv / "overlay.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    edit_yaml(inv / "hosts.yaml", {"kagoshima.data.lan6_interfaces": ["GigabitEthernet2"]})
    return inv


def v4_only(inv: Path) -> Path:
    """The same inventory back to IPv4 only (every IPv6 LAN gone: a peer's would keep the tunnel
    dual-stack); kagoshima's lan6_interfaces stays, unused."""
    return ipv4_only(inv)


def dual_homed_xe(tmp_path: Path) -> Path:
    """The two-hub inventory (tokyo, nagoya) with osaka an iosxe site homed on [tokyo, nagoya] and
    nagoya an iosxe hub (primary of fukuoka, backup of osaka, hub-to-hub tunnel to tokyo)."""
    inv = dual_homed(tmp_path)
    groups = yaml.safe_load((inv / "groups.yaml").read_text())
    groups["lab_iosxe"] = {"platform": "iosxe", "username": "root", "port": 830}
    (inv / "groups.yaml").write_text(yaml.safe_dump(groups, sort_keys=False))
    for name in ("osaka", "nagoya"):
        edit_yaml(inv / "hosts.yaml", {f"{name}.groups": ["lab_iosxe"], f"{name}.data.iosxe_verify": "config"})
        group = "hubs" if name == "nagoya" else "sites"
        edit_yaml(inv / "overlay.yaml", {f"{group}.{name}.wan.interface": "GigabitEthernet1"})
    edit_yaml(inv / "overlay.yaml", {"ike.proposal": "aes256-sha256-ecp256"})
    return inv
