"""The watch loop without devices: drift/verify/deploy doubles returning real Outcome and Check
objects, a fake clock, real threading.Event for stop."""
import threading

import pytest

from controller import inventory, watch
from controller.verify import Check
from tasks.deploy import Outcome

DIFF = "-gre-tokyo local 198.51.100.6 remote 198.51.100.2 ttl 64 key 0 mtu 1400\n+gre-tokyo ... mtu 1442\n"


class FakeClock:
    def __init__(self, stop=None):
        self.now = 1_700_000_000.0
        self.mono = 0.0
        self.sleeps = []
        self.stop = stop

    def time(self):
        return self.now + self.mono

    def monotonic(self):
        return self.mono

    def advance(self, s):
        self.mono += s

    def sleep(self, s):
        self.sleeps.append(s)
        self.mono += s


def outcome(device, role, status, diff="", error=""):
    return Outcome(device, role, status, diff=diff, error=error)


def in_sync():
    return [outcome("tokyo", "hub", "unchanged"), outcome("osaka", "site", "unchanged"),
            outcome("fukuoka", "site", "unchanged")]


@pytest.fixture
def ov(inv):
    return inventory.load(inv)


class Drift:
    """Returns the given device statuses, then (after a repair) in sync."""
    def __init__(self, *runs, clock=None, seconds=3.0):
        self.runs = list(runs)
        self.calls = []
        self.clock, self.seconds = clock, seconds

    def __call__(self, overlay, site):
        self.calls.append(site)
        if self.clock:
            self.clock.advance(self.seconds)
        return self.runs.pop(0) if self.runs else in_sync()


class Deploy:
    def __init__(self, fail=()):
        self.scopes, self.fail = [], set(fail)

    def __call__(self, overlay, scope):
        self.scopes.append(scope)
        names = [n for n in overlay.devices if scope is None or n == scope or
                 (scope in overlay.intent.sites and n == overlay.intent.sites[scope].hub)]
        return [outcome(n, overlay.devices[n].role, "failed" if n in self.fail else
                        ("ok" if n == scope or scope is None and n in ("tokyo", "osaka") else "unchanged"),
                        diff=DIFF if n == scope else "", error="commit refused" if n in self.fail else "")
                for n in names]


def test_in_sync_run_exits_0_and_takes_time_from_the_clock(ov):
    clock = FakeClock()
    run = watch.run_once(lambda: ov, Drift(clock=clock, seconds=4.5), clock=clock)
    assert [(d.device, d.state) for d in run.devices] == [("tokyo", "in-sync"), ("osaka", "in-sync"),
                                                           ("fukuoka", "in-sync")]
    assert run.exit_code == 0 and run.seconds == 4.5 and run.started == 1_700_000_000.0


def test_drift_is_recorded_with_its_diff_and_exits_2(ov):
    drift = Drift([outcome("tokyo", "hub", "unchanged"), outcome("osaka", "site", "would-change", DIFF),
                   outcome("fukuoka", "site", "unchanged")])
    run = watch.run_once(lambda: ov, drift, clock=FakeClock())
    osaka = {d.device: d for d in run.devices}["osaka"]
    assert (osaka.state, osaka.diff, osaka.changes) == ("drifted", DIFF, 2)
    assert run.drifted == ["osaka"] and run.exit_code == 2


def test_unreachable_device_exits_1_and_is_not_remediated(ov):
    drift = Drift([outcome("tokyo", "hub", "unchanged"), outcome("osaka", "site", "would-change", DIFF),
                   outcome("fukuoka", "site", "failed", error="unreachable: NetmikoTimeoutException")])
    deploy = Deploy()
    run = watch.run_once(lambda: ov, drift, remediate=deploy, clock=FakeClock())
    by = {d.device: d for d in run.devices}
    assert by["fukuoka"].state == "unreachable" and by["fukuoka"].remediation == ""
    assert deploy.scopes == ["osaka"]           # only the drifted, reachable site
    assert by["osaka"].remediation == "ok" and run.drifted == []
    assert run.exit_code == 1 and run.unreachable == ["fukuoka"]


def test_drifted_hub_with_all_reachable_remediates_the_whole_scope(ov):
    drift = Drift([outcome("tokyo", "hub", "would-change", DIFF), outcome("osaka", "site", "unchanged"),
                   outcome("fukuoka", "site", "unchanged")])
    deploy = Deploy()
    run = watch.run_once(lambda: ov, drift, remediate=deploy, clock=FakeClock())
    assert deploy.scopes == [None]
    by = {d.device: d for d in run.devices}
    assert by["tokyo"].remediation == "ok" and run.drifted == [] and run.exit_code == 0
    # osaka was in sync yet changed by the whole-inventory deploy: said so
    assert any("osaka: changed by the remediation" in n for n in run.notes)


def test_drifted_hub_is_refused_when_a_site_was_unreachable(ov):
    drift = Drift([outcome("tokyo", "hub", "would-change", DIFF), outcome("osaka", "site", "unchanged"),
                   outcome("fukuoka", "site", "failed", error="unreachable: timeout")])
    deploy = Deploy()
    run = watch.run_once(lambda: ov, drift, remediate=deploy, clock=FakeClock())
    assert deploy.scopes == []
    assert {d.device: d.remediation for d in run.devices}["tokyo"] == "refused"
    assert any("tokyo: not remediated: fukuoka could not be reached" in n for n in run.notes)
    assert run.exit_code == 1 and "tokyo" in run.drifted


