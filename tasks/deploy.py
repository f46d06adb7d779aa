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
from .common import commit_confirmed, error_text, make_nornir, require_drivers, run_on
from .timeline import GroupWatch, Timeline
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

@dataclass
class Change:
    """One deploy's state, shared by its phases."""
    overlay: Overlay
    nr: object
    site: str | None
    workers: int
    keys: dict[str, str]
    progress: Callable[[str], None]
    journal: txn.Journal
    tl: Timeline
    outcomes: dict[str, Outcome]
    hubs: list[str]
    sites: list[str]
    candidates: dict[str, tuple[str, bool]]     # intended text, whether it is the device's whole part
    running: dict[str, str] = field(default_factory=dict)
    timers: dict[str, int] = field(default_factory=dict)
    committed: dict[str, float] = field(default_factory=dict)

    def platform(self, name: str):
        return platforms.get(self.overlay.devices[name].platform)


def deploy(overlay: Overlay, site: str | None = None, dry_run: bool = False, confirm_timeout: int = 120,
           backup_dir: Path | None = None, workers: int = 20,
           progress: Callable[[str], None] = lambda msg: None, timeline: Timeline | None = None) -> list[Outcome]:
    """``timeline`` (optional) records where the time goes: see ``tasks.timeline``."""
    names = render.devices_in_scope(overlay, site)
    require_drivers(overlay, names)
    backup_dir = paths.backups(overlay.inventory_dir, backup_dir)
    keys = inventory.psks(overlay)  # read once, passed down
    texts = render.secret_texts(overlay, keys)
    sites = [n for n in names if overlay.devices[n].role == "site"]
    if not dry_run:  # before anything is read or changed
        txn.check_timer({n: platforms.get(overlay.devices[n].platform).revert_in(confirm_timeout) for n in names},
                        len(names), workers)
    nr = make_nornir(overlay, workers=workers, keys=keys)
    ch = Change(overlay, nr, site, workers, keys, progress,
                txn.Journal(None if dry_run else paths.journal(overlay.inventory_dir), "deploy"),
                timeline if timeline is not None else Timeline(),
                outcomes={n: Outcome(n, overlay.devices[n].role) for n in names},
                hubs=[n for n in names if overlay.devices[n].role == "hub"], sites=sites,
                candidates={n: (render.render_device(overlay, n, site, texts), site is None or n in sites)
                            for n in names})
    if not dry_run:
        before = txn.leftover(paths.journal(overlay.inventory_dir))
        if before:
            progress(before)
    try:
        _read(ch, None if dry_run else backup_dir, dry_run)
        _plan(ch)
        ch.timers = {n: ch.platform(n).revert_in(confirm_timeout) for n in ch.candidates}
        if dry_run:
            order = [h for h in ch.hubs if h in ch.running and h in ch.candidates] + \
                [s for s in ch.sites if s in ch.running]
            progress(f"checking {len(order)} devices")
            _commit(ch, order, dry_run=True)
            ch.tl.mark("compared")
            return list(ch.outcomes.values())
        return _change(ch)
    finally:
        nr.close_connections()


def _read(ch: Change, backup_dir: Path | None, dry_run: bool) -> None:
    """Back up (or, in a dry run, only read) every device; an unreachable one is failed."""
    stamp = time.strftime("%Y%m%dT%H%M%S")
    ch.progress(f"{'reading' if dry_run else 'backing up'} {len(ch.outcomes)} devices")
    for name, (failed, res, exc) in run_on(ch.nr, list(ch.outcomes), backup_task, backup_dir=backup_dir,
                                         stamp=stamp, overlay=ch.overlay).items():
        o = ch.outcomes[name]
        if failed:
            o.status, o.error = "failed", "unreachable: " + error_text(exc)
        else:
            ch.running[name] = res.result["running"]
            o.backup = res.result["backup"]
            ch.tl.device(name, "read", res.seconds)
    ch.tl.mark("read")


