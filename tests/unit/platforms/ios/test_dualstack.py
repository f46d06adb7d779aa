"""IOS dual-stack (issue 22): golden renders of a dual-stack hub and sites, the lan6_interfaces
check, and the exact commands that add the IPv6 objects and remove them when the LANs go back to
IPv4 only."""
import os
from pathlib import Path

import pytest
import yaml

from controller import inventory, platforms, render
from controller.errors import InventoryError
from controller.platforms.ios import remediation

from .conftest import copy_inventory

IOS = platforms.get("ios")
GOLDEN = Path(__file__).parent / "golden"
OPERATOR = """\
version 15.9
hostname {host}
interface GigabitEthernet0/0
 ip address 198.51.100.2 255.255.255.252
interface GigabitEthernet0/2
 ip address 10.1.1.1 255.255.255.0
 ipv6 address 2001:DB8:1::1/64
 ipv6 ospf 7 area 0
ipv6 router ospf 7
 router-id 9.9.9.9
end
"""


def load(tmp_path, name="ioshub6", edit=None, hosts=None, sub="x"):
    inv = copy_inventory(name, tmp_path / sub)
    if edit:
        doc = yaml.safe_load((inv / "overlay.yaml").read_text())
        edit(doc)
        (inv / "overlay.yaml").write_text(yaml.safe_dump(doc))
    if hosts:
        doc = yaml.safe_load((inv / "hosts.yaml").read_text())
        hosts(doc)
        (inv / "hosts.yaml").write_text(yaml.safe_dump(doc))
    return inventory.load(inv)


@pytest.mark.parametrize("device", ["tokyo", "osaka", "fukuoka"])
def test_golden(tmp_path, device):
    """Set GRECTL_UPDATE_GOLDEN=1 to rewrite the files (then read the diff)."""
    text = render.render_all(load(tmp_path), device=device)[device]
    path = GOLDEN / f"ioshub6-{device}.conf"
    if os.environ.get("GRECTL_UPDATE_GOLDEN"):
        path.write_text(text)
    assert text == path.read_text()


def test_ipv4_only_renders_no_ipv6_line(tmp_path):
    ov = load(tmp_path, "ioshub")
    assert not any("ipv6" in t for t in render.render_all(ov).values())


def _v4_only(doc):
    for group in ("hubs", "sites"):
        for r in doc[group].values():
            r["lans"] = [lan for lan in r["lans"] if ":" not in lan]


@pytest.mark.parametrize("hosts,why", [
    (lambda h: h["tokyo"].pop("data"), "must name one interface per IPv6 LAN (got 0)"),
    (lambda h: h["tokyo"].update(data={"lan6_interfaces": ["Gi0/2", "Gi0/3"]}), "(got 2)"),
    (lambda h: h["tokyo"].update(data={"lan6_interfaces": ["eth 1"]}), "is not an IOS interface name"),
    (lambda h: h["tokyo"].update(data={"lan6_interfaces": "Gi0/2"}), "must be a list of interface names"),
])
def test_lan6_interfaces_are_checked(tmp_path, hosts, why):
    with pytest.raises(InventoryError) as e:
        load(tmp_path, hosts=hosts)
    assert why in str(e.value) and "lan6_interfaces" in str(e.value)


def _running(ov, device):
    """The operator's config with ``device``'s rendered intent merged in (one section per interface)."""
    have = remediation.tree(OPERATOR.format(host=device))
    have.merge(remediation.tree(render.render_all(ov, device=device, show_secrets=True)[device]))
    return remediation.text_of(have)


def test_in_sync_is_empty(tmp_path):
    ov = load(tmp_path)
    for device in ("tokyo", "osaka", "fukuoka"):
        assert IOS.remediation(_running(ov, device), render.render_all(ov)[device], True) == []


def test_going_dual_stack_adds_the_ipv6_objects(tmp_path):
    before, after = load(tmp_path, edit=_v4_only, sub="a"), load(tmp_path, sub="b")
    cmds = IOS.remediation(_running(before, "osaka"), render.render_all(after)["osaka"], True)
    assert cmds == [
        "ipv6 unicast-routing",
        "interface Tunnel1",
        " ipv6 address FE80::2 link-local",
        " ipv6 address 2001:DB8:FFFF::2/64",
        " ipv6 mtu 1434",
        " ipv6 tcp adjust-mss 1374",
        " ipv6 ospf 1 area 0.0.0.0",
        " ipv6 ospf network point-to-point",
        "interface GigabitEthernet0/2",
        " ipv6 ospf 1 area 0.0.0.0",
        "ipv6 router ospf 1",
        " router-id 10.1.2.1",
        " passive-interface default",
        " no passive-interface Tunnel1",
    ]


def test_back_to_ipv4_only_removes_them_and_leaves_the_operators(tmp_path):
    """The LAN's OSPFv3 line, the tunnel's IPv6 lines and, last, grectl's OSPFv3 process go; the
    operator's OSPFv3 process 7 and its interface line, and ipv6 unicast-routing, stay."""
    before, after = load(tmp_path, sub="a"), load(tmp_path, edit=_v4_only, sub="b")
    cmds = IOS.remediation(_running(before, "osaka"), render.render_all(after)["osaka"], True)
    assert cmds == [
        "interface GigabitEthernet0/2",
        " no ipv6 ospf 1 area 0.0.0.0",
        "interface Tunnel1",
        " no ipv6 address FE80::2 link-local",
        " no ipv6 address 2001:DB8:FFFF::2/64",
        " no ipv6 mtu 1434",
        " no ipv6 tcp adjust-mss 1374",
        " no ipv6 ospf 1 area 0.0.0.0",
        " no ipv6 ospf network point-to-point",
        "no ipv6 router ospf 1",
    ]


def test_site_scope_keeps_other_sites_ipv6_lines(tmp_path):
    """A --site osaka merge on the hub touches osaka's tunnel only: fukuoka's no-passive line and
    the LAN's OSPFv3 line stay."""
    ov = load(tmp_path)
    running = _running(ov, "tokyo").replace(" ipv6 mtu 1434\n", " ipv6 mtu 1400\n", 1)
    cmds = IOS.remediation(running, render.render_all(ov, site="osaka")["tokyo"], False)
    assert cmds == ["interface Tunnel1", " ipv6 mtu 1434"]
