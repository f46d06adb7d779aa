"""Rollback: put a device's config back to a controller-side backup (the latest, or --to ID)."""
from __future__ import annotations

from pathlib import Path

from nornir.core.task import Result, Task

from controller import inventory, platforms
from controller.errors import GrectlError
from controller.models import Overlay

from .common import commit_confirmed, error_text, make_nornir, run_on
from .deploy import Outcome


def find_backup(backup_dir: Path, device: str, backup_id: str | None) -> Path:
    files = sorted((backup_dir / device).glob("*.conf"))
    if backup_id:
        files = [f for f in files if f.stem == backup_id]
    if not files:
        raise GrectlError(f"{device}: no backup {backup_id or ''} in {backup_dir / device}".replace("  ", " "))
    return files[-1]


def restore_task(task: Task, backups: dict[str, Path], confirm_timeout: int, overlay: Overlay) -> Result:
    """Load the backup as the platform loads any intent: a whole document where grectl owns files,
    the remediation of grectl's own objects where it shares the device."""
    conn = task.host.get_connection("napalm", task.nornir.config)
    plat = platforms.get(overlay.devices[task.host.name].platform)
    running = conn.get_config(retrieve="running")["running"] if plat.caps.ownership == "objects" else ""
    text, replace = plat.plan(backups[task.host.name].read_text(), running, True)
    (conn.load_replace_candidate if replace else conn.load_merge_candidate)(config=text)
    diff = conn.compare_config()
    if diff:
        commit_confirmed(task.host, task.nornir.config, conn, confirm_timeout)
    else:
        conn.discard_config()
    return Result(host=task.host, changed=bool(diff), diff=diff)


def rollback(overlay: Overlay, devices: list[str], backup_dir: Path, backup_id: str | None = None,
             confirm_timeout: int = 120) -> list[Outcome]:
    backups = {d: find_backup(backup_dir, d, backup_id) for d in devices}
    nr = make_nornir(overlay, keys=inventory.psks(overlay))
    out = []
    try:
        for name, (failed, res, exc) in run_on(nr, devices, restore_task, backups=backups, overlay=overlay,
                                             confirm_timeout=confirm_timeout).items():
            o = Outcome(name, overlay.devices[name].role, backup=str(backups[name]))
            if failed:
                o.status, o.error = "failed", error_text(exc)
            else:
                o.status, o.diff = ("ok" if res.changed else "unchanged"), res.diff or ""
            out.append(o)
    finally:
        nr.close_connections()
    return out