def test_site_whose_hub_was_unreachable_is_not_remediated(ov):
    drift = Drift([outcome("tokyo", "hub", "failed", error="unreachable: timeout"),
                   outcome("osaka", "site", "would-change", DIFF), outcome("fukuoka", "site", "skipped")])
    deploy = Deploy()
    run = watch.run_once(lambda: ov, drift, remediate=deploy, clock=FakeClock())
    assert deploy.scopes == [] and {d.device: d.remediation for d in run.devices}["osaka"] == "refused"


def test_failed_remediation_is_recorded_and_exits_1(ov):
    drift = Drift([outcome("tokyo", "hub", "unchanged"), outcome("osaka", "site", "would-change", DIFF),
                   outcome("fukuoka", "site", "unchanged")])
    run = watch.run_once(lambda: ov, drift, remediate=Deploy(fail={"osaka"}), clock=FakeClock())
    osaka = {d.device: d for d in run.devices}["osaka"]
    assert (osaka.remediation, osaka.remediation_error) == ("failed", "commit refused")
    assert run.exit_code == 1 and run.drifted == ["osaka"]


def test_lock_is_held_around_drift_and_repair_and_released_before_verify(ov):
    events = []

    class Guard:
        def __enter__(self):
            events.append("lock")

        def __exit__(self, *a):
            events.append("unlock")

    def drift(o, s):
        events.append("drift")
        return [outcome("osaka", "site", "would-change", DIFF)]

    def deploy(o, scope):
        events.append("deploy")
        return [outcome("osaka", "site", "ok", DIFF)]

    def verify(o, s, changed):
        events.append(f"verify changed={changed}")
        return [Check("osaka", "tokyo", "gre.link", "pass")], 1.0

    run = watch.run_once(lambda: ov, drift, verify=verify, remediate=deploy, guard=Guard, clock=FakeClock())
    assert events == ["lock", "drift", "deploy", "unlock", "verify changed=True"]
    assert run.exit_code == 0


def test_no_lock_without_remediation(ov):
    def guard():
        raise AssertionError("a read-only watch must not take the change lock")
    run = watch.run_once(lambda: ov, Drift(), guard=guard, clock=FakeClock())
    assert run.exit_code == 0 and not run.error


def test_failing_check_exits_1_and_busy_lock_is_a_recorded_error(ov):
    def verify(o, s, changed):
        return [Check("osaka", "tokyo", "ike.sa", "fail", reason="IKE_PHASE1_KEY_MISMATCH")], 1.0
    run = watch.run_once(lambda: ov, Drift(), verify=verify, clock=FakeClock())
    assert run.exit_code == 1 and run.checks[0].reason == "IKE_PHASE1_KEY_MISMATCH"

    from controller.lock import LockBusy

    def busy():
        raise LockBusy("another change holds the lock x: pid 42 (grectl deploy) since 2024-01-01 00:00:00")
    drift = Drift()
    run = watch.run_once(lambda: ov, drift, remediate=Deploy(), guard=busy, clock=FakeClock())
    assert run.exit_code == 1 and "pid 42 (grectl deploy)" in run.error and drift.calls == []


def test_loop_sleeps_interval_with_jitter_minus_run_time():
    clock = FakeClock()
    stop = threading.Event()
    runs = []

    def one():
        clock.advance(10)
        runs.append(clock.monotonic())
        return watch.Run(started=clock.time(), exit_code=2)

    rands = iter([0.0, 1.0, 0.5])
    code = watch.loop(one, 100, 0.2, stop, clock, rand=lambda: next(rands), max_runs=4)
    assert clock.sleeps == [70.0, 110.0, 90.0]     # 100 * (1 -/+ 0.2) - 10, 100 - 10
    assert code == 2 and len(runs) == 4


def test_stop_during_a_run_finishes_that_run_then_ends():
    clock = FakeClock()
    stop = threading.Event()
    done = []

    def one():
        stop.set()              # SIGTERM arrives mid-run ...
        clock.advance(5)
        done.append("finished")  # ... and the run still completes
        return watch.Run(started=clock.time(), exit_code=0)

    seen = []
    assert watch.loop(one, 60, 0.1, stop, clock, on_run=seen.append) == 0
    assert done == ["finished"] and len(seen) == 1 and clock.sleeps == []


def test_stop_while_sleeping_wakes_the_real_clock_at_once():
    stop = threading.Event()
    clock = watch.SystemClock(stop)
    threading.Timer(0.2, stop.set).start()
    t0 = clock.monotonic()
    n = []
    watch.loop(lambda: n.append(1) or watch.Run(started=0.0), 30, 0.0, stop, clock)
    assert n == [1] and clock.monotonic() - t0 < 5


def test_once_runs_once():
    clock = FakeClock()
    n = []
    code = watch.loop(lambda: n.append(1) or watch.Run(started=0.0, exit_code=1), 60, 0.1,
                      threading.Event(), clock, once=True)
    assert n == [1] and code == 1 and clock.sleeps == []


def test_inventory_that_fails_to_load_is_a_recorded_error():
    from controller.errors import InventoryError

    def load():
        raise InventoryError(["inventory/overlay.yaml: sites.osaka.wan.address: bad"])
    run = watch.run_once(load, Drift(), clock=FakeClock())
    assert run.exit_code == 1 and "sites.osaka.wan.address" in run.error
