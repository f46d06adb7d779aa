"""Deploy: render -> back up and plan every device -> commit everywhere with a confirm timer (hubs,
then sites) -> prove (verify of the scope) -> confirm everywhere (``tasks.transaction``). A site that
cannot be reached before the commits is left out and its hub side stays as it runs."""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from nornir.core.task import Result, Task

from controller import inventory, paths, platforms, render
from controller.models import Overlay

from . import transaction as txn
from .timeline import GroupWatch, Timeline
from .common import commit_confirmed, error_text, load_planned, make_nornir, run_on
from .verify import collect as verify_collect

REVERT_GRACE = 5.0  # seconds after the last timer before an aborted change returns


@dataclass
class Outcome:
    device: str
    role: str
    status: str = "pending"     # ok | unchanged | would-change | failed | skipped | reverted
    diff: str = ""
    error: str = ""
    backup: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return sum(1 for ln in self.diff.splitlines()
                   if ln[:1] in "+-" and not ln.startswith(("+++", "---")))

    def as_dict(self) -> dict:
        d = asdict(self)
        d["changes"] = self.changes
        return d


# ------------------------------------------------------------------ nornir tasks

def _platform(task: Task, overlay: Overlay):
    return platforms.get(overlay.devices[task.host.name].platform)


def backup_task(task: Task, backup_dir: Path | None, stamp: str, overlay: Overlay) -> Result:
    """Read the running config; save it masked (placeholders, never keys) unless a dry run."""
    t0 = time.monotonic()
    conn = task.host.get_connection("napalm", task.nornir.config)
    running = _platform(task, overlay).mask(conn.get_config(retrieve="running")["running"])
    if backup_dir is None:
        return Result(host=task.host, result={"running": running, "backup": ""}, seconds=time.monotonic() - t0)
    path = backup_dir / task.host.name / f"{stamp}.conf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(running)
    return Result(host=task.host, result={"running": running, "backup": str(path)}, seconds=time.monotonic() - t0)


# ------------------------------------------------------------------ orchestration

def deploy(overlay: Overlay, site: str | None = None, dry_run: bool = False, confirm_timeout: int = 120,
           backup_dir: Path | None = None, workers: int = 20,
           progress: Callable[[str], None] = lambda msg: None, timeline: Timeline | None = None) -> list[Outcome]:
    """``timeline`` (optional) records where the time goes: see ``tasks.timeline``."""
    tl = timeline if timeline is not None else Timeline()
    names = render.devices_in_scope(overlay, site)
    backup_dir = paths.backups(overlay.inventory_dir, backup_dir)
    keys = inventory.psks(overlay)  # read once, passed down
    texts = render.secret_texts(overlay, keys)
    outcomes = {n: Outcome(n, overlay.devices[n].role) for n in names}
    hubs = [n for n in names if overlay.devices[n].role == "hub"]
    sites = [n for n in names if overlay.devices[n].role == "site"]
    # intended config per device, and whether it is the device's whole grectl part (else a --site piece)
    candidates = {n: (render.render_device(overlay, n, site, texts), site is None or n in sites) for n in names}
    if not dry_run:  # before anything is read or changed
        txn.check_timer({n: platforms.get(overlay.devices[n].platform).revert_in(confirm_timeout) for n in names},
                        len(names), workers)
    nr = make_nornir(overlay, workers=workers, keys=keys)
    journal = txn.Journal(None if dry_run else paths.journal(overlay.inventory_dir), "deploy")
    if not dry_run:
        before = txn.leftover(paths.journal(overlay.inventory_dir))
        if before:
            progress(before)
    try:
        return _deploy(overlay, nr, outcomes, hubs, sites, candidates, dry_run, confirm_timeout,
                       backup_dir, progress, keys, site, workers, journal, tl)
    finally:
        nr.close_connections()


