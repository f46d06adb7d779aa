"""One network-wide change: commit everywhere with a confirm timer, prove, then confirm.

Phases (``deploy``, ``rollback`` and ``watch --remediate`` all run them):

1. **commit**: every device that differs commits with its own confirm timer (hubs before sites);
   nothing is confirmed yet. A failed commit ends the change here.
2. **prove**: the verify checks of the scope, polled until green, at the latest until the first
   timer's deadline less a margin for the confirms.
3. **confirm**: every committed device is confirmed on a fresh session, all at once.

Until phase 3 nothing is confirmed: a failed commit, a proof that does not turn green, or a
controller that stops (however it stops) leaves every device to revert by its own timer, so the
network is exactly as it was. A device that cannot be reached at confirm time reverts by itself;
the other ends of its tunnels are put back to their backups (``restore``) and the change exits 1.

The journal (``controller.paths.journal``) records each phase, so the next change can say what an
interrupted one left.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Callable

from nornir.core.task import Result, Task

from controller import platforms
from controller import verify as checks_mod
from controller.errors import GrectlError
from controller.models import Overlay

from .common import commit_with_timer, error_text, reopen, run_on

PROOF_MIN = 20.0      # seconds of proof window a confirm timer must leave at the least
COMMIT_EST = 4.0      # seconds one wave of commits takes (measured: ~1.4 s commit + read + compare)
POLL = 2.0            # seconds between proof rounds, once the first ones are past
FIRST_POLLS = (0.5, 0.5, 1.0)   # the first pauses: a change converges within seconds of its last commit


def poll_interval(rounds: int) -> float:
    """Seconds before proof round ``rounds + 1``: short at first, then ``POLL``.

    >>> [poll_interval(n) for n in (1, 2, 3, 4, 9)]
    [0.5, 0.5, 1.0, 2.0, 2.0]
    """
    return FIRST_POLLS[rounds - 1] if 0 < rounds <= len(FIRST_POLLS) else POLL


def pause(rounds: int, round_s: float) -> float:
    """Seconds before the next round after one that took ``round_s``: ``poll_interval``, but at
    least half the round. A round's reads are CPU on the routers (0.75 s per router; at hub + 50
    a round takes ~40 s): polled back to back they took the routers' whole CPU from OSPF.

    >>> pause(1, 2.0), pause(5, 1.0), pause(2, 40.0)
    (1.0, 2.0, 20.0)
    """
    return max(poll_interval(rounds), round_s * 0.5)
MIN_ROUND = 10.0      # seconds a proof round needs at the least (a verify of the example takes ~7 s)


class TimerTooShort(GrectlError):
    """The confirm timer cannot cover the commits, a proof and the confirms."""


def margin(timeout: int) -> float:
    """Seconds kept free before the first deadline for the confirms (fresh sessions, all at once).

    >>> margin(60), margin(300)
    (10.0, 30.0)
    """
    return max(10.0, timeout * 0.1)


def needed(devices: int, workers: int, timeout: int) -> float:
    """The shortest confirm timer that leaves a proof window: two waves of commits (hubs, then
    sites), ``PROOF_MIN`` of proof and the confirm margin.

    >>> needed(3, 20, 60)
    38.0
    """
    waves = 2 * -(-max(devices, 1) // max(workers, 1))
    return waves * COMMIT_EST + PROOF_MIN + margin(timeout)


def check_timer(timers: dict[str, int], devices: int, workers: int) -> None:
    """Refuse, before anything changes, a timer too short for commits plus proof."""
    if not timers:
        return
    shortest = min(timers.values())
    need = needed(devices, workers, shortest)
    if shortest < need:
        raise TimerTooShort(f"--confirm-timeout {shortest}s cannot cover the commits, a proof and the "
                            f"confirms of {devices} devices: give at least {int(-(-need // 1))}s")


# ------------------------------------------------------------------ journal

class Journal:
    """``transaction.json``: what the change in progress has done. Written with fsync, atomically."""

    def __init__(self, path: Path | None, command: str):
        self.path, self.doc = path, {"pid": os.getpid(), "command": command, "started": time.time(),
                                     "phase": "plan", "committed": {}, "confirmed": [], "failed": []}

    def write(self, **changes) -> None:
        self.doc.update(changes)
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        with open(tmp, "w") as f:
            f.write(json.dumps(self.doc, indent=1) + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)

    def close(self) -> None:
        self.write(phase="done", ended=time.time())


def leftover(path: Path) -> str | None:
    """What an interrupted change left, for the next one to say: None when the last one ended."""
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if doc.get("phase") in ("done", None):
        return None
    committed, confirmed = sorted(doc.get("committed", {})), sorted(doc.get("confirmed", []))
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(doc.get("started", 0)))
    if doc.get("phase") != "confirm":
        return (f"the change started {when} ({doc.get('command', '?')}) stopped in phase {doc.get('phase')}: "
                f"nothing was confirmed; {', '.join(committed) or 'no device'} reverted by their timers")
    return (f"the change started {when} ({doc.get('command', '?')}) stopped while confirming "
            f"{', '.join(committed)} (confirmed as far as recorded: {', '.join(confirmed) or 'none'}); "
            f"those not confirmed reverted by their timers; this run brings every device to the intent again")


def abort(outcomes: dict, committed: dict[str, float], timers: dict[str, int], why: str,
          progress: Callable[[str], None], journal: Journal, grace: float = 5.0,
          clock=time.monotonic, sleep=time.sleep) -> list:
    """Nothing is confirmed: every committed device reverts by its own timer. Wait for the last
    one (plus ``grace``), so that when the change returns, and its lock is released, the network
    is as it was."""
    journal.write(phase="abort", why=why)
    until = max(committed[n] + timers[n] for n in committed) + grace
    progress(f"{why}: nothing confirmed; {', '.join(sorted(committed))} revert by their timers "
             f"(waiting {max(0.0, until - clock()):.0f}s)")
    for n in committed:
        outcomes[n].status = "reverted"
        outcomes[n].error = f"not confirmed ({why}): reverted by its timer"
    while clock() < until:
        sleep(min(1.0, until - clock()))
    journal.close()
    return list(outcomes.values())


# ------------------------------------------------------------------ nornir tasks

def commit_task(task: Task, texts: dict[str, tuple[str, bool]], timers: dict[str, int], overlay: Overlay,
                keys: dict[str, str], dry_run: bool = False) -> Result:
    """Load, compare, and (unless a dry run) commit with the device's confirm timer. Never confirms."""
    name = task.host.name
    plat = platforms.get(overlay.devices[name].platform)
    text, replace = texts[name]
    if not replace and not text.strip():  # an object platform with nothing to change
        return Result(host=task.host, changed=False, diff="")
    t0 = time.monotonic()
    conn = task.host.get_connection("napalm", task.nornir.config)
    diff = commit_with_timer(conn, plat, text, replace, keys, timers[name], dry_run)
    if not diff or dry_run:
        return Result(host=task.host, changed=bool(diff), diff=diff, seconds=time.monotonic() - t0)
    return Result(host=task.host, changed=True, diff=diff, result=time.monotonic(), seconds=time.monotonic() - t0,
                  notes=reset_notes(getattr(conn, "last_commit", None)))


