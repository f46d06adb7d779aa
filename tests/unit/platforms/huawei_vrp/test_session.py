"""Huawei VRP deploy sessions as pure step lists: wire equals deploy_plan, [Y/N] answers, errors,
``display startup`` / ``display version`` reading, grectl's part of a running config."""
from pathlib import Path

from controller.platforms.huawei_vrp import session as hs
from controller.platforms.huawei_vrp.remediation import blocks, remediation
from napalm_grectl_cli import Step

GOLDEN = (Path(__file__).parent / "golden" / "fukuoka.cfg").read_text()


def test_answers():
    assert hs.respond(Step("save x"), "Are you sure to save the configuration to x?[Y/N]:").send == "y"
    saveq = ("Warning: The configuration has been modified, and it will be saved to the next startup "
             "saved-configuration file flash:/grectl-checkpoint.cfg. Continue? [Y/N]:")
    assert hs.respond(Step("reboot"), saveq).send == "n"
    assert hs.respond(Step("reboot"), "System will reboot! Continue?[Y/N]:").send == "y"
    assert hs.respond(Step("save"), "  Save the configuration successfully.") is None
    assert hs.error(Step(("x",)), "x\n   ^\nError: Unrecognized command found at '^' position.").endswith("position.")
    assert hs.error(Step("commit trial 120 persist grectl"), "Committing..done.\nInfo: The system enters the trial") is None


def test_reading_startup_and_version():
    files = hs.startup_files("  Startup saved-configuration file:          flash:/vrpcfg.zip\n"
                             "  Next startup saved-configuration file:     flash:/grectl-checkpoint.cfg\n")
    assert files == {"startup": "flash:/vrpcfg.zip", "next": "flash:/grectl-checkpoint.cfg"}
    assert hs.pending_problem(files) is None
    assert "too late" in hs.pending_problem({"startup": hs.CHECKPOINT, "next": hs.CHECKPOINT})
    assert "no grectl commit" in hs.pending_problem({"startup": "a", "next": "a"})
    assert hs.is_vrp8("VRP (R) software, Version 5.160 (AR2200 V200R010C00SPC600)") is False
    assert hs.is_vrp8("VRP (R) software, Version 8.180 (CE6850 V200R005C10SPC800)") is True
    assert hs.is_vrp8("something else") is None


def test_owned_is_the_golden_part_and_nothing_else():
    running = ("sysname fukuoka\n#\ninterface Tunnel0/0/9\n description customer\n#\n" + GOLDEN.replace(
        "ospf 1 router-id 10.1.3.1\n", "ospf 1 router-id 10.1.3.1\n import-route static\n"))
    assert blocks(hs.owned(running)) == blocks(GOLDEN)
    assert remediation(hs.owned(running), GOLDEN) == []


def test_undo_checkpoint_only_what_was_set():
    assert hs.undo_checkpoint_steps(2, "flash:/vrpcfg.zip") == []
    assert hs.wire(hs.undo_checkpoint_steps(4, "flash:/vrpcfg.zip")) == [
        "undo schedule reboot", "startup saved-configuration flash:/vrpcfg.zip"]
    assert hs.trial_seconds(30) == 60 and hs.trial_seconds(10**6) == 65535 and hs.reboot_minutes(61) == 2
