"""A deploy is one network-wide change (tasks/transaction.py), proven on the shared lab: the
controller killed at each phase boundary, a proof that fails, management lost after a commit.
After the timers the network equals one intent or the other, never a mix."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from controller import inventory
from tests.conftest import ROOT, edit_yaml
from tests.lab.helpers import cli, sh, wait_green

pytestmark = pytest.mark.lab

TIMER = 90        # commits + a proof on the shared one-CPU lab (grectl refuses 30 for the example)
KILL_TIMER = 60   # the shortest the example takes: a killed change need not fit a proof


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


class Deploy:
    """``grectl deploy`` in the background, its progress lines read as they come."""

    def __init__(self, inv, *args, env=None):
        self.p = subprocess.Popen([sys.executable, "-m", "controller", "deploy", "-i", str(inv), *args],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                                  env={**os.environ, **(env or {})})
        self.lines: list[str] = []

    def until(self, pattern: str, timeout: float = 240) -> str:
        deadline = time.monotonic() + timeout
        for line in self.p.stderr:
            self.lines.append(line)
            if pattern in line:
                return line
            assert time.monotonic() < deadline, f"no {pattern!r} in time: {''.join(self.lines)}"
        raise AssertionError(f"deploy ended before {pattern!r}: {''.join(self.lines)}")

    def kill(self):
        self.p.send_signal(signal.SIGKILL)
        self.p.wait()

    def finish(self, timeout=400) -> tuple[int, str, str]:
        out, err = self.p.communicate(timeout=timeout)
        return self.p.returncode, out, "".join(self.lines) + err


CHANGES = {
    "psk": dict(psk="rotated-psk-0123456789abcdef"),
    "proposal": dict(overlay={"ike.proposal": "aes128-sha256-x25519"}),
}
BOUNDARIES = {
    "after the hub's commit": "committing sites",
    "after the sites' commits": "proving:",
    "during the proof": "proof:",
}


@pytest.mark.parametrize("change", list(CHANGES))
@pytest.mark.parametrize("boundary", list(BOUNDARIES))
def test_controller_killed_before_the_confirms_leaves_the_old_network(deployed, tmp_path, change, boundary):
    inv, state, ov, _ = deployed
    new = variant(inv, tmp_path, change, **CHANGES[change])
    d = Deploy(new, "--confirm-timeout", str(KILL_TIMER))
    try:
        d.until(BOUNDARIES[boundary])
    finally:
        d.kill()
    t_kill = time.monotonic()
    assert "confirming" not in "".join(d.lines)
    # every device reverts by its own timer: the network is the old intent again, and green
    time.sleep(max(0.0, KILL_TIMER + 5 - (time.monotonic() - t_kill)))
    assert wait_drift_zero(inv) == 0, f"not back on the old intent after a kill {boundary}"
    wait_green(ov)
    assert drift_code(new) == 2


def test_controller_killed_while_confirming_next_deploy_completes(deployed, tmp_path):
    """Killed as the confirms go out: each device is on one intent or the other; the journal tells the
    next deploy, which brings every device to the intent."""
    inv, state, ov, _ = deployed
    new = variant(inv, tmp_path, "confirming", overlay={"ospf.hello": 3, "ospf.dead": 12})
    d = Deploy(new, "--confirm-timeout", str(TIMER))
    try:
        d.until("confirming ")
    finally:
        d.kill()
    time.sleep(TIMER + 5)
    again = Deploy(new, "--confirm-timeout", "120")
    code, out, err = again.finish()
    assert code == 0, err
    assert "stopped while confirming" in err or "stopped in phase" in err, err
    assert drift_code(new) == 0
    wait_green(inventory.load(new))
    # and back to the shared lab's intent
    code, out, err = Deploy(inv, "--confirm-timeout", "120").finish()
    assert code == 0, err
    wait_green(ov)


def test_failed_proof_confirms_nothing(deployed, tmp_path):
    """An intent claiming a larger underlay MTU than the lab's links carry: committed everywhere, the
    DF check fails during the proof, nothing is confirmed, and the deploy returns after the timers."""
    inv, state, ov, _ = deployed
    new = variant(inv, tmp_path, "mtu", overlay={f"{k}.{n}.wan.mtu": 1600 for k, n in (
        ("hubs", "tokyo"), ("sites", "osaka"), ("sites", "fukuoka"))})
    t0 = time.monotonic()
    r = cli(new, "deploy", "--json", "--confirm-timeout", str(TIMER))
    took = time.monotonic() - t0
    assert r.returncode == 1, r.stdout + r.stderr
    devices = {x["device"]: x for x in json.loads(r.stdout)["devices"]}
    assert {x["status"] for x in devices.values()} == {"reverted"}, devices
    notes = " ".join(n for x in devices.values() for n in x["notes"])
    assert "df.max" in notes and ("DF_" in notes), notes
    assert took >= TIMER, "the deploy returned before the timers reverted the devices"
    assert wait_drift_zero(inv, 30) == 0
    wait_green(ov)


def mgmt_interface(state, router, address) -> str:
    return sh(state, router, f"ip -o -4 addr show | awk '$4 ~ /^{address}\\// {{print $2}}'").strip()


def test_lost_management_after_the_commit(deployed, tmp_path):
    """fukuoka's management link is cut after it committed: it cannot be confirmed and reverts by its
    timer; its hub side is restored; osaka keeps the new config and is green; exit 1."""
    inv, state, ov, _ = deployed
    new = variant(inv, tmp_path, "mgmt", overlay={"ospf.hello": 3, "ospf.dead": 12})
    ifname = mgmt_interface(state, "fukuoka", ov.devices["fukuoka"].hostname)
    assert ifname
    d = Deploy(new, "--json", "--confirm-timeout", str(TIMER),
               env={"GRECTL_SSH_TIMEOUT": "5", "GRECTL_SSH_RETRIES": "0"})
    try:
        d.until("proving:")
        sh(state, "fukuoka", f"ip link set {ifname} down")
        code, out, err = d.finish()
    finally:
        if d.p.poll() is None:
            d.kill()
        time.sleep(1)
        sh(state, "fukuoka", f"ip link set {ifname} up")
    assert code == 1, err
    by = {x["device"]: x for x in json.loads(out)["devices"]}
    assert by["osaka"]["status"] == "ok" and by["fukuoka"]["status"] == "failed", err[-3000:]
    assert "confirm failed" in by["fukuoka"]["error"]
    assert any("restored hub side of fukuoka" in n for n in by["tokyo"]["notes"]), by["tokyo"]
    time.sleep(TIMER + 5)       # fukuoka's own timer
    assert wait_drift_zero(new, 30, "--site", "osaka") == 0      # osaka and its hub side: the new intent
    assert wait_drift_zero(inv, 30, "--site", "fukuoka") == 0    # fukuoka and its hub side: the old one
    wait_green(inventory.load(new), site="osaka")
    wait_green(ov, site="fukuoka")
    code, out, err = Deploy(inv, "--confirm-timeout", "120").finish()   # the shared lab's intent again
    assert code == 0, err
    wait_green(ov)


def test_a_timer_too_short_is_refused_before_anything_changes(deployed):
    inv, state, ov, _ = deployed
    r = cli(inv, "deploy", "--confirm-timeout", "20")
    assert r.returncode == 1 and "cannot cover the commits" in r.stderr and "Traceback" not in r.stderr
