"""Huawei VRP: golden rendering, the proposal table's refusals, every rendered line carries a
Huawei citation block, parsers (own TextFSM) on the recorded captures and on outputs written from
the documented displays, fault cases to Linux reason codes, undo remediation and commit planning."""
from pathlib import Path

import pytest

from controller import inventory, platforms, render
from controller.errors import InventoryError
from controller.platforms.huawei_vrp import collect, remediation
from tests.unit.platforms.judge import failing, judge_case
from tests.unit.platforms.mixed import RECORDED, golden, load_case, mixed_inventory, need_recorded

HERE = Path(__file__).parent
CASES = sorted((HERE / "cases").glob("*/expected.json"))


@pytest.fixture
def ov(tmp_path):
    return inventory.load(mixed_inventory(tmp_path))


def test_golden_rendering(ov):
    golden(HERE / "golden" / "fukuoka.cfg", render.render_device(ov, "fukuoka"))


def test_template_cites_huawei_pages():
    text = (Path(collect.__file__).parent / "templates" / "vrp.j2").read_text()
    assert text.count("https://support.huawei") >= 3


@pytest.mark.parametrize("key,value,field", [
    ("ipsec.transform", "aes128gcm16", "ipsec.transform"),
    ("ike.proposal", "aes256-sha256-x25519", "ike.proposal"),
])
def test_refuses_what_the_cited_pages_do_not_show(tmp_path, key, value, field):
    with pytest.raises(InventoryError) as e:
        inventory.load(mixed_inventory(tmp_path, **{key: value}))
    assert any("fukuoka" in p and field in p for p in e.value.problems), e.value.problems


# ------------------------------------------------------------------ parsers

@need_recorded
def test_display_interface_capture():
    """Our own display_interface template on the recorded capture agrees with ntc-templates' result
    on name, state and MTU."""
    import yaml
    d = RECORDED / "huawei_vrp" / "display_interface"
    want = yaml.safe_load(next(d.glob("*.yml")).read_text())["parsed_sample"]
    got = collect.parse_interface(next(d.glob("*.raw")).read_text())
    assert [w["interface"] for w in want] == list(got)
    for w in want:
        g = got[w["interface"]]
        # ntc also reports a switch port's L2 "Maximum Frame Length" as MTU; ours reads only the
        # "Maximum Transmit Unit", so it agrees wherever that is printed (every route port)
        if w.get("port_type") == "Route" or g.mtu is not None:
            assert g.mtu == (int(w["mtu"]) if w["mtu"] else None), w["interface"]
        assert g.oper_up == w["protocol_status"].upper().startswith("UP")


@need_recorded
def test_ntc_only_through_the_table():
    d = RECORDED / "huawei_vrp" / "display_interface_brief"
    st = platforms.get("huawei_vrp").parse_command("display interface brief", next(d.glob("*.raw")).read_text())
    assert st.gre["Eth-Trunk4"].oper_up is False and st.gre["Eth-Trunk2"].oper_up is True
    with pytest.raises(NotImplementedError):
        platforms.get("huawei_vrp").parse_command("display version", "")


@need_recorded
def test_routing_table_verbose_capture_is_not_misread():
    """The verbose form is a different layout: our table template must not invent routes from it."""
    d = RECORDED / "huawei_vrp" / "display_ip_routing-table_verbose"
    assert collect.parse_routes(next(d.glob("*.raw")).read_text()) == {}


@pytest.mark.parametrize("case", CASES, ids=[c.parent.name for c in CASES])
def test_case_gives_linux_reason_codes(tmp_path, case):
    exp, outputs = load_case(case.parent)
    ov = inventory.load(mixed_inventory(tmp_path))
    _state, checks = judge_case(ov, exp["device"], outputs)
    assert failing(checks) == {tuple(x) for x in exp["fail"]}, sorted(failing(checks))


def test_collect_has_two_rounds_and_every_command_has_a_parser(ov):
    rounds = platforms.get("huawei_vrp").collect(ov, "fukuoka", None)
    assert len(rounds) == 2
    for cmd in rounds[0] + rounds[1]:
        platforms.get("huawei_vrp").parse_command(cmd, "")


# ------------------------------------------------------------------ remediation and commit planning

