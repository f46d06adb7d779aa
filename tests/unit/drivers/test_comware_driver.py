"""The ``comware_grectl`` NAPALM driver's session logic (Comware 7's native commit delay),
driven through its seam by transcripts written from H3C's documented session (no device, no
network, no netmiko internals): exact lines on the wire, the fresh session of the confirm, the
restore when a line is refused, the device left to roll back when no confirm comes, no PSK in
anything returned."""
from __future__ import annotations

from pathlib import Path

import napalm
import pytest
from napalm.base.exceptions import CommitError, ReplaceConfigException

from controller import platforms
from controller.platforms.h3c_comware import driver as cw_driver
from controller.secretforms import fingerprint, placeholder

from .transcript import Sessions

KEY = "correct-horse-battery-staple-42"
GOLDEN = Path(__file__).parents[1] / "platforms" / "h3c_comware" / "golden" / "fukuoka.cfg"
INTENDED = GOLDEN.read_text().replace("%{psk:5b8b02cc086a}", placeholder(KEY))
PLAT = platforms.get("h3c_comware")
CIPHERS = ("K8mR2Yq0Jwtheir-own-cipher", "nagoya-cipher-text", "never-a-grectl-secret")
EXPECTED = ["undo interface Tunnel7", "undo ipsec policy grectl 7", "undo ikev2 profile grectl-nagoya",
            "undo ikev2 keychain grectl-nagoya", "undo acl advanced name grectl-nagoya",
            "interface Tunnel2 mode gre", " mtu 1434", " tcp mss 1394", "quit",
            "ospf 1 router-id 10.1.3.1", " area 0.0.0.0", "  undo network 172.16.0.24 0.0.0.3", " quit", "quit"]
CHECKPOINT = ["save flash:/grectl-checkpoint.cfg", "y"]


@pytest.fixture(autouse=True)
def _fresh_registry():
    cw_driver.PENDING.clear()
    yield
    cw_driver.PENDING.clear()


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


def test_driver_is_found_by_name_and_named_by_the_platform():
    assert PLAT.caps.napalm_driver == "comware_grectl" and PLAT.caps.netmiko_device_type == "hp_comware"
    assert PLAT.caps.commit_confirm == "native" and PLAT.caps.driver_unmasks
    cls = napalm.get_network_driver("comware_grectl")
    assert cls.__name__ == "ComwareGrectlDriver" and cls.device_type == "hp_comware"


def test_get_config_is_only_grectls_part_masked():
    s = Sessions("comware", "running")
    running = driver(s).get_config()["running"]
    assert s.wire == ["display current-configuration"]
    for other in ("sysname", "local-user", "GigabitEthernet1/0/2", "Tunnel9", "ikev2 keychain customer",
                  "transform-set customer", "silent-interface", "version"):
        assert other not in running
    assert "ikev2 profile grectl-tokyo" in running and "interface Tunnel7 mode gre" in running
    assert "interface Dialer1\n ipsec apply policy grectl\n#" in running
    assert "  pre-shared-key ciphertext %{psk:" in running
    no_secret(running)


def test_clean_commit_then_confirm_on_a_fresh_session_exact_wire():
    s = Sessions("comware", ("running", "commit_ok", "after"), ("after", "confirm_ok"))
    d = driver(s)
    text = changes(d)
    assert text.splitlines() == EXPECTED
    d.load_merge_candidate(config=text)
    diff = d.compare_config()
    d.commit_config(revert_in=120)
    assert "save force" not in s.wire                     # nothing saved before the confirm
    d.close()
    d2 = driver(s)
    d2.confirm_commit()
    plan = PLAT.deploy_plan(EXPECTED, 120)
    assert s.wire == ["display current-configuration", *CHECKPOINT,
                      "system-view", "configuration commit delay 2", *EXPECTED, "return",
                      "display current-configuration",
                      # fresh session
                      "display current-configuration", "system-view", "configuration commit", "return", "save force"]
    assert plan["checkpoint"] == ["save flash:/grectl-checkpoint.cfg"]
    assert plan["apply"] == ["system-view", "configuration commit delay 2", *EXPECTED, "return"]
    assert plan["confirm"] == ["display current-configuration", "system-view", "configuration commit", "return",
                               "save force"]
    assert len(s.opened) == 2 and not any(t.unused() for t in s.opened)
    assert s.connect_args[0]["device_type"] == "hp_comware"
    assert d.last_commit == {"note": "", "sa_reset": {"peers": [], "failed": []}}
    assert "-interface Tunnel7" in diff and "+ mtu 1434" in diff
    no_secret(diff, d.transcript, d2.transcript)