def reset_notes(last_commit) -> list[str]:
    """What a driver says it re-established after its commit (``last_commit["sa_reset"]``).

    >>> reset_notes({"sa_reset": {"peers": ["192.0.2.1", "192.0.2.5"], "failed": ["192.0.2.5"]}})
    ['SAs re-established after the commit: 192.0.2.1', 'SA reset failed (the proof may meet the old SA): 192.0.2.5']
    >>> reset_notes({"changed": ["tunnels"]}), reset_notes(None)
    ([], [])
    """
    reset = last_commit.get("sa_reset") if isinstance(last_commit, dict) else None
    if not isinstance(reset, dict):
        return []
    failed = [str(p) for p in reset.get("failed") or []]
    done = [str(p) for p in reset.get("peers") or [] if str(p) not in failed]
    return ([f"SAs re-established after the commit: {', '.join(done)}"] if done else []) + \
        ([f"SA reset failed (the proof may meet the old SA): {', '.join(failed)}"] if failed else [])


def reopen_task(task: Task) -> Result:
    """A fresh session: the device is reached again after the change (its management survived)."""
    t0 = time.monotonic()
    reopen(task.host, task.nornir.config)
    return Result(host=task.host, seconds=time.monotonic() - t0)


def confirm_task(task: Task, progress: Callable[[str], None] = lambda msg: None) -> Result:
    """Confirm on the session ``reopen_task`` opened."""
    t0 = time.monotonic()
    task.host.get_connection("napalm", task.nornir.config).confirm_commit()
    progress(f"confirmed {task.host.name}")
    return Result(host=task.host, changed=True, seconds=time.monotonic() - t0)


