"""grectl's own Nornir tasks (tasks/deploy.py, tasks/rollback.py, tasks/verify.py), unchanged,
drive the VyOS driver through nornir_napalm: backup, the commit with revert_in (not confirmed), the
confirm on a fresh connection, rollback from the backup, verify's collect; the device is a transcript."""
from __future__ import annotations

import yaml
from nornir import InitNornir
from nornir.core.inventory import ConnectionOptions

from controller import platforms
from controller.secretforms import fingerprint
from tasks.deploy import backup_task
from tasks.rollback import plan_task
from tasks.transaction import commit_task, confirm_task, reopen_task

from .test_vyos_driver import INTENDED, KEY, no_secret
from .transcript import Sessions


class Ov:
    """What the tasks read of the overlay: each device's platform."""
    devices = {"osaka": type("D", (), {"platform": "vyos"})()}


def nornir(tmp_path, sessions):
    (tmp_path / "hosts.yaml").write_text(yaml.safe_dump({"osaka": {"hostname": "osaka", "username": "vyos"}}))
    for f in ("groups.yaml", "defaults.yaml"):
        (tmp_path / f).write_text("{}\n")
    nr = InitNornir(runner={"plugin": "serial"}, logging={"enabled": False},
                    inventory={"plugin": "SimpleInventory", "options": {
                        "host_file": str(tmp_path / "hosts.yaml"), "group_file": str(tmp_path / "groups.yaml"),
                        "defaults_file": str(tmp_path / "defaults.yaml")}})
    nr.inventory.hosts["osaka"].connection_options["napalm"] = ConnectionOptions(
        platform=platforms.get("vyos").caps.napalm_driver,
        extras={"optional_args": {"secrets": {fingerprint(KEY): KEY}, "connect": sessions}, "timeout": 20})
    return nr


def test_deploy_tasks_drive_the_driver_unchanged(tmp_path):
    s = Sessions("vyos", ("running", "commit_ok"), "confirm_ok")
    nr = nornir(tmp_path, s)
    try:
        r = nr.run(task=backup_task, backup_dir=tmp_path / "b", stamp="t1", overlay=Ov())
        assert not r.failed, r["osaka"].exception
        running = r["osaka"][0].result["running"]
        saved = (tmp_path / "b" / "osaka" / "t1.conf").read_text()
        assert saved == running
        candidates = {"osaka": platforms.get("vyos").plan(INTENDED, running, True)}
        timers = {"osaka": platforms.get("vyos").revert_in(120)}
        r = nr.run(task=commit_task, texts=candidates, timers=timers, overlay=Ov(), keys={"osaka": KEY})
        assert not r.failed, r["osaka"].exception
        assert r["osaka"][0].changed and "+set interfaces tunnel tun1 mtu '1434'" in r["osaka"][0].diff
        assert "confirm" not in s.wire    # committed with the timer, not confirmed: the proof comes first
        assert not nr.run(task=reopen_task).failed  # a fresh session, as the confirm phase opens
        c = nr.run(task=confirm_task)
        assert not c.failed, c["osaka"].exception
    finally:
        nr.close_connections()
    assert s.wire[-4:] == ["configure", "confirm", "save", "exit"] and "commit-confirm 2" in s.wire
    assert len(s.opened) == 2
    no_secret(saved, r["osaka"][0].diff)


def test_dry_run_and_rollback_tasks(tmp_path):
    s = Sessions("vyos", "running")
    nr = nornir(tmp_path, s)
    try:
        r = nr.run(task=backup_task, backup_dir=None, stamp="t", overlay=Ov())
        running = r["osaka"][0].result["running"]
        r = nr.run(task=commit_task, texts={"osaka": platforms.get("vyos").plan(INTENDED, running, True)},
                   timers={"osaka": 120}, overlay=Ov(), keys={"osaka": KEY}, dry_run=True)
        assert r["osaka"][0].changed and s.wire == ["show configuration commands"]   # nothing else sent
    finally:
        nr.close_connections()
    # rollback to a backup equal to what runs: nothing to do, nothing sent but the read
    backup = tmp_path / "osaka.conf"
    backup.write_text(running)
    s2 = Sessions("vyos", "running")
    nr = nornir(tmp_path, s2)
    try:
        r = nr.run(task=plan_task, backups={"osaka": backup}, overlay=Ov())
        assert not r.failed, r["osaka"].exception
        r = nr.run(task=commit_task, texts={"osaka": r["osaka"][0].result}, timers={"osaka": 120}, overlay=Ov(),
                   keys={"osaka": KEY})
        assert not r.failed, r["osaka"].exception
        assert r["osaka"][0].changed is False
    finally:
        nr.close_connections()
    assert s2.wire == ["show configuration commands"]
