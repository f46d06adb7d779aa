"""WAN interfaces (issue 19 parts 2 and 4, the inventory's side): the model takes any printable
interface name up to 64 characters (no whitespace, quotes, control characters); each platform's
``check_interface`` then says which names it has (Linux keeps its 15 bytes), and a WAN interface
equal to a tunnel interface grectl creates on that device is refused, compared in the platform's
canonical spelling.

Fake platforms registered through ``platforms.register`` stand for the vendor platforms, so these
tests pin the inventory's wiring, not another platform's rules.
"""
from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

from controller import inventory, models, platforms
from controller.errors import InventoryError
from controller.platforms.base import Capabilities, Platform
from tests.conftest import edit_yaml, ipv4_only

ABBREV = {"gi": "GigabitEthernet", "te": "TenGigabitEthernet", "tu": "Tunnel", "di": "Dialer"}


class FakeCisco(Platform):
    """Names tunnels Tunnel<N>; knows four interface types, full or abbreviated (two letters)."""

    def interface_name(self, peer, number):
        return f"Tunnel{number}"

    def canonical_interface(self, name):
        m = re.fullmatch(r"([A-Za-z]+?)([0-9][0-9/.:]*)", name)
        if not m:
            return name
        word = m.group(1).lower()
        for short, full in ABBREV.items():
            if full.lower().startswith(word) and word.startswith(short):
                return full + m.group(2)
        return name

    def check_interface(self, name):
        canon = self.canonical_interface(name)
        if not any(canon.startswith(full) for full in ABBREV.values()):
            return "is not an interface type fakecisco has"
        return None


class FakeVyos(Platform):
    def interface_name(self, peer, number):
        return f"tun{number}"

    def check_interface(self, name):
        return None if re.fullmatch(r"(eth|tun|pppoe)[0-9]+(\.[0-9]+)?", name) else "is not a fakevyos interface"


CAPS = Capabilities(transforms=frozenset({"aes128gcm16"}), renders=True)


@pytest.fixture
def fakes():
    for p in (FakeCisco("fakecisco", CAPS), FakeVyos("fakevyos", CAPS)):
        platforms.register(p)
    yield
    platforms.unregister("fakecisco")
    platforms.unregister("fakevyos")


def _on(inv, **where):
    """Put devices on platforms: _on(inv, osaka="fakecisco")."""
    ipv4_only(inv)  # the platform takes IPv4 only so far (issue 22)
    edit_yaml(inv / "hosts.yaml", {f"{d}.platform": p for d, p in where.items()})


def _wan(inv, device, name):
    kind = "hubs" if device == "tokyo" else "sites"
    edit_yaml(inv / "overlay.yaml", {f"{kind}.{device}.wan.interface": name})


def _problems(inv) -> list[str]:
    with pytest.raises(InventoryError) as e:
        inventory.load(inv)
    return e.value.problems


# --------------------------------------------------------------- the generic model pattern

REAL_NAMES = ["GigabitEthernet1", "GigabitEthernet0/0/1", "TenGigabitEthernet1/0/1.100", "Dialer1",
              "Serial0/0/0:0", "Eth-Trunk1", "Port-channel1.20", "eth0", "eth0.100", "pppoe0", "wan0",
              "Virtual-Template0", "br-lan", "wg0", "G" + "i" * 63]


@pytest.mark.parametrize("name", REAL_NAMES)
def test_model_takes_real_interface_names(name):
    assert models.Wan(interface=name, address="198.51.100.2/30").interface == name


HOSTILE = ["", " eth0", "eth0 ", "eth 0", "eth0\n", "eth0\r\n", "eth0\x00", "eth0\u2028", "eth0\x85",
           "eth0\t", "eth0'", 'eth0"', "eth0`id`", "eth0$(reboot)", "eth0;reboot", "eth0#", "eth0!",
           "eth0?", "eth0\\", "eth0&amp;", "eth0]]>]]>", "eth0<x>", "éth0", "ｅｔｈ0", "0eth", "-eth0",
           "eth0{", "eth0}", "eth0|x", "eth0*", "eth0,1", "G" + "i" * 64]


@pytest.mark.parametrize("name", HOSTILE, ids=[repr(h) for h in HOSTILE])
def test_model_refuses_hostile_interface_names(name):
    with pytest.raises(ValidationError) as e:
        models.Wan(interface=name, address="198.51.100.2/30")
    assert e.value.errors()[0]["loc"] == ("interface",)