def confirm_all(nr, committed: dict[str, float], outcomes: dict, journal: Journal,
                progress: Callable[[str], None] = lambda msg: None, timeline=None) -> set[str]:
    """Phase 3: open a fresh session to every committed device first, then send every confirm at
    once on them, so that the confirms leave the controller within the same instant rather than
    one session set-up apart: a controller that dies while confirming leaves a mix only if it dies
    inside that instant (the journal then says so, and the next change brings every device to the
    intent). Returns the devices that could not be confirmed (they revert by their own timers)."""
    lost = set()

    def failed(name, why, exc):
        lost.add(name)
        outcomes[name].status = "failed"
        outcomes[name].error = f"{why} (it reverts by its own timer): {error_text(exc)}"

    for name, (bad, res, exc) in run_on(nr, sorted(committed), reopen_task).items():
        if bad:
            failed(name, "not reachable for its confirm", exc)
        elif timeline is not None:
            timeline.device(name, "reconnect", res.seconds)
    journal.write(phase="confirm")
    for name, (bad, res, exc) in run_on(nr, sorted(set(committed) - lost), confirm_task,
                                        progress=progress).items():
        if bad:
            failed(name, "confirm failed", exc)
        else:
            if timeline is not None:
                timeline.device(name, "confirm", res.seconds)
            outcomes[name].status = "ok"
            journal.doc["confirmed"].append(name)
    journal.write()
    return lost


# ------------------------------------------------------------------ proof

def _lan_owner(overlay: Overlay) -> dict[str, str]:
    return {str(lan): name for name, d in overlay.devices.items() for lan in d.lans}


def relevant(checks: list, overlay: Overlay, left_out: set[str], no_config: set[str]) -> list:
    """The checks a proof judges: none about devices left out of the change (their tunnels stay as
    they run), and no config check where the candidate kept pieces as they run on purpose."""
    owner = _lan_owner(overlay)
    out = []
    for c in checks:
        if c.device in left_out or c.peer in left_out:
            continue
        if c.check == "routes.lan" and owner.get(c.expected.split(" ")[0]) in left_out:
            continue
        if c.check == "config.intent" and (c.device in no_config or c.reason == "CONFIG_UNREADABLE"):
            # kept pieces differ on purpose; and a device may refuse a second candidate while its
            # confirmed commit is pending (NETCONF): the commit itself just wrote the intent there
            continue
        out.append(c)
    return out


def round_budget(left: float) -> float:
    """Seconds one proof round may take, every device in parallel (its connect, commands and all):
    a device whose management goes away mid-session must not hold the round past the deadline.
    Most of the time left, so that a slow but healthy round (a DF probe that must time out) is not
    cut, and a later round still fits when one was.

    >>> round_budget(66), round_budget(600), round_budget(12), round_budget(4)
    (39.6, 90.0, 10.0, 4.0)
    """
    return round(max(min(MIN_ROUND, float(left)), min(90.0, left * 0.6)), 1)


def prove(overlay: Overlay, site: str | None, deadline: float, left_out: set[str], no_config: set[str],
          collect: Callable, progress: Callable[[str], None], clock=time.monotonic,
          sleep=time.sleep, watch=None) -> tuple[bool, list]:
    """Poll the verify checks of the scope until none fails or the deadline; (proven, failing).
    ``collect(budget)`` returns the states, each device bounded by ``budget`` seconds."""
    failing: list = []
    telling: list = []   # the last failing checks that say more than "no answer"
    rounds = 0
    while True:
        started = clock()
        states = collect(round_budget(deadline - started))
        checks = relevant(checks_mod.evaluate(overlay, states, site), overlay, left_out, no_config)
        # a device the proof cannot reach is judged by the other ends of its tunnels; it cannot be
        # confirmed either (the confirm needs a fresh session), so it reverts by its own timer
        lost = {c.device for c in checks if c.reason == "DEVICE_UNREACHABLE"}
        unreachable = [c for c in checks if c.device in lost]
        checks = [c for c in checks if c.device not in lost]
        if lost:
            progress(f"proof: {', '.join(sorted(lost))} not reachable: judged from the other ends")
        failing = [c for c in checks if c.status == "fail"] if checks else unreachable
        if watch is not None:
            watch.round(checks)
        if any(c.reason != "DEVICE_UNREACHABLE" for c in failing):
            telling = failing
        rounds += 1
        if not failing:
            progress(f"proof: {len(checks)} checks green (round {rounds})")
            return True, []
        wait = pause(rounds, clock() - started)
        if deadline - clock() - wait < MIN_ROUND:   # rounds are bounded: another fits while this holds
            # a last round cut short by its budget says only "no answer": show what a full one found
            return False, failing if any(c.reason != "DEVICE_UNREACHABLE" for c in failing) else telling or failing
        progress(f"proof: {len(failing)} checks failing; polling ({deadline - clock():.0f}s left)")
        sleep(wait)
