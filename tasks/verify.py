"""Verify: collect state from every device in parallel (the platform's rounds of commands, one
round trip each), then judge with the pure checks in controller.verify."""
from __future__ import annotations

import time
from typing import Callable

from nornir.core.task import Result, Task

from controller import platforms, verify as checks_mod
from controller.models import Overlay
from controller.state import DeviceState

from .common import error_text, make_nornir


def collect_task(task: Task, overlay: Overlay, site: str | None) -> Result:
    name = task.host.name
    plat = platforms.get(overlay.devices[name].platform)
    conn = task.host.get_connection("napalm", task.nornir.config)
    outputs: dict[str, str] = {}
    for commands in plat.collect(overlay, name, site):
        outputs.update(conn.cli(list(commands)))
    return Result(host=task.host, result=plat.parse(overlay, name, site, outputs))


def collect(overlay: Overlay, site: str | None = None, workers: int = 20) -> dict[str, DeviceState | str]:
    names = sorted({d for t in overlay.scoped(site) for d in (t.hub, t.site)})
    nr = make_nornir(overlay, workers=workers).filter(filter_func=lambda h: h.name in names)
    try:
        agg = nr.run(task=collect_task, overlay=overlay, site=site)
    finally:
        nr.close_connections()
    states: dict[str, DeviceState | str] = {}
    for name, multi in agg.items():
        if multi.failed:
            exc = next((r.exception for r in multi if r.exception is not None), None)
            states[name] = error_text(exc, "collection failed")
        else:
            states[name] = multi[0].result
    return states


def verify(overlay: Overlay, site: str | None = None, wait: float = 0, workers: int = 20,
           progress: Callable[[str], None] = lambda m: None) -> tuple[list, float]:
    """Run the checks; with ``wait``, poll until all pass or the deadline. Returns (checks, seconds)."""
    t0 = time.monotonic()
    while True:
        checks = checks_mod.evaluate(overlay, collect(overlay, site, workers), site)
        failed = [c for c in checks if c.status == "fail"]
        elapsed = time.monotonic() - t0
        if not failed or elapsed >= wait:
            return checks, elapsed
        progress(f"{len(failed)} checks failing after {elapsed:.0f}s; polling")
        time.sleep(min(2.0, max(0.0, wait - elapsed)))
