"""VyOS deploy sessions as pure step lists: the wire equals the platform's deploy_plan, answers
judged on VyOS's own messages, grectl's part of a running config, and the local diff. Also: the
hand-written set lines agree with hier_config's VyOS driver on grectl's part (why hier_config
does not replace the remediation: README, VyOS)."""
from pathlib import Path

from hier_config import Platform, WorkflowRemediation, get_hconfig

from controller import platforms
from controller.platforms.vyos import session as vs
from napalm_grectl_cli import Step

GOLDEN = (Path(__file__).parent / "golden" / "osaka-1.4.set").read_text()
CMDS = ["delete interfaces tunnel tun7", "set interfaces tunnel tun1 mtu '1400'"]


def test_wire_is_the_deploy_plan():
    plan = platforms.get("vyos").deploy_plan(CMDS, 61)
    assert vs.wire(vs.apply_steps(CMDS, 61)) == plan["apply"] == ["configure", *CMDS, "compare", "commit-confirm 2", "exit"]
    assert vs.wire(vs.confirm_steps()) == plan["confirm"] == ["configure", "confirm", "save", "exit"]
    assert vs.wire(vs.abort_steps()) == plan["abort"] == ["discard", "exit discard"]
    assert vs.wire(vs.apply_steps(CMDS, None)) == ["configure", *CMDS, "compare", "commit", "save", "exit"]


def test_commit_confirm_question_answers():
    st = Step("commit-confirm 2")
    ask = "commit-confirm will automatically reboot in 2 minutes unless changes\nare confirmed.\n\nProceed ? [Y/n]"
    assert vs.respond(st, ask).send == "y"
    assert vs.respond(st, "\nYou should save previous commits before commit-confirm !\n" + ask).send == "n"
    assert vs.respond(st, "Initialized commit-confirm; 2 minutes to confirm before reboot") is None
    assert vs.error(st, "Initialized commit-confirm; 2 minutes to confirm before reboot\n[edit]") is None
    assert "pending" in vs.error(st, "Another confirm is pending")
    assert vs.error(Step(("confirm",), enter=True), "Reboot timer stopped") is None
    assert "ran out" in vs.error(Step(("confirm",), enter=True), "No confirm pending")
    assert vs.error(Step("save"), "Saving configuration to '/config/config.boot'...\nDone") is None


def test_owned_keeps_grectls_objects_and_shared_leaves_only():
    running = GOLDEN + ("set system host-name 'osaka'\nset interfaces tunnel tun9 address '10.9.9.1/30'\n"
                        "set vpn ipsec site-to-site peer customer ike-group 'theirs'\n"
                        "set protocols ospf redistribute connected\n")
    assert vs.owned(running) == GOLDEN


def test_local_diff_applies_deletes_and_overrides():
    run = "set interfaces tunnel tun1 mtu '1442'\nset interfaces tunnel tun7 address '172.16.0.26/30'\n"
    after = vs.apply_locally(run, CMDS + ["set interfaces tunnel tun1 address '172.16.0.2/30'"])
    assert after == ["set interfaces tunnel tun1 mtu '1400'", "set interfaces tunnel tun1 address '172.16.0.2/30'"]
    d = vs.diff(run, CMDS)
    assert "-set interfaces tunnel tun7 address '172.16.0.26/30'" in d and "+set interfaces tunnel tun1 mtu '1400'" in d


def test_set_lines_agree_with_hier_config_on_grectls_part():
    """hier_config's VyOS driver diffs flat set lines leaf by leaf: on grectl's part its set lines
    are ours. It has no notion of ownership, object roots or single-valued overrides, so its
    deletes differ (it would delete each leaf, and the overwritten value first)."""
    running = GOLDEN.replace("mtu '1434'", "mtu '1400'") + "set interfaces tunnel tun7 description 'grectl: nagoya'\n"
    ours = platforms.get("vyos").remediation(running, GOLDEN, True)
    rem = WorkflowRemediation(get_hconfig(Platform.VYOS, running), get_hconfig(Platform.VYOS, GOLDEN)).remediation_config
    theirs = [c.cisco_style_text() for c in rem.all_children_sorted()]
    assert [c for c in ours if c.startswith("set ")] == [c for c in theirs if c.startswith("set ")]
    assert ours[0] == "delete interfaces tunnel tun7"
    assert "delete interfaces tunnel tun1 mtu '1400'" in theirs       # redundant before the set
