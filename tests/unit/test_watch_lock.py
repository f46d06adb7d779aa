"""The change lock, between real processes: wait, give up naming the holder, take over a dead
holder's lock; deploy and rollback refuse with exit 1 while another change holds it."""
import os
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from controller import lock
from tests.conftest import ROOT, edit_yaml

HOLDER = textwrap.dedent("""
    import sys, time
    from controller import lock
    with lock.hold(sys.argv[1], 5, command="grectl deploy --site osaka"):
        print("held", flush=True)
        time.sleep(float(sys.argv[2]))
""")


def hold_in_child(path, seconds):
    p = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), str(seconds)], cwd=ROOT,
                         stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "held"
    return p


def test_second_holder_times_out_naming_pid_command_since(tmp_path):
    path = tmp_path / "x.lock"
    child = hold_in_child(path, 30)
    try:
        t0 = time.monotonic()
        with pytest.raises(lock.LockBusy) as e:
            with lock.hold(path, 0.6):
                raise AssertionError("must not get the lock")
        assert 0.5 <= time.monotonic() - t0 < 5
        msg = str(e.value)
        assert f"pid {child.pid} (grectl deploy --site osaka) since 20" in msg and "--lock-timeout" in msg
    finally:
        child.kill()
        child.wait()


def test_waiter_gets_the_lock_when_the_holder_finishes(tmp_path):
    path = tmp_path / "x.lock"
    child = hold_in_child(path, 1.0)
    waited = []
    t0 = time.monotonic()
    with lock.hold(path, 20, command="grectl rollback", on_wait=waited.append) as me:
        assert 0.7 < time.monotonic() - t0 < 10   # got in once the holder's second was over
        assert lock.read_holder(path).command == "grectl rollback" and me.pid == os.getpid()
    assert waited and waited[0].command == "grectl deploy --site osaka"
    child.wait(timeout=10)
    assert lock.read_holder(path) is None   # released: the file names nobody


def test_killed_holder_leaves_no_lock_and_its_name_is_reported_stale(tmp_path):
    path = tmp_path / "x.lock"
    child = hold_in_child(path, 60)
    child.kill()
    child.wait()
    assert lock.read_holder(path).pid == child.pid   # its name is still in the file ...
    stale = []
    with lock.hold(path, 0, on_stale=stale.append):   # ... but the lock is free at once
        pass
    assert [h.pid for h in stale] == [child.pid]


def test_two_threads_never_hold_it_together(tmp_path):
    path = tmp_path / "x.lock"
    inside, overlap = [], []

    def work():
        with lock.hold(path, 30):
            inside.append(1)
            if len(inside) > 1:
                overlap.append(1)
            time.sleep(0.05)
            inside.pop()

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert overlap == [] and inside == []


def test_lock_is_per_inventory_in_its_state_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("GRECTL_STATE_DIR", raising=False)
    (tmp_path / "inv1").mkdir()
    a = lock.lock_path(tmp_path / "inv1")
    assert a == tmp_path / "inv1" / ".grectl" / "change.lock"
    assert a != lock.lock_path(tmp_path / "inv2")
    assert a == lock.lock_path(tmp_path / "x" / ".." / "inv1")
    monkeypatch.chdir(tmp_path / "inv1")
    assert lock.lock_path(".") == a  # relative to wherever it is run from: the same file
    (tmp_path / "link").symlink_to(tmp_path / "inv1")
    assert lock.lock_path(tmp_path / "link") == a
    monkeypatch.setenv("GRECTL_STATE_DIR", str(tmp_path / "state"))
    b = lock.lock_path(tmp_path / "inv1")
    assert b.parent.parent == tmp_path / "state" and b.parent.name.startswith("inv1-")
    assert b != lock.lock_path(tmp_path / "inv2") and b.parent != lock.lock_path(tmp_path / "inv2").parent


@pytest.mark.parametrize("command", [["deploy"], ["rollback"]])
def test_changing_commands_exit_1_naming_the_holder(inv, tmp_path, command):
    backups = tmp_path / "backups"
    child = hold_in_child(lock.lock_path(inv), 60)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    try:  # run from another directory, with another --backup-dir: the same lock
        r = subprocess.run([sys.executable, "-m", "controller", *command, "-i", str(inv), "--backup-dir",
                            str(backups), "--lock-timeout", "1"], capture_output=True, text=True, cwd=elsewhere,
                           timeout=60, env={"PATH": "/usr/bin:/bin", "GRECTL_LAB_DIR": str(tmp_path / "nolab")})
        assert r.returncode == 1, r.stdout + r.stderr
        assert f"pid {child.pid} (grectl deploy --site osaka)" in r.stderr and "Traceback" not in r.stderr
        assert "waiting up to 1s" in r.stderr
    finally:
        child.kill()
        child.wait()


def test_dry_run_and_drift_never_wait(inv, tmp_path):
    """Read-only commands do not touch the lock: they go straight to the devices (here a closed port on
    loopback: exit 1 for the unreachable devices, at once, without a word about the lock)."""
    edit_yaml(inv / "hosts.yaml", {k: v for n, h in enumerate(("tokyo", "osaka", "fukuoka"), 2)  # own addresses
                                   for k, v in ((f"{h}.hostname", f"127.0.0.{n}"), (f"{h}.port", 1))})
    backups = tmp_path / "backups"
    child = hold_in_child(lock.lock_path(inv), 60)
    try:
        for cmd in (["deploy", "--dry-run"], ["drift"]):
            t0 = time.monotonic()
            r = subprocess.run([sys.executable, "-m", "controller", *cmd, "-i", str(inv), "--workers", "3",
                                *(["--backup-dir", str(backups), "--lock-timeout", "30"] if "deploy" in cmd else [])],
                               capture_output=True, text=True, cwd=ROOT, timeout=120,
                               env={"PATH": "/usr/bin:/bin", "GRECTL_LAB_DIR": str(tmp_path / "nolab")})
            assert r.returncode == 1 and "unreachable" in r.stdout, r.stdout + r.stderr
            assert "lock" not in r.stderr and time.monotonic() - t0 < 30, r.stderr
    finally:
        child.kill()
        child.wait()