def _plan(ch: Change) -> None:
    """Hub candidates keep the running pieces of sites that will not be deployed; then each
    platform's plan: the intended document, or the remediation from running to intended."""
    bad = {d for d in ch.outcomes if ch.outcomes[d].status == "failed"}  # a failed hub: its link to the others
    for hub in ch.hubs:
        if hub in ch.running:
            _keep_hub_side(ch, hub, bad)
    for name in list(ch.candidates):
        if name in ch.running:
            intended, full = ch.candidates[name]
            ch.candidates[name] = ch.platform(name).plan(intended, ch.running[name], full)


def _keep_hub_side(ch: Change, hub: str, bad: set[str]) -> None:
    text, replace = ch.candidates[hub]
    if not replace:  # --site: a merge of that one site's pieces, nothing else to keep
        if bad:
            ch.candidates.pop(hub)
        return
    plat = ch.platform(hub)
    for t in (t.seen_from(hub) for t in ch.overlay.tunnels_of(hub)):
        if t.site in bad and t.site in ch.outcomes:
            text = plat.keep_site(text, ch.running[hub], t)
            ch.outcomes[hub].notes.append(f"{t.site}: hub side left as it runs")
    ch.candidates[hub] = (text, True)


def _commit(ch: Change, names: list[str], dry_run: bool = False) -> None:
    for name, (failed, res, exc) in run_on(ch.nr, names, txn.commit_task, texts=ch.candidates, timers=ch.timers,
                                         overlay=ch.overlay, keys=ch.keys, dry_run=dry_run).items():
        o = ch.outcomes[name]
        if failed:
            o.status, o.error = "failed", error_text(exc)
            continue
        o.diff = res.diff or ""
        ch.tl.device(name, "compare" if dry_run or not res.changed else "commit", getattr(res, "seconds", 0.0))
        if dry_run:
            o.status = "would-change" if res.changed else "unchanged"
        elif res.changed:
            o.status, ch.committed[name] = "committed", res.result
            o.notes.extend(getattr(res, "notes", None) or [])
        else:
            o.status = "unchanged"


def _commit_all(ch: Change) -> list[str]:
    """Phase 1: hubs, then sites (a failed hub skips its sites); the devices that failed."""
    outcomes, ready_hubs = ch.outcomes, [h for h in ch.hubs if h in ch.running and h in ch.candidates]
    ch.journal.write(phase="commit", timers=ch.timers)
    ch.progress(f"committing hubs: {', '.join(ready_hubs) or 'none'}")
    _commit(ch, ready_hubs)
    ch.tl.mark("hubs committed")
    ch.journal.write(committed={n: ch.timers[n] for n in ch.committed})
    for s in ch.sites:
        # any of its hubs (a dual-homed site has two) failed: the site is skipped
        hub = next((h for h in ch.overlay.intent.sites[s].homes if h in outcomes and outcomes[h].status == "failed"),
                   ch.overlay.intent.sites[s].hub)
        if outcomes[s].status == "pending" and hub in outcomes and outcomes[hub].status == "failed":
            outcomes[s].status, outcomes[s].error = "skipped", f"hub {hub} failed"
    ready_sites = [s for s in ch.sites if outcomes[s].status == "pending"]
    if not any(outcomes[h].status == "failed" for h in ready_hubs):
        ch.progress(f"committing sites: {', '.join(ready_sites) or 'none'}")
        _commit(ch, ready_sites)
        ch.tl.mark("sites committed")
        ch.journal.write(committed={n: ch.timers[n] for n in ch.committed})
    else:
        for s in ready_sites:
            outcomes[s].status, outcomes[s].error = "skipped", "a hub's commit failed"
    return [n for n in ready_hubs + ready_sites if outcomes[n].status in ("failed", "skipped")]