@pytest.mark.parametrize("name", HOSTILE[:12], ids=[repr(h) for h in HOSTILE[:12]])
def test_hostile_interface_refused_with_file_and_field(inv, name):
    _wan(inv, "osaka", name)
    problems = _problems(inv)
    assert any("overlay.yaml: sites.osaka.wan.interface:" in p for p in problems), problems
    assert all("\n" not in p and "\r" not in p and "\x00" not in p for p in problems)


# --------------------------------------------------------------- per platform: check_interface

@pytest.mark.parametrize("platform,name", [
    ("fakecisco", "GigabitEthernet0/0/1"), ("fakecisco", "Gi0/0/1"), ("fakecisco", "TenGigabitEthernet1/0/1.100"),
    ("fakecisco", "Dialer1"), ("fakevyos", "eth0"), ("fakevyos", "eth0.100"), ("fakevyos", "pppoe0"),
])
def test_platform_takes_its_real_names(inv, fakes, platform, name):
    _on(inv, osaka=platform)
    _wan(inv, "osaka", name)
    ov = inventory.load(inv)
    assert ov.devices["osaka"].wan.interface == name


@pytest.mark.parametrize("platform,name,why", [
    ("fakecisco", "Ethernetfoo", "is not an interface type fakecisco has"),
    ("fakecisco", "wan0", "is not an interface type fakecisco has"),
    ("fakevyos", "GigabitEthernet1", "is not a fakevyos interface"),
    ("linux", "GigabitEthernet0/0/1", "is 20 bytes; Linux interface names hold at most 15"),
    ("linux", "TenGigabitEthernet1", "is 19 bytes; Linux interface names hold at most 15"),
    ("linux", "wan/0", "holds '/'; Linux interface names cannot"),
    ("linux", "wan:0", "holds ':'; Linux interface names cannot"),
])
def test_platform_refuses_names_it_has_not(inv, fakes, platform, name, why):
    _on(inv, osaka=platform)
    _wan(inv, "osaka", name)
    problems = _problems(inv)
    want = f"overlay.yaml: sites.osaka.wan.interface: {name!r} {why}"
    assert any(want in p and f"(platform {platform} of 'osaka')" in p for p in problems), problems


def test_linux_keeps_15_bytes(inv):
    _wan(inv, "osaka", "a" * 15)
    assert inventory.load(inv).devices["osaka"].wan.interface == "a" * 15
    _wan(inv, "osaka", "a" * 16)
    assert any("is 16 bytes; Linux interface names hold at most 15" in p for p in _problems(inv))


def test_hub_wan_interface_named_with_hubs_field(inv):
    _wan(inv, "tokyo", "wan/0")
    assert any("overlay.yaml: hubs.tokyo.wan.interface: 'wan/0' holds '/'" in p for p in _problems(inv))


# --------------------------------------------------------------- WAN = a tunnel grectl creates

@pytest.mark.parametrize("platform,device,name,tunnel", [
    ("fakecisco", "osaka", "Tunnel1", "Tunnel1"),          # osaka is site id 1
    ("fakecisco", "osaka", "Tu1", "Tunnel1"),              # abbreviated: compared canonically
    ("fakecisco", "osaka", "tunnel1", "Tunnel1"),
    ("fakecisco", "fukuoka", "Tunnel2", "Tunnel2"),
    ("fakevyos", "fukuoka", "tun2", "tun2"),
    ("fakecisco", "tokyo", "Tunnel2", "Tunnel2"),          # the hub has one tunnel per site
    ("fakevyos", "tokyo", "tun1", "tun1"),
    ("linux", "tokyo", "gre-osaka", "gre-osaka"),
    ("linux", "osaka", "gre-tokyo", "gre-tokyo"),
])
def test_wan_that_is_a_grectl_tunnel_is_refused(inv, fakes, platform, device, name, tunnel):
    _on(inv, **{device: platform})
    _wan(inv, device, name)
    kind = "hubs" if device == "tokyo" else "sites"
    problems = _problems(inv)
    want = f"overlay.yaml: {kind}.{device}.wan.interface: {name!r} is the tunnel interface {tunnel} grectl creates"
    assert any(want in p for p in problems), problems


@pytest.mark.parametrize("platform,device,name", [
    ("fakecisco", "osaka", "Tunnel2"),      # fukuoka's number, not on osaka
    ("fakecisco", "osaka", "Tunnel11"),
    ("fakevyos", "osaka", "tun2"),
    ("linux", "osaka", "gre-fukuoka"),      # a name, not osaka's tunnel
])
def test_wan_that_is_no_tunnel_of_this_device_validates(inv, fakes, platform, device, name):
    _on(inv, **{device: platform})
    _wan(inv, device, name)
    assert inventory.load(inv).devices[device].wan.interface == name
