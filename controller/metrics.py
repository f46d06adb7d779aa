"""Prometheus exposition of the latest watch run (prometheus_client).

A collector serves a snapshot taken after each run, so a scrape never sees half a run and a
device removed from the inventory disappears from the metrics with the next run.

The counters (runs, remediations) and the last success come from the history database's totals
when it was written (``update(run, totals)``): they then count every run the database has seen,
across processes (``watch --once`` from a timer) and pruning, so ``rate()`` and staleness alerts mean
what they say. Without totals (the database could not be written) they count this process's runs.
A device that could not be read has no ``grectl_device_drift`` sample: its drift is unknown.
"""
from __future__ import annotations

import threading
from pathlib import Path

from prometheus_client import CollectorRegistry, start_http_server, write_to_textfile
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily


class WatchCollector:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._run = None
        self._last_success = None
        self._runs = {"ok": 0, "drift": 0, "failure": 0}
        self._remediations: dict[tuple[str, str], int] = {}

    def update(self, run, totals: dict | None = None) -> None:
        """The run just finished; ``totals`` from ``history.totals`` once it is recorded there."""
        with self._lock:
            self._run = run
            if totals is not None:
                self._runs = {"ok": 0, "drift": 0, "failure": 0,
                              **{k[0]: int(v) for k, v in totals.get("runs", {}).items()}}
                self._remediations = {k: int(v) for k, v in totals.get("remediations", {}).items()}
                self._last_success = totals.get("last_success", {}).get(())
                return
            self._runs[{0: "ok", 2: "drift"}.get(run.exit_code, "failure")] += 1
            if run.exit_code != 1:
                self._last_success = run.started + run.seconds
            for d in run.devices:
                if d.remediation:
                    key = (d.device, d.remediation)
                    self._remediations[key] = self._remediations.get(key, 0) + 1

    def collect(self):
        with self._lock:
            run, last, runs, rem = self._run, self._last_success, dict(self._runs), dict(self._remediations)
        drift = GaugeMetricFamily("grectl_device_drift", "1 if the device's running config differs from "
                                  "the intent (after any remediation), 0 in sync; absent when the device "
                                  "could not be read", labels=["device"])
        reach = GaugeMetricFamily("grectl_device_unreachable", "1 if the device could not be read in the last run",
                                  labels=["device"])
        checks = GaugeMetricFamily("grectl_check_pass", "1 if every check of this name on this device/peer "
                                   "passed in the last run, else 0", labels=["device", "peer", "check"])
        if run is not None:
            unreachable = set(run.unreachable)
            for d in run.devices:
                if d.device not in unreachable:
                    drift.add_metric([d.device], 1.0 if d.device in run.drifted else 0.0)
                reach.add_metric([d.device], 1.0 if d.device in run.unreachable else 0.0)
            agg: dict[tuple[str, str, str], bool] = {}
            for c in run.checks:
                key = (c.device, c.peer, c.check)
                agg[key] = agg.get(key, True) and c.status == "pass"
            for key, ok in sorted(agg.items()):
                checks.add_metric(list(key), 1.0 if ok else 0.0)
        yield drift
        yield reach
        yield checks
        yield GaugeMetricFamily("grectl_devices_unreachable", "Devices that could not be read in the last run",
                                value=len(run.unreachable) if run else 0)
        yield GaugeMetricFamily("grectl_run_duration_seconds", "Duration of the last watch run",
                                value=run.seconds if run else 0)
        yield GaugeMetricFamily("grectl_last_run_timestamp_seconds", "When the last run ended (unix time)",
                                value=(run.started + run.seconds) if run else 0)
        yield GaugeMetricFamily("grectl_last_run_exit_code", "Exit code of the last run: 0 ok, 1 failure, 2 drift",
                                value=run.exit_code if run else 0)
        yield GaugeMetricFamily("grectl_last_success_timestamp_seconds", "When the last run without a failure "
                                "ended (unix time; drift is not a failure)", value=last or 0)
        total = CounterMetricFamily("grectl_runs", "Watch runs by result", labels=["result"])
        for k, v in sorted(runs.items()):
            total.add_metric([k], v)
        yield total
        remediations = CounterMetricFamily("grectl_remediations", "Remediations by device and outcome",
                                           labels=["device", "status"])
        for (dev, status), v in sorted(rem.items()):
            remediations.add_metric([dev, status], v)
        yield remediations


def registry() -> tuple[CollectorRegistry, WatchCollector]:
    reg = CollectorRegistry(auto_describe=False)
    collector = WatchCollector()
    reg.register(collector)
    return reg, collector


def serve(port: int, addr: str, reg: CollectorRegistry):
    """Start the /metrics HTTP server on a daemon thread; returns the server (``server_port``)."""
    server, _thread = start_http_server(port, addr=addr, registry=reg)
    return server


def write_file(path: Path, reg: CollectorRegistry) -> None:
    """For node_exporter's textfile collector (written whole, then renamed into place)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    write_to_textfile(str(path), reg)
