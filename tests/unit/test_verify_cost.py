"""Redundant hubs (issue 23): verify compares each tunnel's OSPF cost as the router runs it with
the intent's (primary and hub-to-hub ``ospf.cost``, backup ``ospf.backup_cost``), on both ends and
for OSPFv3 too; otherwise OSPF_COST_MISMATCH. Single-hub inventories and targets that report no
cost get no such check."""
import json
from pathlib import Path

import pytest

from controller import inventory, verify
from controller.platforms.linux import collect, parsers
from tests.conftest import copy_inventory
from tests.unit.hubs_fixture import dual_homed
from tests.unit.test_verify_checks import failing, healthy
from tests.unit.test_verify_hubs import preferred_routes

CASES = Path(__file__).parent / "platforms" / "linux" / "cases"


@pytest.fixture
def ov(tmp_path):
    return inventory.load(dual_homed(tmp_path, {"ospf.backup_cost": 70}))


def with_costs(ov, states):
    for name, st in states.items():
        for t in ov.tunnels_of(name):
            st.ospf_interfaces[t.end(name).interface].cost = t.cost
    return states


def test_intended_costs_pass_on_every_end(ov):
    checks = verify.evaluate(ov, with_costs(ov, preferred_routes(ov, healthy(ov))))
    assert not failing(checks)
    got = {(c.device, c.peer): c.observed for c in checks if c.check == "ospf.cost"}
    assert got[("osaka", "tokyo")] == got[("tokyo", "osaka")] == "cost 10"        # osaka's primary
    assert got[("osaka", "nagoya")] == got[("nagoya", "osaka")] == "cost 70"      # its backup (configured 70)
    assert got[("fukuoka", "tokyo")] == "cost 70" and got[("tokyo", "nagoya")] == "cost 10"  # hub-to-hub
    assert len(got) == 2 * len(ov.tunnels)


@pytest.mark.parametrize("device, iface, cost", [
    ("osaka", "gre-nagoya", 10),     # the backup at the primary's cost: traffic would be shared
    ("nagoya", "gre-osaka", 10),     # the hub's end of the same backup
    ("osaka", "gre-tokyo", 100),     # the primary at the default backup cost, not the configured 70
    ("tokyo", "gre-nagoya", 1),      # the hub-to-hub link
])
def test_a_cost_off_the_intent_is_red(ov, device, iface, cost):
    states = with_costs(ov, preferred_routes(ov, healthy(ov)))
    states[device].ospf_interfaces[iface].cost = cost
    bad = [c for c in verify.evaluate(ov, states) if c.status == "fail"]
    assert [(c.device, c.check, c.reason) for c in bad] == [(device, "ospf.cost", "OSPF_COST_MISMATCH")], bad
    assert f"{iface} runs OSPF cost {cost}" in bad[0].detail


def test_unreported_cost_is_no_check(ov):
    states = preferred_routes(ov, healthy(ov))   # ospf_interfaces carry no cost
    assert not [c for c in verify.evaluate(ov, states) if c.check == "ospf.cost"]


def test_single_hub_gets_no_cost_check(tmp_path):
    ov = inventory.load(copy_inventory(tmp_path))
    states = healthy(ov)
    for st in states.values():
        for oi in st.ospf_interfaces.values():
            oi.cost = 55
    assert not [c for c in verify.evaluate(ov, states) if c.check.endswith(".cost")]


def test_linux_reads_the_cost_from_frr():
    text = (CASES / "healthy-osaka" / "show_ip_ospf_interface_json.txt").read_text()
    want = {n: i["cost"] for n, i in json.loads(text)["interfaces"].items()}
    assert want and {n: v["cost"] for n, v in parsers.parse_ospf_interfaces(text).items()} == want


@pytest.mark.parametrize("raw, cost", [(10, 10), (100, 100), (True, None), ("10", None), (None, None)])
def test_cost_must_be_an_integer(raw, cost):
    doc = {"interfaces": {"gre-x": {"area": "0.0.0.0", "cost": raw}}}
    assert parsers.parse_ospf_interfaces(json.dumps(doc))["gre-x"]["cost"] == cost
    doc6 = {"gre-x": {"areaId": "0.0.0.0", "interfaceId": 3, "cost": raw}}
    assert parsers.parse_ospf6_interfaces(json.dumps(doc6))["gre-x"]["cost"] == cost


def test_parse_carries_the_cost_into_the_state(tmp_path):
    ov = inventory.load(copy_inventory(tmp_path))
    frr = (CASES / "healthy-osaka" / "show_ip_ospf_interface_json.txt").read_text()
    st = collect.parse(ov, "osaka", None, {"x": f"{parsers.MARK}frr\n{frr}\n"})
    assert st.ospf_interfaces and all(oi.cost == 10 for oi in st.ospf_interfaces.values())
