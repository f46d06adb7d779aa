"""The ``vyos_grectl`` NAPALM driver's session logic, driven through its seam by recorded
transcripts written from VyOS's documented outputs (no device, no network, no netmiko internals):
the exact lines on the wire, across the fresh session of the confirm, the clean-up on every
failure, and no PSK in anything the driver returns."""
from __future__ import annotations

from pathlib import Path

import napalm
import pytest
from napalm.base.exceptions import CommitError, MergeConfigException, ReplaceConfigException

from controller import platforms
from controller.platforms.vyos import session as vs
from controller.secretforms import fingerprint, placeholder

from .transcript import Sessions

KEY = "correct-horse-battery-staple-42"
OTHER_KEYS = ("nagoya-secret-never-printed-1", "their-own-secret-value-9")
GOLDEN = Path(__file__).parents[1] / "platforms" / "vyos" / "golden" / "osaka-1.4.set"
INTENDED = GOLDEN.read_text().replace("%{psk:5b8b02cc086a}", placeholder(KEY))
PLAT = platforms.get("vyos")


def driver(sessions, **opts):
    cls = napalm.get_network_driver(PLAT.caps.napalm_driver)
    d = cls("osaka", "vyos", optional_args={"secrets": {fingerprint(KEY): KEY}, "connect": sessions, **opts})
    d.open()
    return d


def no_secret(*texts):
    for t in texts:
        for k in (KEY, *OTHER_KEYS):
            assert k not in str(t)


def deploy(sessions, revert_in=120):
    """What tasks/deploy.py does, call for call: backup_task's get_config, the platform's plan,
    napalm_configure (load merge, compare, commit with revert_in), a fresh connection, confirm."""
    d = driver(sessions)
    running = d.get_config(retrieve="running")["running"]
    text, replace = PLAT.plan(INTENDED, running, True)
    assert replace is False
    d.load_merge_candidate(config=text)
    diff = d.compare_config()
    d.commit_config(revert_in=revert_in)
    d.close()
    d2 = driver(sessions)
    d2.confirm_commit()
    d2.close()
    return d, running, text, diff


def test_driver_is_found_by_name_and_named_by_the_platform():
    assert PLAT.caps.napalm_driver == "vyos_grectl" and PLAT.caps.netmiko_device_type == "vyos"
    assert napalm.get_network_driver("vyos_grectl").__name__ == "VyosGrectlDriver"


def test_get_config_is_only_grectls_part_masked():
    s = Sessions("vyos", "running")
    d = driver(s)
    running = d.get_config()["running"]
    assert s.wire == ["show configuration commands"]
    assert "host-name" not in running and "eth1" not in running and "tun9" not in running
    assert "customer" not in running and "encrypted-password" not in running
    assert "set vpn ipsec authentication psk grectl-tokyo secret '%s'" % placeholder(KEY) in running
    assert "grectl-nagoya" in running and "interfaces tunnel tun7" in running
    assert "set protocols ospf parameters router-id '10.1.2.1'" in running
    no_secret(running)


def test_deploy_exact_wire_across_two_sessions():
    s = Sessions("vyos", ("running", "commit_ok"), "confirm_ok")
    d, running, text, diff = deploy(s, revert_in=90)
    cmds = text.splitlines()
    assert cmds == ["delete interfaces tunnel tun7", "delete protocols ospf area 0.0.0.0 network 172.16.0.24/30",
                    "delete protocols ospf interface tun7", "delete vpn ipsec authentication psk grectl-nagoya",
                    "delete vpn ipsec site-to-site peer grectl-nagoya",
                    "set interfaces tunnel tun1 mtu '1434'", "set interfaces tunnel tun1 ip adjust-mss '1394'"]
    plan = PLAT.deploy_plan(cmds, 90)
    assert s.wire == ["show configuration commands", *plan["apply"][:-2], "commit-confirm 2", "y", "exit",
                      *plan["confirm"]]
    assert plan["apply"][-2:] == ["commit-confirm 2", "exit"]
    assert len(s.opened) == 2 and all(t.closed for t in s.opened)     # the confirm came on a fresh session
    assert not any(t.unused() for t in s.opened)
    assert d.last_commit == {"revert_in_minutes": 2, "note": "VyOS counts commit-confirm in minutes: 90s rounded up to 2 min",
                             "sa_reset": {"peers": [], "failed": []}}   # MTU and a removed peer: no reset
    assert "-set interfaces tunnel tun1 mtu '1400'" in diff and "+set interfaces tunnel tun1 mtu '1434'" in diff
    assert "-set interfaces tunnel tun7 description 'grectl: nagoya'" in diff
    no_secret(running, text, diff, d.transcript, d.device_diff)


