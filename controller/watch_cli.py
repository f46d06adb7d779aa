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

from . import history as hist
from . import lock, paths
from . import watch as watch_mod
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
          confirm_timeout: int = typer.Option(120, "--confirm-timeout", min=5,
                                              help="Remediation: seconds before an unconfirmed commit rolls "
                                                   "itself back."),
          backup_dir: Optional[Path] = BackupDirOpt,
          lock_timeout: float = lock.timeout_option(),
          history_path: Optional[Path] = HistoryOpt,
          keep: Optional[str] = typer.Option(None, "--keep", metavar="AGE",
                                             help="Retention: after each run delete the runs older than "
                                                  "AGE (12h, 30d, 8w); the metrics' counters stay. "
                                                  "Default: keep everything."),
          metrics_port: Optional[int] = typer.Option(None, "--metrics-port", min=0, max=65535,
                                                     help="Serve Prometheus metrics on this port."),
          metrics_addr: str = typer.Option("0.0.0.0", "--metrics-addr",
                                           help="Address the metrics server listens on (127.0.0.1: this host "
                                                "only; 0.0.0.0: every IPv4 address)."),
          metrics_file: Optional[Path] = typer.Option(None, "--metrics-file",
                                                      help="Also write the metrics here after each run "
                                                           "(node_exporter textfile collector)."),
          workers: int = typer.Option(20, "--workers", min=1, help="Devices talked to at once.")):
    """Drift (and verify) on a schedule, into the history database; SIGTERM stops it between runs."""
    from controller import inventory
    from controller import render as render_mod
    from tasks.deploy import deploy as run_deploy
    from tasks.verify import verify as run_verify

    logging.getLogger("nornir").addHandler(logging.NullHandler())  # failures are in the runs, not tracebacks
    ov = inventory.load(inventory_dir)  # a broken inventory is an error now, not at the first run
    backup_dir = paths.backups(inventory_dir, backup_dir)
    history_path = paths.history(inventory_dir, history_path)
    if site is not None:
        render_mod.devices_in_scope(ov, site)
    keys = list(inventory.psks(ov).values())
    keep_seconds = _keep_seconds(keep, history_path)

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
        _serve_metrics(metrics_port, metrics_addr, registry,
                       lambda: inventory.load(inventory_dir), history_path, keys, ov)

    stop = threading.Event()
    clock = watch_mod.SystemClock(stop)
    got = _stop_on_signals(stop)

    def one_run():
        return watch_mod.run_once(lambda: inventory.load(inventory_dir), drift, site,
                                  verify if with_verify else None, repair if remediate else None, guard, clock)

    def on_run(run):
        collector.update(run, _record(run, history_path, keys, keep_seconds))
        _write_metrics(run, metrics_file, registry)
        for line in watch_mod.summary(run):
            err.print(line, highlight=False, markup=False)

    code = watch_mod.loop(one_run, interval, jitter, stop, clock, once=once, on_run=on_run)
    if got:
        err.print(f"{signal.Signals(got[0]).name}: stopped between runs", highlight=False)
    raise typer.Exit(code if once else 0)


def _keep_seconds(keep: str | None, history_path: Path) -> float | None:
    """``--keep`` in seconds, after checking the history database opens."""
    try:
        keep_seconds = hist.parse_age(keep) if keep is not None else None
    except ValueError as e:
        raise GrectlError(str(e))
    try:
        hist.connect(history_path).close()
    except (OSError, sqlite3.Error) as e:
        raise GrectlError(f"--history {history_path}: {e}")
    return keep_seconds


def _serve_metrics(port: int, addr: str, registry, load, history_path: Path, keys: list, ov) -> None:
    try:
        from .status_page import StatusPage, serve  # /metrics, and the status page on / and /status.json
        page = StatusPage(load, history_path, keys, overlay=ov)
        server = serve(port, addr, registry, page)
    except OSError as e:
        raise GrectlError(f"--metrics-port {port}: {e.strerror or e}")
    err.print(f"metrics on http://{addr}:{server.server_port}/metrics", highlight=False)
    err.print(f"status page on http://{addr}:{server.server_port}/", highlight=False)


def _stop_on_signals(stop: threading.Event) -> list[int]:
    """SIGTERM/SIGINT set ``stop``; the signals received, in order, go to the list returned."""
    got: list[int] = []

    def on_signal(signum, frame):  # only a flag: the run in progress finishes, the loop then ends
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        got.append(signum)
        stop.set()

    for s in (signal.SIGTERM, signal.SIGINT):
        signal.signal(s, on_signal)
    return got


