"""A deploy is one network-wide change (tasks/transaction.py), proven on the shared lab: a proof that
fails confirms nothing and the network is the old one when the deploy returns; a timer too short
for commits plus a proof is refused before anything changes; a controller SIGKILLed at each phase
boundary of a PSK rotation and of an ESP proposal change leaves, once the timers ran, the old
network or the new one, never a mix; a site whose management is cut after its commit reverts, its
hub side is put back, and the other site keeps the change."""
import json
import os
import shutil
import subprocess
import sys
import time

import pytest

from controller import inventory, paths
from tasks import transaction as txn
from tests.conftest import ROOT, edit_yaml
from tests.lab.helpers import cli, sh, wait_green, wait_no_pending

pytestmark = pytest.mark.lab

TIMER = 90        # commits + a proof on the shared one-CPU lab (grectl refuses 30 for the example)
FAIL_TIMER = 60   # a proof that must fail: it runs to its deadline, so the whole deploy is this timer
KILL_TIMER = 40   # a killed deploy never confirms: the timer need only pass grectl's own check (38 s)
CONFIRM_TIMER = 60  # a deploy killed after its first confirm was proven first: commits + proof fit in 60 s
ROUTERS = ("tokyo", "osaka", "fukuoka")


def variant(inv, tmp_path, name: str, psk: str | None = None, overlay: dict | None = None):
    """A copy of the deployed inventory with one change in its intent."""
    new = tmp_path / name / "inventory"
    shutil.copytree(inv, new, ignore=shutil.ignore_patterns(".grectl"))
    if psk is not None:
        (new / "secrets" / "psk.txt").write_text(psk + "\n")
        (new / "secrets" / "psk.txt").chmod(0o600)
    if overlay:
        edit_yaml(new / "overlay.yaml", overlay)
    return new


def drift_code(inv, *args) -> int:
    return cli(inv, "drift", *args).returncode


def wait_drift_zero(inv, timeout=60, *args):
    deadline = time.monotonic() + timeout
    while True:
        code = drift_code(inv, *args)
        if code == 0 or time.monotonic() > deadline:
            return code
        time.sleep(3)


def test_failed_proof_confirms_nothing(deployed, tmp_path):
    """An intent claiming a larger underlay MTU than the lab's links carry: committed everywhere, the
    DF check fails during the proof, nothing is confirmed, and the deploy returns after the timers."""
    inv, state, ov, _ = deployed
    new = variant(inv, tmp_path, "mtu", overlay={f"{k}.{n}.wan.mtu": 1600 for k, n in (
        ("hubs", "tokyo"), ("sites", "osaka"), ("sites", "fukuoka"))})
    t0 = time.monotonic()
    r = cli(new, "deploy", "--json", "--confirm-timeout", str(FAIL_TIMER))
    took = time.monotonic() - t0
    assert r.returncode == 1, r.stdout + r.stderr
    devices = {x["device"]: x for x in json.loads(r.stdout)["devices"]}
    assert {x["status"] for x in devices.values()} == {"reverted"}, devices
    notes = " ".join(n for x in devices.values() for n in x["notes"])
    assert "df.max" in notes and ("DF_" in notes), notes
    assert took >= FAIL_TIMER, "the deploy returned before the timers reverted the devices"
    wait_no_pending(state, ROUTERS, 30)   # and they have: nothing is left pending on the routers
    assert wait_drift_zero(inv, 30) == 0
    wait_green(ov)


def test_a_timer_too_short_is_refused_before_anything_changes(deployed):
    inv, state, ov, _ = deployed
    r = cli(inv, "deploy", "--confirm-timeout", "20")
    assert r.returncode == 1 and "cannot cover the commits" in r.stderr and "Traceback" not in r.stderr


# ------------------------------------------------------------------ crash campaign