def test_the_psk_reaches_the_device_only_in_the_commit():
    intended = INTENDED.replace(placeholder(KEY), placeholder("a-brand-new-key-for-tokyo-0"))
    s = Sessions("vyos", ("running", "commit_ok"))
    d = napalm.get_network_driver("vyos_grectl")("osaka", "vyos", optional_args={
        "secrets": {fingerprint("a-brand-new-key-for-tokyo-0"): "a-brand-new-key-for-tokyo-0"}, "connect": s})
    d.open()
    text, _ = PLAT.plan(intended, d.get_config()["running"], True)
    d.load_merge_candidate(config=text)
    assert "a-brand-new" not in d.compare_config() and "a-brand-new" not in d.get_config()["candidate"]
    d.commit_config(revert_in=120)
    assert "set vpn ipsec authentication psk grectl-tokyo secret 'a-brand-new-key-for-tokyo-0'" in s.wire
    assert not any("a-brand-new" in t for t in d.transcript)


def test_second_deploy_is_empty_and_sends_nothing():
    s = Sessions("vyos", "running")
    d = driver(s)
    running = d.get_config()["running"]
    converged = "".join(l + "\n" for l in vs.apply_locally(running, PLAT.plan(INTENDED, running, True)[0].splitlines()))
    text, _ = PLAT.plan(INTENDED, converged, True)
    assert text == ""
    d.load_merge_candidate(config=text)
    assert d.compare_config() == ""
    d.discard_config()
    assert s.wire == ["show configuration commands"]


def test_dry_run_opens_no_config_session():
    s = Sessions("vyos", "running")
    d = driver(s)
    d.load_merge_candidate(config=PLAT.plan(INTENDED, d.get_config()["running"], True)[0])
    assert d.compare_config()
    d.discard_config()
    assert s.wire == ["show configuration commands"]


def test_refused_set_discards_and_leaves():
    s = Sessions("vyos", ("running", "set_fails"))
    d = driver(s)
    d.load_merge_candidate(config=PLAT.plan(INTENDED, "", True)[0])
    with pytest.raises(CommitError) as e:
        d.commit_config(revert_in=120)
    bad = "set vpn ipsec ike-group grectl proposal 1 dh-group '14'"
    assert s.wire[-3:] == [bad, "discard", "exit discard"]
    assert "commit-confirm 2" not in s.wire and s.wire[0] == "configure"
    assert "is not valid" in str(e.value)
    no_secret(e.value, d.transcript)


def test_failed_commit_discards_and_says_the_timer_runs():
    s = Sessions("vyos", ("running", "commit_fails"))
    d = driver(s)
    text, _ = PLAT.plan(INTENDED, d.get_config()["running"], True)
    d.load_merge_candidate(config=text)
    with pytest.raises(CommitError) as e:
        d.commit_config(revert_in=120)
    assert s.wire[-5:] == ["compare", "commit-confirm 2", "y", "discard", "exit discard"]
    assert "has no proposals" in str(e.value)
    assert "reboots into its saved configuration" in str(e.value)
    no_secret(e.value, d.transcript)


def test_unsaved_commits_refuse_commit_confirm():
    s = Sessions("vyos", ("running", "unsaved"))
    d = driver(s)
    d.load_merge_candidate(config=PLAT.plan(INTENDED, d.get_config()["running"], True)[0])
    with pytest.raises(CommitError, match="never saved"):
        d.commit_config(revert_in=120)
    assert s.wire[-4:] == ["commit-confirm 2", "n", "discard", "exit discard"]


def test_late_confirm_is_an_error_and_saves_nothing():
    s = Sessions("vyos", "confirm_late")
    d = driver(s)
    with pytest.raises(CommitError, match="no commit-confirm pending"):
        d.confirm_commit()
    assert "save" not in s.wire
    assert s.wire == ["configure", "confirm", "discard", "exit discard"]


def test_unknown_fingerprint_and_non_set_lines_are_refused_before_any_io():
    s = Sessions("vyos", "running")
    d = driver(s)
    with pytest.raises(MergeConfigException, match="fingerprint"):
        d.load_merge_candidate(config=f"set vpn ipsec authentication psk grectl-x secret '{placeholder('unknown-key-000000')}'")
    with pytest.raises(MergeConfigException, match="not a set/delete"):
        d.load_merge_candidate(config="run reboot now")
    with pytest.raises(ReplaceConfigException):
        d.load_replace_candidate(config="set system host-name x")
    assert s.wire == []


def test_connect_arguments_are_netmikos():
    s = Sessions("vyos", "running")
    driver(s, key_file="/k", known_hosts="/kh", port=2222)
    a = s.connect_args[0]
    assert a["device_type"] == "vyos" and a["host"] == "osaka" and a["port"] == 2222
    assert a["key_file"] == "/k" and a["ssh_strict"] is True and a["alt_key_file"] == "/kh"


def test_cli_for_verify_is_scrubbed():
    s = Sessions("vyos", "running")
    out = driver(s).cli(["show configuration commands"])
    assert list(out) == ["show configuration commands"] and "grectl-tokyo" in out["show configuration commands"]
    no_secret(out)
