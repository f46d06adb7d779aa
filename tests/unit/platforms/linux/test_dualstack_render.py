"""Linux dual-stack renders (issue 22): golden files for a hub and a site with IPv6 LANs, a site
left IPv4-only (its tunnel is dual-stack all the same: the hub's IPv6 LAN makes it so), canonical
form, and the IPv6 objects gone when the LANs go back to IPv4 only."""
from pathlib import Path

import pytest

from controller import inventory, render
from controller.platforms.linux.router import linuxconf
from tests.conftest import edit_yaml, ipv4_only

GOLDEN = Path(__file__).parent / "golden"
DUAL = {"tunnel_pool6": "2001:db8:ffff::/48",
        "hubs.tokyo.lans": ["10.1.1.0/24", "2001:db8:1:1::/64"],
        "sites.osaka.lans": ["10.1.2.0/24", "2001:db8:1:2::/64", "2001:db8:1:22::/64"]}


@pytest.fixture
def inv(inv):
    """These cases start from the example without its IPv6 (issue 22 made it dual-stack) and add their own."""
    return ipv4_only(inv)


@pytest.fixture
def dual(inv):
    edit_yaml(inv / "overlay.yaml", DUAL)
    return inventory.load(inv)


@pytest.mark.parametrize("device", ["tokyo", "osaka", "fukuoka"])
def test_golden(dual, device):
    text = render.render_all(dual, device=device)[device]
    golden = GOLDEN / f"dualstack-{device}.conf"
    assert text == golden.read_text(), f"differs from {golden}"
    assert linuxconf.dump(linuxconf.parse(text)) == text


def test_site_scope_of_the_hub_carries_its_ipv6_tunnel(dual):
    text = render.render_all(dual, site="osaka", device="tokyo")["tokyo"]
    assert "link_local fe80::1/64 address6 2001:db8:ffff::1/64" in text
    assert " ipv6 ospf6 network point-to-point" in text and "ospf6 router-id 10.1.1.1" in text
    assert "lan0" not in text


def test_back_to_ipv4_only_removes_every_ipv6_line(inv, dual):
    edit_yaml(inv / "overlay.yaml", {"hubs.tokyo.lans": ["10.1.1.0/24"], "sites.osaka.lans": ["10.1.2.0/24"]})
    for text in render.render_all(inventory.load(inv)).values():
        assert "ospf6" not in text and "link_local" not in text and "address6" not in text and "2001:" not in text
