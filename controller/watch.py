"""The watch loop, without I/O of its own: drift, verify and remediation come in as functions,
time as a clock, so tests drive it with plain doubles and a fake clock.

One run: (take the lock if remediating) -> drift -> remediate what drifted -> (release) -> verify.
Between runs it sleeps ``interval`` +/- ``jitter``; a stop request (SIGTERM) is honoured only
between runs, never in the middle of one, so no change is ever left half-done by the watch.
"""
from __future__ import annotations

import random
import threading
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Callable, ContextManager, Iterable

from .errors import GrectlError

# drift state of a device, from the dry-run deploy status
STATE = {"unchanged": "in-sync", "would-change": "drifted", "ok": "in-sync", "skipped": "skipped"}


@dataclass
class DeviceState:
    device: str
    role: str
    state: str                  # in-sync | drifted | unreachable | failed | skipped
    changes: int = 0
    diff: str = ""
    error: str = ""
    remediation: str = ""       # "" | ok | unchanged | failed | skipped | reverted | refused
    remediation_error: str = ""
    remediation_diff: str = ""


@dataclass
class Run:
    started: float
    site: str | None = None
    remediate: bool = False
    seconds: float = 0.0
    devices: list[DeviceState] = field(default_factory=list)
    checks: list = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str = ""
    exit_code: int = 0

    @property
    def drifted(self) -> list[str]:
        return [d.device for d in self.devices if d.state == "drifted" and d.remediation not in ("ok", "unchanged")]

    @property
    def unreachable(self) -> list[str]:
        return [d.device for d in self.devices if d.state in ("unreachable", "failed", "skipped")]


def device_state(o) -> DeviceState:
    """A dry-run deploy Outcome -> its drift state."""
    if o.status == "failed":
        state = "unreachable" if o.error.startswith("unreachable") else "failed"
    else:
        state = STATE.get(o.status, o.status)
    return DeviceState(o.device, o.role, state, o.changes, o.diff if state == "drifted" else "", o.error)


def plan_remediation(overlay, site: str | None, states: list[DeviceState]) -> tuple[list[str | None], list[str]]:
    """Which deploy scopes repair the drift without touching a device we could not reach.

    A drifted hub needs the whole scope (its shared config), allowed only when every device in the
    scope was reached; a drifted site needs only ``--site`` (the site and its side of the hub).
    Returns (scopes, notes); a scope of None means the whole inventory.
    """
    by = {d.device: d for d in states}
    drifted = [d for d in states if d.state == "drifted"]
    unreached = sorted(d.device for d in states if d.state != "in-sync" and d.state != "drifted")
    notes: list[str] = []
    hubs = [d.device for d in drifted if d.role == "hub"]
    if hubs and not unreached:
        return [site], notes
    for h in hubs:
        notes.append(f"{h}: not remediated: {', '.join(unreached)} could not be reached")
        by[h].remediation = "refused"
    scopes: list[str | None] = []
    for d in drifted:
        if d.role != "site":
            continue
        hub = overlay.intent.sites[d.device].hub
        if hub in by and by[hub].state not in ("in-sync", "drifted"):
            notes.append(f"{d.device}: not remediated: its hub {hub} could not be reached")
            d.remediation = "refused"
            continue
        scopes.append(d.device)
    return scopes, notes


def run_once(load: Callable[[], object], drift: Callable, site: str | None = None,
             verify: Callable | None = None, remediate: Callable | None = None,
             guard: Callable[[], ContextManager] = nullcontext, clock=None) -> Run:
    """drift(overlay, site) -> [Outcome]; verify(overlay, site, changed) -> (checks, seconds);
    remediate(overlay, scope) -> [Outcome] (a real deploy); guard() is held around drift+repair."""
    clock = clock or SystemClock()
    run = Run(clock.time(), site, remediate is not None)
    t0 = clock.monotonic()
    try:
        overlay = load()
        changed = False
        with (guard() if remediate else nullcontext()):
            run.devices = [device_state(o) for o in drift(overlay, site)]
            if remediate:
                changed = _remediate(overlay, site, run, remediate)
        if verify:
            run.checks = list(verify(overlay, site, changed)[0])
    except Exception as e:  # a run that cannot finish is recorded, and the loop goes on
        run.error = str(e) if isinstance(e, GrectlError) else f"{e.__class__.__name__}: {e}"
    run.seconds = clock.monotonic() - t0
    run.exit_code = exit_code(run)
    return run


