"""Helpers for lab tests: a fresh lab for a test module, run on routers, open the driver, call the
CLI, wait for green."""
import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import napalm

from controller import lab
from controller.platforms.linux.router import linuxconf
from tasks import common
from tasks.verify import verify
from tests.conftest import ROOT


@contextlib.contextmanager
def fresh_lab(inv, state: Path, **up_args):
    """A lab built from ``inv`` in ``state`` (never one inherited from an interrupted run), with
    GRECTL_LAB_DIR pointing at it; torn down and the state removed afterwards, whatever happens."""
    old = os.environ.get("GRECTL_LAB_DIR")
    os.environ["GRECTL_LAB_DIR"] = str(state)
    lab.down(state)
    shutil.rmtree(state, ignore_errors=True)
    try:
        yield lab.up(lab.from_inventory(inv), state, **up_args)
    finally:
        lab.down(state)
        shutil.rmtree(state, ignore_errors=True)
        if old is None:
            os.environ.pop("GRECTL_LAB_DIR", None)
        else:
            os.environ["GRECTL_LAB_DIR"] = old


def sh(state, router, cmd: str, ok=True) -> str:
    rc, out = lab.exec_(state, router, ["sh", "-c", cmd])
    if ok:
        assert rc == 0, f"{router}: {cmd}: {out}"
    return out


def driver(ov, name):
    ssh = common.ssh_options(ov)
    d = napalm.get_network_driver("linux_frr")(ov.devices[name].hostname, ssh["username"], optional_args={
        "key_file": ssh["key_file"], "known_hosts": ssh["known_hosts"]})
    d.open()
    return d


def running(ov, name) -> linuxconf.Doc:
    d = driver(ov, name)
    try:
        return linuxconf.parse(d.get_config(retrieve="running")["running"])
    finally:
        d.close()


def cli(inv, *args):
    return subprocess.run([sys.executable, "-m", "controller", *args, "-i", str(inv)], capture_output=True,
                          text=True, cwd=ROOT, timeout=600)


def by_device(outcomes):
    return {o.device: o for o in outcomes}


def wait_green(ov, site=None, wait=90):
    result, seconds = verify(ov, site, wait=wait)
    failed = [c for c in result if c.status == "fail"]
    assert not failed, "\n".join(f"{c.device} {c.peer} {c.check} {c.reason} {c.observed}" for c in failed)
    return seconds


def pending_on(state, routers) -> list[str]:
    """The routers with a commit waiting for its confirm (the agent's pending.json: gone once the
    commit is confirmed, or once its timer has rolled it back)."""
    import json
    return [r for r in routers if json.loads(sh(state, r, "python3 /etc/grectl/agent.py pending"))["pending"]]


def wait_no_pending(state, routers, timeout: float) -> float:
    """Poll until no router has a pending commit: every confirm timer has run out (and its revert is
    applied) or was stopped by a confirm. Seconds waited."""
    import time
    t0 = time.monotonic()
    while left := pending_on(state, routers):
        assert time.monotonic() - t0 < timeout, f"still pending after {timeout:.0f}s: {left}"
        time.sleep(1)
    return time.monotonic() - t0
