"""Verify: collect state from every device in parallel (the platform's rounds of commands, one
round trip each), then judge with the pure checks in controller.verify."""
from __future__ import annotations

import threading
import time
from typing import Callable

from nornir.core.task import Result, Task

from controller import inventory, platforms, render
from controller import verify as checks_mod
from controller.models import Overlay
from controller.state import DeviceState

from .common import error_text, for_driver, make_nornir, require_drivers
from .transaction import pause


def config_diff(conn, plat, overlay: Overlay, name: str, site: str | None, texts: dict[str, str],
                keys: dict[str, str]) -> str:
    """The masked diff from grectl's part of the running config to the intent, as drift computes it
    (the same plan and compare), on the connection verify already holds; nothing is committed."""
    running = plat.mask(conn.get_config(retrieve="running")["running"])
    full = site is None or overlay.devices[name].role == "site"
    text, replace = plat.plan(render.render_device(overlay, name, site, texts), running, full)
    if not replace and not text.strip():
        return ""
    (conn.load_replace_candidate if replace else conn.load_merge_candidate)(config=for_driver(plat, text, keys))
    try:
        return plat.mask(conn.compare_config() or "")
    finally:
        conn.discard_config()


def collect_task(task: Task, overlay: Overlay, site: str | None, keys: dict[str, str] | None = None,
                 texts: dict[str, str] | None = None) -> Result:
    name = task.host.name
    plat = platforms.get(overlay.devices[name].platform)
    conn = task.host.get_connection("napalm", task.nornir.config)
    outputs: dict[str, str] = {}
    for commands in plat.collect(overlay, name, site):
        outputs.update(conn.cli(list(commands)))
    state = plat.parse(overlay, name, site, outputs)
    if keys is not None and texts is not None:
        try:
            state = state.model_copy(update={"config_diff": config_diff(conn, plat, overlay, name, site, texts, keys)})
        except Exception as e:  # the state stands; the config group says why it has no answer
            state = state.model_copy(update={"config_error": error_text(e, "the running config could not be read")})
    return Result(host=task.host, result=state)


def collect(overlay: Overlay, site: str | None = None, workers: int = 20,
            config: bool = True, budget: float | None = None) -> dict[str, DeviceState | str]:
    """Each device's state (or why there is none). ``budget``: seconds the collection may take, by
    the wall clock (and each connect and command within it, ``make_nornir``): a device whose
    management goes away mid-session is reported without an answer, not waited for."""
    names = sorted({d for t in overlay.scoped(site) for d in (t.hub, t.site)})
    require_drivers(overlay, names)
    keys = inventory.psks(overlay) if config else None
    texts = render.secret_texts(overlay, keys) if config else None
    nr = make_nornir(overlay, workers=workers, keys=keys, budget=budget).filter(filter_func=lambda h: h.name in names)
    states: dict[str, DeviceState | str] = {}

    def one(task: Task) -> Result:
        try:
            r = collect_task(task, overlay=overlay, site=site, keys=keys, texts=texts)
        except Exception as e:
            states[task.host.name] = error_text(e, "collection failed")
            raise
        states[task.host.name] = r.result
        return r

    def run() -> None:
        try:
            nr.run(task=one)
        finally:
            nr.close_connections()

    def run_late() -> None:
        try:
            run()
        except Exception:   # past its budget: its devices are already reported without an answer
            pass

    if budget is None:
        run()
    else:
        worker = threading.Thread(target=run_late, name="collect", daemon=True)
        worker.start()
        worker.join(budget)
    missing = (f"no answer within {budget:.0f}s (its management may be gone)" if budget is not None
               else "collection failed")
    for name in names:
        states.setdefault(name, missing)
    return dict(states)


def verify(overlay: Overlay, site: str | None = None, wait: float = 0, workers: int = 20,
           progress: Callable[[str], None] = lambda m: None) -> tuple[list, float]:
    """Run the checks; with ``wait``, poll until all pass or the deadline. Returns (checks, seconds)."""
    t0, rounds = time.monotonic(), 0
    while True:
        started = time.monotonic()
        checks = checks_mod.evaluate(overlay, collect(overlay, site, workers), site)
        rounds += 1
        failed = [c for c in checks if c.status == "fail"]
        elapsed = time.monotonic() - t0
        if not failed or elapsed >= wait:
            return checks, elapsed
        progress(f"{len(failed)} checks failing after {elapsed:.0f}s; polling")
        # short pauses at first; at least half a round (the reads are CPU on the routers)
        time.sleep(min(pause(rounds, time.monotonic() - started), max(0.0, wait - elapsed)))
