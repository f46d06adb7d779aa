"""A second platform added from outside grectl, through the ``grectl.platforms`` entry point group:
validation, render, parse and the judge all work for it without touching a grectl file."""
import json
import shutil
import sys
from pathlib import Path

import pytest

from controller import inventory, platforms, render, verify
from controller.state import DeviceState
from tests.conftest import edit_yaml, ipv4_only

PLUGIN = Path(__file__).parent / "plugin"


@pytest.fixture
def toy_installed(tmp_path, monkeypatch):
    """Install the plugin the way pip would: the package plus a dist-info with entry_points.txt."""
    site = tmp_path / "site"
    shutil.copytree(PLUGIN / "grectl_toy", site / "grectl_toy")
    info = site / "grectl_toy-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: grectl-toy\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[grectl.platforms]\ntoy = grectl_toy:PLATFORM\n")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setattr(platforms, "_loaded", False)
    yield
    platforms.unregister("toy")
    sys.modules.pop("grectl_toy", None)


def test_unknown_without_the_plugin(inv):
    ipv4_only(inv)  # the platform takes IPv4 only so far (issue 22)
    edit_yaml(inv / "hosts.yaml", {"osaka.platform": "toy"})
    with pytest.raises(inventory.InventoryError, match="unknown platform 'toy'"):
        inventory.load(inv)


def test_plugin_platform_renders_parses_and_is_judged(inv, toy_installed):
    assert "toy" in platforms.names()
    ipv4_only(inv)  # the platform takes IPv4 only so far (issue 22)
    edit_yaml(inv / "hosts.yaml", {"osaka.platform": "toy"})
    ov = inventory.load(inv)
    t = next(t for t in ov.tunnels if t.site == "osaka")
    assert t.site_end.interface == f"toy{t.site_end.number}"     # the platform named its interface
    assert t.hub_end.interface == "gre-osaka"                     # the linux hub keeps its own naming
    text = render.render_all(ov, device="osaka")["osaka"]
    assert f"tunnel {t.site_end.interface} {t.site_end.wan} {t.site_end.peer_wan}" in text
    assert "%{psk:" in text

    healthy = {"gre": {t.site_end.interface: {"name": t.site_end.interface, "source": str(t.site_end.wan),
                                             "destination": str(t.site_end.peer_wan), "mtu": ov.tunnel_mtu(t)}},
               "ike_sas": [{"peer": str(t.site_end.peer_wan), "state": "ESTABLISHED"}],
               "daemons": {"ike": True}}
    plat = platforms.get("toy")
    cmds = plat.collect(ov, "osaka", None)
    st = plat.parse(ov, "osaka", None, {cmds[0][0]: json.dumps(healthy)})
    assert isinstance(st, DeviceState)
    checks = {c.check: c for c in verify.check_end(ov, t, "osaka", st)}
    assert checks["gre.link"].status == checks["gre.endpoints"].status == checks["gre.mtu"].status == "pass"
    assert checks["ike.sa"].status == "pass"
    assert checks["ipsec.child"].reason == "IPSEC_PHASE2_FAILED"   # the toy reported no child SA

    healthy["gre"][t.site_end.interface]["mtu"] = 1300
    st = plat.parse(ov, "osaka", None, {cmds[0][0]: json.dumps(healthy)})
    assert {c.check: c.reason for c in verify.check_end(ov, t, "osaka", st)}["gre.mtu"] == "GRE_MTU_MISMATCH"


def test_plugin_interface_names_are_checked(inv, toy_installed):
    """The toy takes 7-byte names: a derived name that would not fit is refused by validation."""
    ipv4_only(inv)  # the platform takes IPv4 only so far (issue 22)
    edit_yaml(inv / "hosts.yaml", {"osaka.platform": "toy"})
    edit_yaml(inv / "overlay.yaml", {"sites.osaka.id": 12345, "tunnel_pool": "172.20.0.0/16"})
    with pytest.raises(inventory.InventoryError) as e:
        inventory.load(inv)
    assert any("'toy12345' on osaka (toy) is longer than 7 bytes" in p in p for p in e.value.problems), e.value.problems