def _remediate(overlay, site, run: Run, remediate) -> bool:
    scopes, notes = plan_remediation(overlay, site, run.devices)
    run.notes += notes
    by = {d.device: d for d in run.devices}
    changed = False
    for scope in scopes:
        for o in remediate(overlay, scope):
            d = by.get(o.device)
            if d is None or (d.state != "drifted" and o.status in ("unchanged", "skipped")):
                continue  # an in-sync device the scope included and left alone
            if d.state != "drifted" and o.status == "ok":
                run.notes.append(f"{o.device}: changed by the remediation of {scope or 'the inventory'}")
            if d.remediation in ("", "unchanged") or o.status in ("failed", "reverted"):
                d.remediation, d.remediation_error, d.remediation_diff = o.status, o.error, o.diff
            changed = changed or o.status == "ok"
        run.notes.append(f"remediated {scope or 'the whole inventory'}")
    return changed


def exit_code(run: Run) -> int:
    """1 a failure (run error, unreachable device, failed check or repair), 2 drift left, 0 ok."""
    if run.error or run.unreachable or any(c.status == "fail" for c in run.checks) \
            or any(d.remediation in ("failed", "skipped", "reverted") for d in run.devices):
        return 1
    return 2 if run.drifted else 0


# ------------------------------------------------------------------ the loop

class SystemClock:
    def __init__(self, stop: threading.Event | None = None):
        self.stop = stop or threading.Event()

    def time(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        self.stop.wait(max(0.0, seconds))


def next_delay(interval: float, jitter: float, elapsed: float, rand: Callable[[], float] = random.random) -> float:
    """Seconds to sleep so runs start every ``interval`` +/- ``jitter`` (a fraction) seconds.

    >>> next_delay(60, 0.1, 5, rand=lambda: 1.0)
    61.0
    >>> next_delay(60, 0.1, 100, rand=lambda: 0.5)
    0.0
    """
    return max(0.0, interval * (1 + jitter * (2 * rand() - 1)) - elapsed)


def loop(run: Callable[[], Run], interval: float, jitter: float, stop: threading.Event, clock,
         once: bool = False, on_run: Callable[[Run], None] = lambda r: None,
         rand: Callable[[], float] = random.random, max_runs: int | None = None) -> int:
    """Run until ``stop`` is set (checked only between runs). Returns the last run's exit code."""
    code = 0
    count = 0
    while not stop.is_set():
        t0 = clock.monotonic()
        r = run()
        on_run(r)
        code = r.exit_code
        count += 1
        if once or (max_runs is not None and count >= max_runs) or stop.is_set():
            break
        clock.sleep(next_delay(interval, jitter, clock.monotonic() - t0, rand))
    return code


def summary(run: Run) -> Iterable[str]:
    yield (f"run at {time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(run.started))}: "
           f"{len(run.devices)} devices, {len(run.drifted)} drifted, {len(run.unreachable)} unreachable, "
           f"{sum(1 for c in run.checks if c.status == 'fail')} of {len(run.checks)} checks failing, "
           f"{run.seconds:.1f}s, exit {run.exit_code}")
    for d in run.devices:
        if d.state != "in-sync" or d.remediation:
            extra = f" remediation {d.remediation}" if d.remediation else ""
            why = d.remediation_error or d.error
            why = why[len(d.state) + 1:].strip() if why.startswith(d.state + ":") else why
            yield f"  {d.device}: {d.state}{extra}{': ' + why if why else ''}"
    for n in run.notes:
        yield f"  {n}"
    if run.error:
        yield f"  error: {run.error}"
