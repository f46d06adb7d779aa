"""Contract v2 (controller/platforms/base.py): one signature per operation on every registered
platform, structured problems (no string prefix steers control flow), typed host options whose
problems name the file and field that set them."""
import inspect
import re
from pathlib import Path

import pytest

from controller import inventory, platforms
from controller.platforms.base import Platform, Problem
from tests.conftest import edit_yaml, ipv4_only

ROOT = Path(__file__).resolve().parents[3]
OPERATIONS = ("problems", "check", "render", "mask", "keep_site", "plan", "remediation", "deploy_plan", "release",
              "collect", "parse", "parse_command", "commands", "offline_check", "options", "interface_name",
              "check_psk", "check_interface", "canonical_interface")


def _params(fn):
    return [(p.name, p.kind) for p in inspect.signature(fn).parameters.values()]


@pytest.mark.parametrize("name", platforms.names())
@pytest.mark.parametrize("op", OPERATIONS)
def test_one_signature_per_operation(name, op):
    plat = platforms.get(name)
    assert _params(getattr(type(plat), op)) == _params(getattr(Platform, op)), (name, op)


def test_no_string_prefix_steers_control_flow():
    hits = [f"{p.relative_to(ROOT)}:{n}" for p in (ROOT / "controller").rglob("*.py")
            for n, line in enumerate(p.read_text().splitlines(), 1) if re.search(r"startswith\(\"platform:", line)]
    assert hits == []


def test_unsupported_stops_the_checks(inv):
    from controller.platforms.base import Capabilities
    ov = inventory.load(inv)
    got = Platform("later", Capabilities(frozenset(), supported=False)).problems(ov, "osaka")
    assert [p.kind for p in got] == ["platform"] and got[0].stops
    assert str(got[0]) == "platform: later is not supported yet (device 'osaka')"


@pytest.mark.parametrize("text, kind, field", [
    ("platform: ios: data.ios_style: unknown style 'x'", "host_data", "ios_style"),
    ("platform: iosxe: data.iosxe_verify must be 'cli'", "host_data", "iosxe_verify"),
    ("hosts.osaka.data.fake_release: '2' is not a release", "host_data", "fake_release"),
    ("platform: junos is not supported yet (device 'a')", "platform", "platform"),
    ("ipsec.mode: platform x cannot do tunnel mode", "intent", "ipsec.mode"),
])
def test_v1_text_problems_are_structured(text, kind, field):
    p = Problem.parse(text, "x")
    assert (p.kind, p.field) == (kind, field)
    if kind != "host_data":
        assert str(p) == text


@pytest.mark.parametrize("platform, data, field, message", [
    ("ios", {"ios_style": "dmvpn"}, "ios_style", "unknown style 'dmvpn' (one of tunnel-protection, crypto-map)"),
    ("ios", {"ios_wan_acl": "yes"}, "ios_wan_acl", "must be true or false (got 'yes')"),
    ("vyos", {"vyos_release": "2.0"}, "vyos_release", "'2.0' is not a VyOS release grectl renders (1.3, 1.4, 1.5)"),
    ("iosxe", {"iosxe_verify": "snmp"}, "iosxe_verify", "must be 'cli' (show commands over SSH) or 'config' "
                                                        "(a NETCONF-only target), not 'snmp'"),
])
def test_host_options_are_models(platform, data, field, message):
    model = platforms.get(platform).options_model
    assert model is not None
    assert model.model_validate({"role": "site"}) is not None       # defaults; other keys ignored
    from controller.platforms.base import option_problems
    assert option_problems(model, data, platform) == [Problem("host_data", field, message, platform)]


def test_a_host_option_problem_names_the_file_and_field(inv):
    ipv4_only(inv)  # the platform takes IPv4 only so far (issue 22)
    edit_yaml(inv / "hosts.yaml", {"osaka.platform": "ios", "osaka.data": {"ios_style": "dmvpn", "role": "site"}})
    with pytest.raises(inventory.InventoryError) as e:
        inventory.load(inv)
    assert any(p.startswith(f"{inv / 'hosts.yaml'}: osaka.data.ios_style: unknown style 'dmvpn'")
               for p in e.value.problems), e.value.problems


@pytest.mark.parametrize("name", platforms.names())
def test_lab_kind_is_data(name):
    assert platforms.get(name).caps.lab_kind in (None, "router", "netconf")
