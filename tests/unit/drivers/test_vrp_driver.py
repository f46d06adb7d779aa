"""The ``vrp_grectl`` NAPALM driver's session logic on VRP5 (emulated commit-confirm) and VRPv8
(commit trial), driven through its seam by recorded transcripts written from Huawei's documented
outputs (no device, no network, no netmiko internals): exact lines on the wire, the fresh
session of the confirm, the clean-up or reboot on failure, no PSK in anything returned."""
from __future__ import annotations

from pathlib import Path

import napalm
import pytest
from napalm.base.exceptions import CommitError

from controller import platforms
from controller.platforms.huawei_vrp import driver as vrp_driver
from controller.secretforms import fingerprint, placeholder

from .transcript import Sessions

KEY = "correct-horse-battery-staple-42"
GOLDEN = Path(__file__).parents[1] / "platforms" / "huawei_vrp" / "golden" / "fukuoka.cfg"
INTENDED = GOLDEN.read_text().replace("%{psk:5b8b02cc086a}", placeholder(KEY))
PLAT = platforms.get("huawei_vrp")
CIPHERS = ("K8m:R2]Yq0Jw", "their-own-cipher-text", "nagoya-cipher-text", "never-a-grectl-secret")


@pytest.fixture(autouse=True)
def _fresh_registry():
    vrp_driver.NEXT_STARTUP.clear()
    yield
    vrp_driver.NEXT_STARTUP.clear()


def driver(sessions, **opts):
    d = napalm.get_network_driver(PLAT.caps.napalm_driver)(
        "fukuoka", "admin", optional_args={"secrets": {fingerprint(KEY): KEY}, "connect": sessions, **opts})
    d.open()
    return d


def no_secret(*texts):
    for t in texts:
        assert KEY not in str(t)
        for c in CIPHERS:
            assert c not in str(t)


def changes(d):
    text, replace = PLAT.plan(INTENDED, d.get_config(retrieve="running")["running"], True)
    assert replace is False
    return text


EXPECTED = ["undo interface Tunnel0/0/7", "undo ipsec profile grectl-nagoya", "undo ike peer grectl-nagoya",
            "ospf 1", " area 0.0.0.0", "  undo network 172.16.0.24 0.0.0.3", " quit", "quit",
            "interface Tunnel0/0/2", " mtu 1434", " tcp adjust-mss 1394", "quit"]


def test_driver_is_found_by_name_and_named_by_the_platform():
    assert PLAT.caps.napalm_driver == "vrp_grectl" and PLAT.caps.netmiko_device_type == "huawei"
    assert napalm.get_network_driver("vrp_grectl").__name__ == "VrpGrectlDriver"


def test_get_config_is_only_grectls_part_masked():
    s = Sessions("vrp", "running")
    running = driver(s).get_config()["running"]
    assert s.wire == ["display current-configuration"]
    for other in ("sysname", "aaa", "GigabitEthernet0/0/1 ", "Tunnel0/0/9", "ike peer customer", "silent-interface"):
        assert other not in running
    assert "ike peer grectl-tokyo" in running and "interface Tunnel0/0/7" in running
    assert "ospf 1 router-id 10.1.3.1\n area 0.0.0.0\n  network 172.16.0.24 0.0.0.3\n" in running
    assert " pre-shared-key cipher %{psk:" in running
    no_secret(running)