def _rendered(tmp_path, name, **intent):
    return render.render_device(inventory.load(mixed_inventory(tmp_path / name, **intent)), "fukuoka")


def test_second_deploy_is_empty_even_with_the_key_in_vrp_cipher_form(tmp_path):
    text = _rendered(tmp_path, "a")
    running = text.replace("pre-shared-key cipher %{psk:", "pre-shared-key cipher %^%#x{")
    assert remediation.remediation(running, text) == []


def test_add_site_is_whole_blocks(tmp_path):
    text = _rendered(tmp_path, "a")
    cmds = remediation.remediation("sysname fukuoka\n#\n", text)
    assert cmds[0] == "ipsec authentication sha2 compatible enable"
    assert "interface Tunnel0/0/2" in cmds and cmds[-1] == "quit"
    assert cmds.index("ike peer grectl-tokyo") < cmds.index("ipsec profile grectl-tokyo") < cmds.index("interface Tunnel0/0/2")


def test_remove_site_undoes_bindings_first_and_only_grectl_objects(tmp_path):
    text = _rendered(tmp_path, "a")
    running = text + ("ike peer grectl-nagoya\n version 2\n#\nipsec profile grectl-nagoya\n ike-peer grectl-nagoya\n#\n"
                      "interface Tunnel0/0/7\n description grectl: nagoya\n ip address 172.16.0.26 255.255.255.252\n#\n"
                      "interface Tunnel0/0/9\n description customer\n#\n"
                      "ospf 1 router-id 10.1.3.1\n area 0.0.0.0\n  network 172.16.0.24 0.0.0.3\n  network 10.9.0.0 0.0.0.255\n#\n")
    cmds = remediation.remediation(running, text)
    assert cmds == ["undo interface Tunnel0/0/7", "undo ipsec profile grectl-nagoya", "undo ike peer grectl-nagoya",
                    "ospf 1", " area 0.0.0.0", "  undo network 172.16.0.24 0.0.0.3", " quit", "quit"]
    assert remediation.remediation(running, text, full=False) == []


def test_change_proposal_and_mtu(tmp_path):
    old = _rendered(tmp_path, "a")
    ov = inventory.load(mixed_inventory(tmp_path / "b", **{"ipsec.transform": "aes128-sha512",
                                                           "sites.fukuoka.wan.mtu": 1400}))
    mtu = ov.tunnel_mtu(ov.tunnels_of("fukuoka")[0])
    cmds = remediation.remediation(old, render.render_device(ov, "fukuoka"))
    assert cmds == ["ipsec proposal grectl", " esp authentication-algorithm sha2-512", " esp encryption-algorithm aes-128",
                    "quit", "interface Tunnel0/0/2", f" mtu {mtu}", f" tcp adjust-mss {mtu - 40}", "quit"]


def test_commit_plans():
    p = platforms.get("huawei_vrp")
    cmds = ["interface Tunnel0/0/2", " mtu 1400", "quit"]
    v5 = p.deploy_plan(cmds, 90)
    assert v5["checkpoint"] == ["display startup", "save flash:/grectl-checkpoint.cfg",
                                "startup saved-configuration flash:/grectl-checkpoint.cfg", "schedule reboot delay 2"]
    assert v5["apply"] == ["system-view", *cmds, "return"]
    assert v5["confirm"] == ["display startup", "undo schedule reboot",
                             "startup saved-configuration <next startup file>", "save"]
    assert v5["rollback"] == ["return", "reboot"] and v5["abort"] == ["return"]
    v8 = p.deploy_plan(cmds, 120, vrp8=True)
    assert v8["apply"] == ["system-view", *cmds, "commit trial 120 persist grectl", "return"]
    assert v8["confirm"] == ["system-view", "commit persist grectl", "return", "save"]
    assert v8["abort"] == ["clear configuration candidate", "return"]
    assert p.deploy_plan(cmds, 30, vrp8=True)["apply"][-2] == "commit trial 60 persist grectl"   # VRP's minimum


def test_psk_masked():
    out = platforms.get("huawei_vrp").mask("ike peer x\n pre-shared-key cipher hunter2hunter2hunter2\n")
    assert "hunter2" not in out and "%{psk:" in out