def deploy_killed(inv, marker: str, timer: int, delay: float = 0.0) -> tuple[str, float]:
    """Start a deploy, SIGKILL it when its progress shows ``marker`` (plus ``delay``); the stderr seen
    and the monotonic time of the kill."""
    p = subprocess.Popen([sys.executable, "-m", "controller", "deploy", "--json", "--confirm-timeout", str(timer),
                          "-i", str(inv)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    seen = []
    try:
        for line in p.stderr:
            seen.append(line)
            if line.startswith(f"- {marker}"):
                time.sleep(delay)
                break
        else:
            pytest.fail(f"the deploy ended (exit {p.wait()}) before {marker!r}:\n{''.join(seen)}")
    finally:
        p.kill()
        p.wait()
    return "".join(seen), time.monotonic()


def old_or_new(old, new, timeout: float = 60) -> str:
    """Which intent the whole network equals (drift 0 against it), polled until one does."""
    deadline = time.monotonic() + timeout
    while True:
        for name, inv in (("old", old), ("new", new)):
            if drift_code(inv) == 0:
                return name
        if time.monotonic() > deadline:
            pytest.fail("after the timers the network equals neither the old intent nor the new one: a mix\n"
                        + cli(old, "drift").stdout + cli(new, "drift").stdout)
        time.sleep(3)


CHANGES = {
    "psk": dict(psk="rotated-" + "k" * 24),
    "esp": dict(overlay={"ipsec.transform": "aes256gcm16"}),
}
BOUNDARIES = [              # (progress line that marks it, seconds after it)
    ("committing sites", 0.0),    # the hub has committed, the sites not yet
    ("proving", 0.0),             # every device has committed
    ("proving", 4.0),             # during the proof
]


@pytest.mark.parametrize("change", sorted(CHANGES))
@pytest.mark.parametrize("marker, delay", BOUNDARIES, ids=["after-hub-commit", "after-site-commits", "during-proof"])
def test_killed_before_the_confirms_leaves_the_old_network(deployed, tmp_path, change, marker, delay):
    inv, state, ov, _ = deployed
    new = variant(inv, tmp_path, change, **CHANGES[change])
    seen, _killed = deploy_killed(new, marker, KILL_TIMER, delay)
    assert "confirmed" not in seen, seen
    waited = wait_no_pending(state, ROUTERS, KILL_TIMER + 30)   # every timer has run out (on the routers)
    print(f"timers ran out {waited:.1f}s after the kill")
    assert old_or_new(inv, new) == "old"
    wait_green(ov)    # and the tunnels are up again on the old parameters
    left = txn.leftover(paths.journal(new))   # what the next change of that inventory says
    assert left and "stopped in phase" in left and "nothing was confirmed" in left, left


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_killed_after_the_first_confirm_leaves_one_network(deployed, tmp_path, change):
    """The confirms leave together, on sessions opened before: a kill after the first is confirmed
    finds the others sent; the network is the new one."""
    inv, state, ov, _ = deployed
    new = variant(inv, tmp_path, change, **CHANGES[change])
    _seen, _killed = deploy_killed(new, "confirmed ", CONFIRM_TIMER)
    try:
        # nothing left pending: each device was confirmed, or its timer ran out (on the routers)
        waited = wait_no_pending(state, ROUTERS, CONFIRM_TIMER + 30)
        print(f"nothing pending {waited:.1f}s after the kill")
        which = old_or_new(inv, new)
        wait_green(inventory.load(new if which == "new" else inv))
        assert which == "new"
    finally:
        r = cli(inv, "deploy", "--json", "--confirm-timeout", str(TIMER))
        assert r.returncode == 0, r.stdout + r.stderr
    wait_green(ov)


def test_lost_management_after_commit(deployed, tmp_path):
    """fukuoka's management link goes down once it has committed: it cannot be confirmed and reverts
    by its timer, tokyo's side of fukuoka is put back, osaka keeps the change; exit 1."""
    inv, state, ov, _ = deployed
    new = variant(inv, tmp_path, "ospf", overlay={"ospf.hello": 3, "ospf.dead": 12})
    env = dict(os.environ, GRECTL_SSH_RETRIES="0", GRECTL_SSH_TIMEOUT="5")
    p = subprocess.Popen([sys.executable, "-m", "controller", "deploy", "--json", "--confirm-timeout", str(TIMER),
                          "-i", str(new)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    try:
        for line in p.stderr:
            if line.startswith("- proving"):
                sh(state, "fukuoka", "ip link set mgmt0 down")
                break
        out, err = p.communicate(timeout=TIMER * 3)
        assert p.returncode == 1, out + err
        devices = {d["device"]: d for d in json.loads(out)["devices"]}
        why = {n: (d["status"], d["error"], d["notes"]) for n, d in devices.items()}
        assert devices["osaka"]["status"] == "ok" and devices["tokyo"]["status"] == "ok", (why, err)
        assert devices["fukuoka"]["status"] == "failed", devices
        assert any("restored hub side of fukuoka" in n for n in devices["tokyo"]["notes"]), devices["tokyo"]
    finally:
        p.kill()
        sh(state, "fukuoka", "ip link set mgmt0 up")
    # fukuoka's timer, and the confirm timer of tokyo's restored side: polled on the routers
    waited = wait_no_pending(state, ROUTERS, TIMER + 30)
    print(f"nothing pending {waited:.1f}s after the deploy returned")
    r = cli(new, "drift", "--json")
    drifted = {d["device"] for d in json.loads(r.stdout)["devices"] if d["status"] != "unchanged"}
    assert drifted == {"tokyo", "fukuoka"}, r.stdout          # osaka runs the new intent ...
    r = cli(inv, "drift", "--json")
    drifted_old = {d["device"] for d in json.loads(r.stdout)["devices"] if d["status"] != "unchanged"}
    assert "fukuoka" not in drifted_old, r.stdout              # ... fukuoka the old one
    r = cli(inv, "deploy", "--json", "--confirm-timeout", str(TIMER))
    assert r.returncode == 0, r.stdout + r.stderr
    wait_green(ov)
