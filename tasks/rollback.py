"""Rollback: put devices back to a controller-side backup (the latest, or --to ID), as one change:
commit every restore with its confirm timer, prove (the verify checks of the scope, without the
config group: a backup need not be the intent), then confirm everywhere (``tasks.transaction``)."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from nornir.core.task import Result, Task

from controller import inventory, paths, platforms
from controller.errors import GrectlError
from controller.models import Overlay

from . import transaction as txn
from .common import error_text, make_nornir, require_drivers, run_on
from .deploy import REVERT_GRACE, Outcome
from .verify import collect as verify_collect


def find_backup(backup_dir: Path, device: str, backup_id: str | None) -> Path:
    files = sorted((backup_dir / device).glob("*.conf"))
    if backup_id:
        files = [f for f in files if f.stem == backup_id]
    if not files:
        raise GrectlError(f"{device}: no backup {backup_id or ''} in {backup_dir / device}".replace("  ", " "))
    return files[-1]


def plan_task(task: Task, backups: dict[str, Path], overlay: Overlay) -> Result:
    """What to load to get back to the backup: a whole document where grectl owns files, the
    remediation of grectl's own objects where it shares the device."""
    conn = task.host.get_connection("napalm", task.nornir.config)
    plat = platforms.get(overlay.devices[task.host.name].platform)
    running = plat.mask(conn.get_config(retrieve="running")["running"]) if plat.caps.ownership == "objects" else ""
    return Result(host=task.host, result=plat.plan(backups[task.host.name].read_text(), running, True))


def rollback(overlay: Overlay, devices: list[str], backup_dir: Path, backup_id: str | None = None,
             confirm_timeout: int = 120, workers: int = 20,
             progress: Callable[[str], None] = lambda m: None) -> list[Outcome]:
    backups = {d: find_backup(backup_dir, d, backup_id) for d in devices}
    timers = {d: platforms.get(overlay.devices[d].platform).revert_in(confirm_timeout) for d in devices}
    txn.check_timer(timers, len(devices), workers)
    keys = inventory.psks(overlay)
    require_drivers(overlay, devices)
    nr = make_nornir(overlay, workers=workers, keys=keys)
    outcomes = {d: Outcome(d, overlay.devices[d].role, backup=str(backups[d])) for d in devices}
    journal = txn.Journal(paths.journal(overlay.inventory_dir), "rollback")
    try:
        plans = {}
        for name, (failed, res, exc) in run_on(nr, devices, plan_task, backups=backups, overlay=overlay).items():
            if failed:
                outcomes[name].status, outcomes[name].error = "failed", "unreachable: " + error_text(exc)
            else:
                plans[name] = res.result
        committed: dict[str, float] = {}
        journal.write(phase="commit", timers=timers)
        progress(f"committing {', '.join(sorted(plans)) or 'nothing'}")
        for name, (failed, res, exc) in run_on(nr, sorted(plans), txn.commit_task, texts=plans, timers=timers,
                                             overlay=overlay, keys=keys).items():
            o = outcomes[name]
            if failed:
                o.status, o.error = "failed", error_text(exc)
            else:
                o.diff = res.diff or ""
                o.status = "committed" if res.changed else "unchanged"
                if res.changed:
                    committed[name] = res.result
        journal.write(committed={n: timers[n] for n in committed})
        if not committed:
            journal.close()
            return list(outcomes.values())
        failed = [n for n, o in outcomes.items() if o.status == "failed"]
        ok, failing = False, []
        if not failed:
            journal.write(phase="prove")
            deadline = min(committed[n] + timers[n] for n in committed) - txn.margin(min(timers.values()))
            progress("proving: verify of the restored devices' tunnels until green")
            scope = _scope(overlay, devices)
            ok, failing = txn.prove(overlay, scope, deadline, set(), set(overlay.devices),
                                    lambda budget: verify_collect(overlay, scope, workers, config=False,
                                                                  budget=budget), progress)
        if failed or not ok:
            why = f"{', '.join(failed)} failed" if failed else f"proof failed: {len(failing)} checks red"
            for c in failing:
                if c.device in outcomes:
                    outcomes[c.device].notes.append(f"proof: {c.check} {c.peer} {c.reason}: {c.observed}")
            return txn.abort(outcomes, committed, timers, why, progress, journal, REVERT_GRACE)
        txn.confirm_all(nr, committed, outcomes, journal, progress)
        journal.close()
        return list(outcomes.values())
    finally:
        nr.close_connections()


def _scope(overlay: Overlay, devices: list[str]) -> str | None:
    """The verify scope of a rollback: one site when it touches one site (and maybe its hub), else all."""
    sites = [d for d in devices if overlay.devices[d].role == "site"]
    hubs = [d for d in devices if overlay.devices[d].role == "hub"]
    if len(sites) == 1 and all(h in overlay.intent.sites[sites[0]].homes for h in hubs):
        return sites[0]
    return None