def _deploy(overlay, nr, outcomes, hubs, sites, candidates, dry_run, confirm_timeout, backup_dir, progress, keys,
            site, workers, journal, tl):
    stamp = time.strftime("%Y%m%dT%H%M%S")
    progress(f"{'reading' if dry_run else 'backing up'} {len(outcomes)} devices")
    running: dict[str, str] = {}
    for name, (failed, res, exc) in run_on(nr, list(outcomes), backup_task,
                                         backup_dir=None if dry_run else backup_dir, stamp=stamp,
                                         overlay=overlay).items():
        if failed:
            outcomes[name].status, outcomes[name].error = "failed", "unreachable: " + error_text(exc)
        else:
            running[name] = res.result["running"]
            outcomes[name].backup = res.result["backup"]
            tl.device(name, "read", res.seconds)
    tl.mark("read")

    def tunnels_of_hub(hub: str, only: set[str]):
        return [t for t in overlay.tunnels_of(hub) if t.site in only and t.site in outcomes]

    def keep_hub_side(hub: str, bad: set[str]) -> None:
        """Hub candidate keeps the running pieces of sites that will not be deployed."""
        text, replace = candidates[hub]
        if not replace:  # --site: a merge of that one site's pieces, nothing else to keep
            if bad:
                candidates.pop(hub)
            return
        plat = platforms.get(overlay.devices[hub].platform)
        for t in tunnels_of_hub(hub, bad):
            text = plat.keep_site(text, running[hub], t)
            outcomes[hub].notes.append(f"{t.site}: hub side left as it runs")
        candidates[hub] = (text, True)

    bad_sites = {s for s in sites if outcomes[s].status == "failed"}
    for hub in hubs:
        if hub in running:
            keep_hub_side(hub, bad_sites)

    # what each platform loads: the intended document, or the remediation from running to intended
    for name in list(candidates):
        if name in running:
            intended, full = candidates[name]
            candidates[name] = platforms.get(overlay.devices[name].platform).plan(intended, running[name], full)

    timers = {n: platforms.get(overlay.devices[n].platform).revert_in(confirm_timeout) for n in candidates}
    if dry_run:
        order = [h for h in hubs if h in running and h in candidates] + [s for s in sites if s in running]
        progress(f"checking {len(order)} devices")
        _commit(nr, order, candidates, timers, outcomes, overlay, keys, {}, tl, dry_run=True)
        tl.mark("compared")
        return list(outcomes.values())
    return _change(overlay, nr, outcomes, hubs, sites, candidates, running, timers, site, workers,
                   progress, keys, journal, tl)


def _commit(nr, names, candidates, timers, outcomes, overlay, keys, committed, tl, dry_run=False) -> None:
    for name, (failed, res, exc) in run_on(nr, names, txn.commit_task, texts=candidates, timers=timers,
                                         overlay=overlay, keys=keys, dry_run=dry_run).items():
        o = outcomes[name]
        if failed:
            o.status, o.error = "failed", error_text(exc)
            continue
        o.diff = res.diff or ""
        tl.device(name, "compare" if dry_run or not res.changed else "commit", getattr(res, "seconds", 0.0))
        if dry_run:
            o.status = "would-change" if res.changed else "unchanged"
        elif res.changed:
            o.status, committed[name] = "committed", res.result
            o.notes.extend(getattr(res, "notes", None) or [])
        else:
            o.status = "unchanged"


def _change(overlay, nr, outcomes, hubs, sites, candidates, running, timers, site, workers, progress, keys,
            journal, tl):
    """Commit everywhere, prove, confirm (tasks.transaction)."""
    left_out = {n for n, o in outcomes.items() if o.status == "failed"}   # not reached: left as they run
    ready_hubs = [h for h in hubs if h in running and h in candidates]
    committed: dict[str, float] = {}

    # phase 1: commit (hubs, then sites); a failure ends the change before anything is confirmed
    journal.write(phase="commit", timers=timers)
    progress(f"committing hubs: {', '.join(ready_hubs) or 'none'}")
    _commit(nr, ready_hubs, candidates, timers, outcomes, overlay, keys, committed, tl)
    tl.mark("hubs committed")
    journal.write(committed={n: timers[n] for n in committed})
    for s in sites:
        hub = overlay.intent.sites[s].hub
        if outcomes[s].status == "pending" and hub in outcomes and outcomes[hub].status == "failed":
            outcomes[s].status, outcomes[s].error = "skipped", f"hub {hub} failed"
    ready_sites = [s for s in sites if outcomes[s].status == "pending"]
    if not any(outcomes[h].status == "failed" for h in ready_hubs):
        progress(f"committing sites: {', '.join(ready_sites) or 'none'}")
        _commit(nr, ready_sites, candidates, timers, outcomes, overlay, keys, committed, tl)
        tl.mark("sites committed")
        journal.write(committed={n: timers[n] for n in committed})
    else:
        for s in ready_sites:
            outcomes[s].status, outcomes[s].error = "skipped", "a hub's commit failed"
    failed = [n for n in list(ready_hubs) + ready_sites if outcomes[n].status in ("failed", "skipped")]
    if not committed:
        journal.close()
        return list(outcomes.values())
    deadline = min(committed[n] + timers[n] for n in committed) - txn.margin(min(timers.values()))
    if failed:
        return txn.abort(outcomes, committed, timers, f"{', '.join(failed)} failed to commit", progress, journal,
                         REVERT_GRACE)

    # phase 2: prove the scope (devices left out before the commits are judged as they run)
    kept = {h for h in ready_hubs if any("hub side left as it runs" in n for n in outcomes[h].notes)}
    journal.write(phase="prove")
    progress(f"proving: verify of {'site ' + site if site else 'the whole overlay'} until green "
             f"({deadline - time.monotonic():.0f}s before the first timer, less the confirm margin)")
    tl.mark("proof started")
    ok, failing = txn.prove(overlay, site, deadline, left_out, kept,
                            lambda budget: verify_collect(overlay, site, workers, budget=budget), progress,
                            watch=GroupWatch(tl))
    tl.mark("proven" if ok else "proof failed")
    if not ok:
        for c in failing:
            o = outcomes.get(c.device)
            if o is not None:
                o.notes.append(f"proof: {c.check} {c.peer} {c.reason}: {c.observed} (expected {c.expected})")
        red = ", ".join(f"{c.device} {c.check} {c.peer} {c.reason}" for c in failing[:4])
        return txn.abort(outcomes, committed, timers, f"proof failed: {len(failing)} checks red ({red}"
                         f"{', ...' if len(failing) > 4 else ''})", progress, journal, REVERT_GRACE)

    # phase 3: confirm every committed device at once, each on a fresh session
    progress(f"confirming {', '.join(sorted(committed))}")
    not_confirmed = txn.confirm_all(nr, committed, outcomes, journal, progress, tl)
    tl.mark("confirmed")
    if not_confirmed:
        _restore_other_ends(overlay, nr, not_confirmed, committed, running, outcomes, timers, progress, keys)
    journal.close()
    return list(outcomes.values())


