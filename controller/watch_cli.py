"""`grectl watch` (scheduled drift/verify, history, metrics, remediation) and `grectl history`."""
from __future__ import annotations

import json
import logging
import signal
import sqlite3
import threading
import time
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from . import history as hist, lock, paths, watch as watch_mod
from .console import InventoryOpt, err, out
from .errors import GrectlError

HistoryOpt = typer.Option(None, "--history", envvar="GRECTL_HISTORY",
                          help="SQLite database of watch runs; default <inventory>/.grectl/history.db.")
BackupDirOpt = typer.Option(None, "--backup-dir", envvar="GRECTL_BACKUP_DIR",
                            help="Where running configs are saved (masked) before a remediation; default "
                                 "<inventory>/.grectl/backups. The change lock never moves.")
REMEDIATION_VERIFY_WAIT = 90.0  # after a repair restarted tunnels, give them time to come back


def watch(inventory_dir: Path = InventoryOpt,
          site: Optional[str] = typer.Option(None, "--site", help="Only this site and the hub's side of it."),
          interval: float = typer.Option(300.0, "--interval", min=1, help="Seconds between runs."),
          jitter: float = typer.Option(0.1, "--jitter", min=0, max=0.5,
                                       help="Spread each interval by up to this fraction, either way."),
          once: bool = typer.Option(False, "--once", help="One run, then exit 0 ok, 1 failure, 2 drift."),
          with_verify: bool = typer.Option(False, "--verify", help="Also run the verify checks."),
          verify_wait: float = typer.Option(0.0, "--verify-wait", min=0,
                                            help=f"Poll verify until green this long (at least "
                                                 f"{REMEDIATION_VERIFY_WAIT:g}s after a remediation)."),
          remediate: bool = typer.Option(False, "--remediate",
                                         help="Deploy the intent to drifted devices (confirm + rollback)."),
          confirm_timeout: int = typer.Option(120, "--confirm-timeout", min=5),
          backup_dir: Optional[Path] = BackupDirOpt,
          lock_timeout: float = lock.timeout_option(),
          history_path: Optional[Path] = HistoryOpt,
          metrics_port: Optional[int] = typer.Option(None, "--metrics-port", min=0, max=65535,
                                                     help="Serve Prometheus metrics on this port."),
          metrics_addr: str = typer.Option("0.0.0.0", "--metrics-addr"),
          metrics_file: Optional[Path] = typer.Option(None, "--metrics-file",
                                                      help="Also write the metrics here after each run "
                                                           "(node_exporter textfile collector)."),
          workers: int = typer.Option(20, "--workers", min=1)):
    """Drift (and verify) on a schedule, into the history database; SIGTERM stops it between runs."""
    from controller import inventory, render as render_mod
    from tasks.deploy import deploy as run_deploy
    from tasks.verify import verify as run_verify

    logging.getLogger("nornir").addHandler(logging.NullHandler())  # failures are in the runs, not tracebacks
    ov = inventory.load(inventory_dir)  # a broken inventory is an error now, not at the first run
    backup_dir = paths.backups(inventory_dir, backup_dir)
    history_path = paths.history(inventory_dir, history_path)
    if site is not None:
        render_mod.devices_in_scope(ov, site)
    keys = list(inventory.psks(ov).values())
    try:
        hist.connect(history_path).close()
    except (OSError, sqlite3.Error) as e:
        raise GrectlError(f"--history {history_path}: {e}")

    def drift(overlay, scope):
        return run_deploy(overlay, scope, dry_run=True, workers=workers)

    def verify(overlay, scope, changed):
        wait = max(verify_wait, REMEDIATION_VERIFY_WAIT) if changed else verify_wait
        return run_verify(overlay, scope, wait, workers)

    def repair(overlay, scope):
        err.print(f"- remediating {scope or 'the whole inventory'}", highlight=False)
        return run_deploy(overlay, scope, dry_run=False, confirm_timeout=confirm_timeout,
                          backup_dir=backup_dir, workers=workers)

    def guard():
        return lock.for_change(inventory_dir, lock_timeout)

    from . import metrics
    registry, collector = metrics.registry()
    if metrics_port is not None:
        try:
            from .status_page import StatusPage, serve  # /metrics, and the status page on / and /status.json
            page = StatusPage(lambda: inventory.load(inventory_dir), history_path, keys, overlay=ov)
            server = serve(metrics_port, metrics_addr, registry, page)
        except OSError as e:
            raise GrectlError(f"--metrics-port {metrics_port}: {e.strerror or e}")
        err.print(f"metrics on http://{metrics_addr}:{server.server_port}/metrics", highlight=False)
        err.print(f"status page on http://{metrics_addr}:{server.server_port}/", highlight=False)

    stop = threading.Event()
    clock = watch_mod.SystemClock(stop)

    got: list[int] = []

    def on_signal(signum, frame):  # only a flag: the run in progress finishes, the loop then ends
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        got.append(signum)
        stop.set()

    for s in (signal.SIGTERM, signal.SIGINT):
        signal.signal(s, on_signal)

    def one_run():
        return watch_mod.run_once(lambda: inventory.load(inventory_dir), drift, site,
                                  verify if with_verify else None, repair if remediate else None, guard, clock)

    def on_run(run):
        try:
            hist.record(history_path, run, keys)
        except Exception as e:  # the watch keeps going; the run still shows on stderr and in metrics
            run.notes.append(f"history not written: {e}")
            run.exit_code = 1
        collector.update(run)
        if metrics_file is not None:
            try:
                metrics.write_file(metrics_file, registry)
            except OSError as e:
                run.notes.append(f"metrics file not written: {e}")
                run.exit_code = 1
        for line in watch_mod.summary(run):
            err.print(line, highlight=False, markup=False)

    code = watch_mod.loop(one_run, interval, jitter, stop, clock, once=once, on_run=on_run)
    if got:
        err.print(f"{signal.Signals(got[0]).name}: stopped between runs", highlight=False)
    raise typer.Exit(code if once else 0)