def test_vrp5_deploy_exact_wire_checkpoint_then_fresh_confirm():
    s = Sessions("vrp", ("running", "vrp5_version", "vrp5_commit_ok"), ("vrp5_version", "vrp5_confirm_ok"))
    d = driver(s)
    text = changes(d)
    assert text.splitlines() == EXPECTED
    d.load_merge_candidate(config=text)
    diff = d.compare_config()
    d.commit_config(revert_in=90)
    d.close()
    d2 = driver(s)
    d2.confirm_commit()
    plan = PLAT.deploy_plan(EXPECTED, 90)
    assert s.wire == ["display current-configuration", "display version",
                      "display startup", "save flash:/grectl-checkpoint.cfg", "y",
                      "startup saved-configuration flash:/grectl-checkpoint.cfg", "schedule reboot delay 2", "y",
                      *plan["apply"],
                      # fresh session
                      "display version", "display startup", "undo schedule reboot",
                      "startup saved-configuration flash:/vrpcfg.zip", "save", "y"]
    assert plan["checkpoint"] == ["display startup", "save flash:/grectl-checkpoint.cfg",
                                  "startup saved-configuration flash:/grectl-checkpoint.cfg", "schedule reboot delay 2"]
    assert len(s.opened) == 2 and not any(t.unused() for t in s.opened)
    assert d.last_commit["note"] == "VRP5 schedules the revert reboot in minutes: 90s rounded up to 2 min"
    assert "-interface Tunnel0/0/7" in diff and "+ mtu 1434" in diff
    no_secret(diff, d.transcript, d2.transcript)


def test_vrp5_refused_line_reboots_into_the_checkpoint_without_saving():
    s = Sessions("vrp", ("running", "vrp5_version", "vrp5_commit_ok", "vrp5_line_fails"))
    d = driver(s)
    d.load_merge_candidate(config=changes(d))
    with pytest.raises(CommitError, match="rebooting into grectl's checkpoint"):
        d.commit_config(revert_in=120)
    assert s.wire[-6:] == [" mtu 1434", " tcp adjust-mss 1394", "return", "reboot", "n", "y"]
    assert "quit" not in s.wire[s.wire.index(" tcp adjust-mss 1394"):]    # netmiko sent nothing after the error


def test_vrp5_failed_checkpoint_changes_nothing():
    s = Sessions("vrp", ("running", "vrp5_version", "vrp5_save_fails"))
    d = driver(s)
    d.load_merge_candidate(config=changes(d))
    with pytest.raises(CommitError, match="nothing was changed"):
        d.commit_config(revert_in=120)
    assert s.wire[-3:] == ["display startup", "save flash:/grectl-checkpoint.cfg", "y"]
    assert "system-view" not in s.wire and "schedule reboot delay 2" not in s.wire


def test_vrp5_late_confirm_is_an_error_and_saves_nothing():
    s = Sessions("vrp", ("vrp5_version", "vrp5_confirm_late"))
    with pytest.raises(CommitError, match="confirm came too late"):
        driver(s).confirm_commit()
    assert s.wire == ["display version", "display startup"]


def test_vrp8_trial_commit_and_persist_confirm():
    s = Sessions("vrp", ("running", "vrp8_version", "vrp8_commit_ok"), ("vrp8_version", "vrp8_confirm_ok"))
    d = driver(s)
    text = changes(d)
    d.load_merge_candidate(config=text)
    d.commit_config(revert_in=120)
    d.close()
    driver(s).confirm_commit()
    plan = PLAT.deploy_plan(EXPECTED, 120, vrp8=True)
    assert s.wire == ["display current-configuration", "display version", *plan["apply"],
                      "display version", *plan["confirm"], "y"]
    assert not any(t.unused() for t in s.opened)


def test_vrp8_version_from_options_and_refused_line_clears_the_candidate():
    s = Sessions("vrp", ("running", "vrp8_line_fails"))
    d = driver(s, vrp_version="8")
    assert s.connect_args[0]["device_type"] == "huawei_vrpv8"
    d.load_merge_candidate(config=changes(d))
    with pytest.raises(CommitError, match="uncommitted lines cleared"):
        d.commit_config(revert_in=120)
    assert s.wire[-3:] == [" tcp adjust-mss 1394", "clear configuration candidate", "return"]
    assert not any(w.startswith("commit") for w in s.wire)


def test_psk_reaches_the_device_only_in_the_commit():
    s = Sessions("vrp", ("vrp8_version", "vrp8_commit_ok"))
    d = driver(s)
    text, _ = PLAT.plan(INTENDED, "", True)
    d.load_merge_candidate(config=text)
    shown = (d.compare_config(), d.get_config(retrieve="candidate")["candidate"])
    d.commit_config(revert_in=120)
    assert f" pre-shared-key cipher {KEY}" in s.wire
    no_secret(*shown, d.transcript)