def _restore_other_ends(overlay, nr, lost, committed, running, outcomes, timers, progress, keys) -> None:
    """Devices that could not be confirmed revert by themselves; put the other ends of their tunnels
    back as they ran before the change (a lost site: its hub side; a lost hub: its sites)."""
    for hub in sorted({overlay.intent.sites[s].hub for s in lost if s in overlay.intent.sites} - lost):
        failed_sites = {s for s in lost if overlay.intent.sites.get(s) and overlay.intent.sites[s].hub == hub}
        if hub in committed:
            _restore_hub_side(overlay, nr, hub, failed_sites, running, outcomes, timers[hub], progress, keys)
    for hub in sorted(h for h in lost if overlay.devices[h].role == "hub"):
        for t in overlay.tunnels_of(hub):
            if t.site in committed and t.site not in lost:
                _restore_whole(overlay, nr, t.site, running, outcomes, timers[t.site], progress, keys)


def _restore_whole(overlay, nr, name, running, outcomes, timeout, progress, keys) -> None:
    progress(f"{name}: restoring the config it ran before the change")
    host = nr.inventory.hosts[name]
    try:
        conn = host.get_connection("napalm", nr.config)
        plat = platforms.get(overlay.devices[name].platform)
        now = plat.mask(conn.get_config(retrieve="running")["running"])
        if load_planned(conn, plat, *plat.plan(running[name], now, True), keys):
            commit_confirmed(host, nr.config, conn, timeout)
        outcomes[name].status = "failed"
        outcomes[name].error = "restored as it ran before: the other end of its tunnel was not confirmed"
    except Exception as e:
        outcomes[name].status, outcomes[name].error = "failed", "restoring failed: " + error_text(e)


def _restore_hub_side(overlay, nr, hub, failed_sites, running, outcomes, confirm_timeout, progress, keys) -> None:
    progress(f"{hub}: restoring the hub side of {', '.join(sorted(failed_sites))}")
    host = nr.inventory.hosts[hub]
    try:
        conn = host.get_connection("napalm", nr.config)
        plat = platforms.get(overlay.devices[hub].platform)
        now = text = plat.mask(conn.get_config(retrieve="running")["running"])
        for t in overlay.tunnels_of(hub):
            if t.site in failed_sites:
                text = plat.keep_site(text, running[hub], t)
        if load_planned(conn, plat, *plat.plan(text, now, True), keys):
            commit_confirmed(host, nr.config, conn, plat.revert_in(confirm_timeout))
        outcomes[hub].notes.append(f"restored hub side of {', '.join(sorted(failed_sites))}")
    except Exception as e:  # report, never raise: the other devices' results stand
        outcomes[hub].status, outcomes[hub].error = "failed", "restoring failed sites: " + error_text(e)
