"""Helpers for lab tests: run on routers, open the driver, call the CLI, wait for green."""
import subprocess
import sys

import napalm

from controller import lab
from napalm_linux_frr import linuxconf
from tasks import common
from tasks.verify import verify
from tests.conftest import ROOT


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