def test_refused_line_aborts_and_restores_the_checkpoint():
    s = Sessions("comware", ("running", "commit_ok", "line_fails"))
    d = driver(s)
    d.load_merge_candidate(config=changes(d))
    with pytest.raises(CommitError, match="restored from grectl's checkpoint") as e:
        d.commit_config(revert_in=120)
    assert "% Unrecognized command found at '^' position." in str(e.value)
    # netmiko sent nothing after the refused line; grectl restores from user view
    tail = s.wire[s.wire.index(" tcp mss 1394"):]
    assert tail == [" tcp mss 1394", "return", "system-view", "configuration replace file flash:/grectl-checkpoint.cfg",
                    "n", "configuration commit", "return"]
    assert "save force" not in s.wire and not cw_driver.PENDING
    assert not any(t.unused() for t in s.opened)


def test_refused_timer_changes_nothing():
    s = Sessions("comware", ("running", "commit_ok", "delay_refused"))
    d = driver(s)
    d.load_merge_candidate(config=changes(d))
    with pytest.raises(CommitError, match="nothing was changed"):
        d.commit_config(revert_in=120)
    assert s.wire[1:] == [*CHECKPOINT, "system-view", "configuration commit delay 2", "return"]
    assert not any(w in s.wire for w in EXPECTED)


def test_confirm_that_never_arrives_leaves_the_device_to_roll_back():
    """The commit arms the device's own timer before the first line and saves nothing; no confirm
    comes. A confirm that comes after the timer fired finds the configuration from before the
    change: it is an error, and nothing is committed or saved."""
    s = Sessions("comware", ("running", "commit_ok", "after"), "running")
    d = driver(s)
    d.load_merge_candidate(config=changes(d))
    d.commit_config(revert_in=300)
    arm = s.wire.index("configuration commit delay 5")
    assert arm < s.wire.index(EXPECTED[0]) and s.wire[arm - 1] == "system-view"
    assert not any(w in ("configuration commit", "save force") for w in s.wire)
    assert "fukuoka" in cw_driver.PENDING
    d.close()
    before = len(s.wire)
    with pytest.raises(CommitError, match="confirm came too late"):
        driver(s).confirm_commit()
    assert s.wire[before:] == ["display current-configuration"]


def test_timer_is_in_minutes_and_the_note_says_so():
    s = Sessions("comware", ("running", "commit_ok", "after"))
    d = driver(s)
    d.load_merge_candidate(config=changes(d))
    d.commit_config(revert_in=90)
    assert "configuration commit delay 2" in s.wire
    assert d.last_commit["note"] == "Comware's commit delay is in minutes: 90s became 2 min"
    assert PLAT.revert_in(90) == 120


def test_psk_reaches_the_device_only_in_the_commit_and_replace_is_refused():
    s = Sessions("comware", ("commit_ok", "after"))
    d = driver(s)
    text, _ = PLAT.plan(INTENDED, "", True)
    d.load_merge_candidate(config=text)
    shown = (d.compare_config(), d.get_config(retrieve="candidate")["candidate"])
    d.commit_config(revert_in=120)
    assert f"  pre-shared-key plaintext {KEY}" in s.wire
    no_secret(*shown, d.transcript)
    with pytest.raises(ReplaceConfigException):
        d.load_replace_candidate(config=INTENDED)