def _record(run, history_path: Path, keys: list, keep_seconds: float | None):
    """The run into the history (and the retention applied); the totals that outlive this process."""
    totals = None
    try:
        hist.record(history_path, run, keys)
        if keep_seconds is not None:
            hist.prune(history_path, time.time() - keep_seconds)
        totals = hist.totals(history_path)
    except Exception as e:  # the watch keeps going; the run still shows on stderr and in metrics
        run.notes.append(f"history not written: {e}")
        run.exit_code = 1
    return totals


def _write_metrics(run, metrics_file: Path | None, registry) -> None:
    if metrics_file is None:
        return
    from . import metrics
    try:
        metrics.write_file(metrics_file, registry)
    except OSError as e:
        run.notes.append(f"metrics file not written: {e}")
        run.exit_code = 1


def history(ctx: typer.Context,
            inventory_dir: Path = InventoryOpt,
            history_path: Optional[Path] = HistoryOpt,
            device: Optional[str] = typer.Option(None, "--device", help="Only this device."),
            since: Optional[str] = typer.Option(None, "--since", metavar="AGE|DATE",
                                                help="Only runs since: an age (30m, 2h, 7d) or a local date/time "
                                                     "(2024-05-01T12:00)."),
            limit: int = typer.Option(50, "--limit", min=1, help="At most this many runs (the newest)."),
            max_age: Optional[str] = typer.Option(None, "--max-age", metavar="AGE",
                                                  help="Health check: exit 1 unless the newest run ended within "
                                                       "AGE (e.g. 15m) and did not fail (drift is no failure)."),
            as_json: bool = typer.Option(False, "--json", help="Runs with devices, diffs and checks as JSON "
                                                               "(keys: runs[].id, started, seconds, site, "
                                                               "exit_code, error, remediate, notes, devices, "
                                                               "checks).")):
    """What watch saw: per run and device, in sync or drifted, failures, remediation, failing checks.
    `grectl history prune --keep 30d` deletes old runs."""
    if ctx.invoked_subcommand is not None:
        ctx.obj = {"inventory_dir": inventory_dir, "history_path": history_path}
        return
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
    from .history_view import show
    show(out, runs, history_path)
    if not runs:
        out.print("no runs recorded" + (f" for {device}" if device else ""), markup=False, highlight=False)


def prune(ctx: typer.Context,
          inventory_dir: Path = InventoryOpt,
          history_path: Optional[Path] = HistoryOpt,
          keep: str = typer.Option(..., "--keep", metavar="AGE",
                                   help="Delete the runs that started more than AGE ago (12h, 30d, 8w); the "
                                        "metrics' counters stay."),
          vacuum: bool = typer.Option(True, "--vacuum/--no-vacuum",
                                      help="Give the freed space back to the file system (rewrites the file).")):
    """Delete old runs from the history database (retention); `watch --keep AGE` does it after each run."""
    given = ctx.obj or {}
    if ctx.get_parameter_source("inventory_dir").name == "DEFAULT" and "inventory_dir" in given:
        inventory_dir = given["inventory_dir"]
    if history_path is None:
        history_path = given.get("history_path")
    history_path = paths.history(inventory_dir, history_path)
    try:
        seconds = hist.parse_age(keep)
    except ValueError as e:
        raise GrectlError(str(e))
    gone = hist.prune(history_path, time.time() - seconds, vacuum=vacuum)
    out.print(f"{history_path}: {gone} run{'s' if gone != 1 else ''} older than {keep} deleted",
              markup=False, highlight=False)


def _health(history_path: Path, max_age: str) -> None:
    try:
        oldest = hist.parse_since(max_age)
    except ValueError as e:
        raise GrectlError(str(e).replace("--since", "--max-age"))
    newest = hist.last_run(history_path)
    if newest is None or newest[0] < oldest:
        age = "no run recorded" if newest is None else f"last run ended {time.time() - newest[0]:.0f}s ago"
        raise GrectlError(f"{history_path}: {age} (--max-age {max_age})")
    ended, code, error = newest
    if code == 1:
        raise GrectlError(f"{history_path}: the last run ({time.time() - ended:.0f}s ago) failed"
                          + (f": {error}" if error else " (grectl history shows what)"))
    out.print(f"last run ended {time.time() - ended:.0f}s ago, {hist.result_of(code)}", markup=False,
              highlight=False)


def mount(app: typer.Typer) -> None:
    app.command()(watch)
    history_app = typer.Typer(subcommand_metavar="[prune ...]")
    history_app.callback(invoke_without_command=True)(history)
    history_app.command("prune")(prune)
    app.add_typer(history_app, name="history")