def history(inventory_dir: Path = InventoryOpt,
            history_path: Optional[Path] = HistoryOpt,
            device: Optional[str] = typer.Option(None, "--device", help="Only this device."),
            since: Optional[str] = typer.Option(None, "--since", help="Age (30m, 2h, 7d) or date/time."),
            limit: int = typer.Option(50, "--limit", min=1, help="At most this many runs (newest)."),
            max_age: Optional[str] = typer.Option(None, "--max-age",
                                                  help="Health check: exit 1 unless a run ended within this "
                                                       "age (e.g. 15m)."),
            as_json: bool = typer.Option(False, "--json", help="Runs with devices, diffs and checks as JSON.")):
    """What watch saw: per run and device, in sync or drifted, failures, remediation, failing checks."""
    history_path = paths.history(inventory_dir, history_path)
    if max_age is not None:
        return _health(history_path, max_age)
    try:
        since_ts = hist.parse_since(since) if since else None
    except ValueError as e:
        raise GrectlError(str(e))
    runs = hist.query(history_path, device, since_ts, limit)
    if as_json:
        print(json.dumps({"runs": runs}, indent=2))
        return
    t = Table(title=f"history ({history_path})")
    for col in ("run", "time", "device", "state", "changes", "remediation", "failing checks", "detail"):
        t.add_column(col, justify="right" if col in ("run", "changes") else "left",
                     no_wrap=col in ("time", "device", "state"))
    colours = {"in-sync": "green", "drifted": "yellow"}
    for r in runs:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(r["started"]))
        failing: dict[str, list[str]] = {}
        for c in r["checks"]:
            if c["status"] == "fail":
                failing.setdefault(c["device"], []).append(f"{c['check']} {c['reason']}".strip())
        if r["error"]:
            t.add_row(str(r["id"]), when, "-", "[red]error[/]", "", "", "", r["error"])
        for d in r["devices"]:
            fails = failing.get(d["device"], [])
            t.add_row(str(r["id"]), when, d["device"], f"[{colours.get(d['state'], 'red')}]{d['state']}[/]",
                      str(d["changes"]), d["remediation"], f"{len(fails)}: {', '.join(sorted(set(fails)))}"
                      if fails else "0", d["error"] or d["remediation_error"])
    out.print(t)
    if not runs:
        out.print("no runs recorded" + (f" for {device}" if device else ""))


def _health(history_path: Path, max_age: str) -> None:
    try:
        oldest = hist.parse_since(max_age)
    except ValueError as e:
        raise GrectlError(str(e).replace("--since", "--max-age"))
    last = hist.last_finished(history_path)
    if last is None or last < oldest:
        age = "no run recorded" if last is None else f"last run ended {time.time() - last:.0f}s ago"
        raise GrectlError(f"{history_path}: {age} (--max-age {max_age})")
    out.print(f"last run ended {time.time() - last:.0f}s ago")


def mount(app: typer.Typer) -> None:
    app.command()(watch)
    app.command()(history)
