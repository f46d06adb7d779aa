"""IOS-XE verify on a real router: the ios show-command parsers (IOS-XE answers them over SSH), so
NETCONF-deployed routers are judged exactly like CLI ones; a NETCONF-only target is config-only."""
import json

import pytest

from controller import inventory, platforms, verify
from tests.conftest import edit_yaml
from tests.unit.platforms.ios.conftest import copy_inventory
from tests.unit.platforms.ios.test_cases import CASES, NAMES, outputs_for


def _as_iosxe(tmp_path, verify_mode=None):
    inv = copy_inventory("mixed", tmp_path)
    edit_yaml(inv / "overlay.yaml", {"ike.proposal": "aes256-sha256-ecp256"})  # no x25519 in the 17.12 YANG
    edit_yaml(inv / "hosts.yaml", {"osaka.platform": "iosxe", "osaka.port": 830})
    if verify_mode:
        edit_yaml(inv / "hosts.yaml", {"osaka.data": {"iosxe_verify": verify_mode}})
    return inventory.load(inv)


@pytest.mark.parametrize("case", [n for n in NAMES
                                  if json.loads((CASES / n / "expected.json").read_text())["device"] == "osaka"])
def test_iosxe_router_is_judged_from_show_commands(tmp_path, case):
    ov = _as_iosxe(tmp_path)
    exp = json.loads((CASES / case / "expected.json").read_text())
    xe = platforms.get("iosxe")
    cmds = [c for r in xe.collect(ov, "osaka", None) for c in r]
    assert cmds == [c for r in platforms.get("ios").collect(ov, "osaka", None) for c in r]
    state = xe.parse(ov, "osaka", None, outputs_for(case, cmds))
    checks = [c for c in verify.evaluate(ov, {"osaka": state}) if c.device == "osaka"]
    assert sorted({(c.check, c.reason) for c in checks if c.status == "fail"}) == \
        sorted(tuple(x) for x in exp["fail"])
    assert not [c for c in checks if c.status == "n/a"]


def test_netconf_only_target_is_config_only(tmp_path):
    ov = _as_iosxe(tmp_path, "config")
    assert platforms.get("iosxe").collect(ov, "osaka", None) == [["netconf get-config running"]]


def test_unknown_verify_mode_is_refused(tmp_path):
    with pytest.raises(inventory.InventoryError, match="iosxe_verify"):
        _as_iosxe(tmp_path, "telepathy")
