"""Deploy: render -> back up -> per tunnel hub first, then site -> commit with confirm -> confirm
after reaching the device again. A site that cannot be deployed leaves its hub side as it was."""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from nornir.core.task import Result, Task
from nornir_napalm.plugins.tasks import napalm_configure

from controller import inventory, paths, platforms, render
from controller.models import Overlay

from .common import commit_confirmed, error_text, for_driver, load_planned, make_nornir, run_on


@dataclass
class Outcome:
    device: str
    role: str
    status: str = "pending"     # ok | unchanged | would-change | failed | skipped
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
    conn = task.host.get_connection("napalm", task.nornir.config)
    running = _platform(task, overlay).mask(conn.get_config(retrieve="running")["running"])
    if backup_dir is None:
        return Result(host=task.host, result={"running": running, "backup": ""})
    path = backup_dir / task.host.name / f"{stamp}.conf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(running)
    return Result(host=task.host, result={"running": running, "backup": str(path)})


def configure_task(task: Task, candidates: dict[str, tuple[str, bool]], dry_run: bool,
                   confirm_timeout: int, overlay: Overlay, keys: dict[str, str]) -> Result:
    """napalm_configure: load, compare, commit with the confirm timer only when there is a diff and
    it is not a dry run. Placeholders become keys only on the way into a driver that cannot swap
    them itself; what comes back is masked again."""
    plat = _platform(task, overlay)
    text, replace = candidates[task.host.name]
    if not replace and not text.strip():  # an object platform with nothing to change
        return Result(host=task.host, changed=False, diff="")
    text = for_driver(plat, text, keys)
    r = task.run(task=napalm_configure, configuration=text, replace=replace, dry_run=dry_run,
                 revert_in=plat.revert_in(confirm_timeout) if not dry_run else None)
    r0 = r[0]
    r0.diff = plat.mask(r0.diff or "")
    if r0.changed and not dry_run:  # napalm_configure committed with the timer; confirm on a fresh session
        task.host.close_connection("napalm")
        task.host.get_connection("napalm", task.nornir.config).confirm_commit()
    return Result(host=task.host, changed=r0.changed, diff=r0.diff)


# ------------------------------------------------------------------ orchestration

def deploy(overlay: Overlay, site: str | None = None, dry_run: bool = False, confirm_timeout: int = 120,
           backup_dir: Path | None = None, workers: int = 20,
           progress: Callable[[str], None] = lambda msg: None) -> list[Outcome]:
    names = render.devices_in_scope(overlay, site)
    backup_dir = paths.backups(overlay.inventory_dir, backup_dir)
    keys = inventory.psks(overlay)  # read once, passed down
    texts = render.secret_texts(overlay, keys)
    outcomes = {n: Outcome(n, overlay.devices[n].role) for n in names}
    hubs = [n for n in names if overlay.devices[n].role == "hub"]
    sites = [n for n in names if overlay.devices[n].role == "site"]
    # intended config per device, and whether it is the device's whole grectl part (else a --site piece)
    candidates = {n: (render.render_device(overlay, n, site, texts), site is None or n in sites) for n in names}
    nr = make_nornir(overlay, workers=workers, keys=keys)
    try:
        return _deploy(overlay, nr, outcomes, hubs, sites, candidates, dry_run, confirm_timeout,
                       backup_dir, progress, keys)
    finally:
        nr.close_connections()


def _deploy(overlay, nr, outcomes, hubs, sites, candidates, dry_run, confirm_timeout, backup_dir, progress, keys):
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

    # phase 1: hubs
    ready_hubs = [h for h in hubs if h in running and h in candidates]
    progress(f"{'checking' if dry_run else 'committing'} hubs: {', '.join(ready_hubs) or 'none'}")
    _configure(nr, ready_hubs, candidates, outcomes, dry_run, confirm_timeout, overlay, keys)
    for s in sites:
        hub = overlay.intent.sites[s].hub
        if outcomes[s].status == "pending" and hub in outcomes and outcomes[hub].status == "failed":
            outcomes[s].status, outcomes[s].error = "skipped", f"hub {hub} failed"

    # phase 2: sites
    ready_sites = [s for s in sites if outcomes[s].status == "pending"]
    progress(f"{'checking' if dry_run else 'committing'} sites: {', '.join(ready_sites) or 'none'}")
    _configure(nr, ready_sites, candidates, outcomes, dry_run, confirm_timeout, overlay, keys)

    # phase 3: a site that failed after its hub changed: put the hub's side back as it was
    if not dry_run:
        for hub in ready_hubs:
            failed_now = {s for s in ready_sites if outcomes[s].status == "failed"
                          and overlay.intent.sites[s].hub == hub}
            if failed_now and outcomes[hub].status == "ok":
                _restore_hub_side(overlay, nr, hub, failed_now, running, outcomes, confirm_timeout, progress, keys)
    return list(outcomes.values())


def _configure(nr, names, candidates, outcomes, dry_run, confirm_timeout, overlay, keys) -> None:
    for name, (failed, res, exc) in run_on(nr, names, configure_task, candidates=candidates, dry_run=dry_run,
                                         confirm_timeout=confirm_timeout, overlay=overlay, keys=keys).items():
        o = outcomes[name]
        if failed:
            o.status, o.error = "failed", error_text(exc)
        else:
            o.diff = res.diff or ""
            o.status = ("would-change" if dry_run else "ok") if res.changed else "unchanged"


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