def _change(ch: Change) -> list[Outcome]:
    """Commit everywhere, prove, confirm (tasks.transaction)."""
    outcomes, timers, committed = ch.outcomes, ch.timers, ch.committed
    left_out = {n for n, o in outcomes.items() if o.status == "failed"}   # not reached: left as they run
    failed = _commit_all(ch)
    if not committed:
        ch.journal.close()
        return list(outcomes.values())
    deadline = min(committed[n] + timers[n] for n in committed) - txn.margin(min(timers.values()))
    if failed:
        return txn.abort(outcomes, committed, timers, f"{', '.join(failed)} failed to commit", ch.progress,
                         ch.journal, REVERT_GRACE)

    # phase 2: prove the scope (devices left out before the commits are judged as they run)
    kept = {h for h in ch.hubs if any("hub side left as it runs" in n for n in outcomes[h].notes)}
    ch.journal.write(phase="prove")
    ch.progress(f"proving: verify of {'site ' + ch.site if ch.site else 'the whole overlay'} until green "
                f"({deadline - time.monotonic():.0f}s before the first timer, less the confirm margin)")
    ch.tl.mark("proof started")
    ok, failing = txn.prove(ch.overlay, ch.site, deadline, left_out, kept,
                            lambda budget: verify_collect(ch.overlay, ch.site, ch.workers, budget=budget),
                            ch.progress, watch=GroupWatch(ch.tl))
    ch.tl.mark("proven" if ok else "proof failed")
    if not ok:
        for c in failing:
            o = outcomes.get(c.device)
            if o is not None:
                o.notes.append(f"proof: {c.check} {c.peer} {c.reason}: {c.observed} (expected {c.expected})")
        red = ", ".join(f"{c.device} {c.check} {c.peer} {c.reason}" for c in failing[:4])
        return txn.abort(outcomes, committed, timers, f"proof failed: {len(failing)} checks red ({red}"
                         f"{', ...' if len(failing) > 4 else ''})", ch.progress, ch.journal, REVERT_GRACE)

    # phase 3: confirm every committed device at once, on sessions opened first
    ch.progress(f"confirming {', '.join(sorted(committed))}")
    not_confirmed = txn.confirm_all(ch.nr, committed, outcomes, ch.journal, ch.progress, ch.tl)
    ch.tl.mark("confirmed")
    if not_confirmed:
        _restore_other_ends(ch.overlay, ch.nr, not_confirmed, committed, ch.running, outcomes, timers,
                            ch.progress, ch.keys)
    ch.journal.close()
    return list(outcomes.values())


def _restore_other_ends(overlay, nr, lost, committed, running, outcomes, timers, progress, keys) -> None:
    """Devices that could not be confirmed revert by themselves; put the other ends of their tunnels
    back as they ran before the change: a lost hub's sites whole, then on every other hub the side
    of each tunnel to a device that is back as before (a lost site or hub, or a site restored
    whole: a dual-homed site's tunnel to its other hub; the hub-to-hub link of a lost hub), one
    commit per hub."""
    whole = sorted({t.site for h in lost if overlay.devices[h].role == "hub" for t in overlay.tunnels_of(h)
                    if t.kind != "hubs" and t.site in committed and t.site not in lost})
    for site in whole:
        _restore_whole(overlay, nr, site, running, outcomes, timers[site], progress, keys)
    gone = set(lost) | set(whole)
    peers: dict[str, set[str]] = {}
    for t in overlay.tunnels:
        for here, there in ((t.hub, t.site), (t.site, t.hub)):
            if there in gone and here not in gone and overlay.devices[here].role == "hub":
                peers.setdefault(here, set()).add(there)
    for hub in sorted(h for h in peers if h in committed):
        _restore_hub_side(overlay, nr, hub, peers[hub], running, outcomes, timers[hub], progress, keys)


def _restore_whole(overlay, nr, name, running, outcomes, timeout, progress, keys) -> None:
    progress(f"{name}: restoring the config it ran before the change")
    host = nr.inventory.hosts[name]
    try:
        conn = host.get_connection("napalm", nr.config)
        plat = platforms.get(overlay.devices[name].platform)
        now = plat.mask(conn.get_config(retrieve="running")["running"])
        commit_confirmed(host, nr.config, conn, plat, *plat.plan(running[name], now, True), keys, timeout)
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
        for t in (t.seen_from(hub) for t in overlay.tunnels_of(hub)):
            if t.site in failed_sites:
                text = plat.keep_site(text, running[hub], t)
        commit_confirmed(host, nr.config, conn, plat, *plat.plan(text, now, True), keys,
                         plat.revert_in(confirm_timeout))
        outcomes[hub].notes.append(f"restored hub side of {', '.join(sorted(failed_sites))}")
    except Exception as e:  # report, never raise: the other devices' results stand
        outcomes[hub].status, outcomes[hub].error = "failed", "restoring failed sites: " + error_text(e)
