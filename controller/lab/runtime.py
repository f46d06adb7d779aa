"""Real-router lab: one network namespace per router, inside a user-mode-linux kernel ("uml")
or directly on the host ("netns", needs ip_gre and esp4 in the host kernel).

This module is backend-neutral: it validates the topology, generates the state dir and waits for
the routers; the backends (backends/uml.py, backends/netns.py) start, stop and reach the lab.
The scripts that build the namespaces and run the daemons, the UML ptrace shim and the router
config templates are plain files in files/, copied into the state dir.

State dir layout:
  lab.json                  topology, backend, umid, TAP name (present while the lab exists)
  id_ed25519[.pub]          the lab's SSH key (root on every router); known_hosts: router host keys
  bin/                      env.sh + topo/*.batch (generated: `ip -batch` files), lab.sh, router.sh, rx,
                            umlinit.sh, modprobe, uml-xstate.{c,so} (ptrace shim for linux.uml)
  gen/<router>/.lab/        the router's private files, copied whole to its /run: etc/ is laid over
                            /etc (sshd_config, host key, strongswan.conf, frr/, swanctl/conf.d/, grectl/),
                            root/ (authorized_keys), log/, tmp/, ...; gen/<router>.fstab: its mounts
  log/                      console.log (UML), init.log, timing, router-<name>.log
  ctl/{q,run,out}/          command queue served by the UML init (exec_); ctl/halt asks for shutdown
  uml/<umid>/               UML pid file and mconsole socket
  run/                      netns backend only: tmpfs with the routers' private dirs and namespace files
  ready                     written once every router's daemons were started

Inside UML the host's / is the read-only root; only the state dir is mounted read-write. Each router
has a persistent mount + UTS namespace in which /etc and /var/lib are overlays (upper on tmpfs) and
/run, /var/log, /root, /tmp, /var/tmp are private tmpfs directories.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from ipaddress import IPv4Interface, IPv4Network
from pathlib import Path

from controller.errors import LabError
from controller.lab import backends, netconf
from controller.lab.backends.base import run as _run
from controller.lab.backends.uml import UML_KERNEL, kill_uml  # noqa: F401  (public helpers)
from controller.lab.backends.uml import uml_pids_by_umid as _uml_pids_by_umid  # noqa: F401
from controller.lab.generate import CHARON_PLUGINS, FILES, PLUGIN_DIR, SCRIPTS, SWANCTL_PLUGINS, _generate  # noqa: F401  (the state dir's files; names public here too)
from controller.lab.topology import LabTopology
from controller.paths import LAB_ROOT, default_state_dir, ssh_settings  # noqa: F401  (public here too)

DAEMONS = ("sshd", "charon", "zebra", "ospfd", "staticd")
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,7}$")
NODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
IFNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{1,15}$")


# ---------------------------------------------------------------- names and state



def tap_name(topo: LabTopology) -> str:
    return backends.uml.tap_name(topo.name)


def umid(topo: LabTopology) -> str:
    return backends.uml.umid(topo.name)


def _load(state_dir: Path) -> dict | None:
    try:
        return json.loads((state_dir / "lab.json").read_text())
    except (OSError, ValueError):
        return None


def _topo_dict(topo: LabTopology) -> dict:
    return json.loads(json.dumps(asdict(topo), default=str))


def _validate(topo: LabTopology, state_dir: Path) -> None:
    problems = []
    if not NAME_RE.fullmatch(topo.name):
        problems.append(f"lab name {topo.name!r} must match [a-z0-9-]{{1,8}}")
    if not topo.routers:
        problems.append("the lab has no routers")
    names = [r.name for r in topo.routers]
    if len(set(names)) != len(names):
        problems.append("duplicate router names")
    for r in topo.routers:
        problems += _router_problems(topo, r)
    if topo.mgmt_host.ip not in topo.mgmt_network:
        problems.append(f"mgmt host {topo.mgmt_host} not in {topo.mgmt_network}")
    if " " in str(state_dir) or "," in str(state_dir):
        problems.append(f"state dir {state_dir} must not contain spaces or commas")
    if problems:
        raise LabError("invalid lab topology: " + "; ".join(problems))


def _router_problems(topo: LabTopology, r) -> list[str]:
    problems = []
    if not NODE_RE.fullmatch(r.name) or r.name in ("internet", "root") or r.name.startswith("lan-"):
        problems.append(f"router name {r.name!r} is not usable as a namespace name")
    if r.mgmt_ip not in topo.mgmt_network:
        problems.append(f"{r.name}: mgmt ip {r.mgmt_ip} not in {topo.mgmt_network}")
    for ifname in [r.wan_interface] + [lan.interface for lan in r.lans]:
        if not IFNAME_RE.fullmatch(ifname) or ifname in ("mgmt0", "lo"):
            problems.append(f"{r.name}: bad interface name {ifname!r}")
    if r.wan_gateway not in r.wan.network:
        problems.append(f"{r.name}: WAN gateway {r.wan_gateway} not in {r.wan.network}")
    if not 576 <= r.underlay_mtu <= 9000:
        problems.append(f"{r.name}: underlay MTU {r.underlay_mtu} out of range")
    return problems


# ---------------------------------------------------------------- backend detection

def detect_backend() -> str:
    """"netns" if the host kernel can make a GRE link in a scratch namespace and has esp4."""
    ns = f"grectl-probe-{os.getpid()}"
    if _run(["ip", "netns", "add", ns], check=False).returncode != 0:
        return "uml"
    try:
        gre = _run(["ip", "-n", ns, "link", "add", "probe0", "type", "gre", "local", "192.0.2.1",
                    "remote", "192.0.2.2"], check=False).returncode == 0
    finally:
        _run(["ip", "netns", "del", ns], check=False)
    if not gre:
        return "uml"
    _run(["modprobe", "-q", "esp4"], check=False)
    esp = Path("/sys/module/esp4").exists() or "esp4" in Path("/proc/modules").read_text()
    return "netns" if esp else "uml"


# ---------------------------------------------------------------- generated files

def _tcp_open(ip: str, port: int = 22, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((ip, port), timeout=timeout):
            return True
    except OSError:
        return False


# ---------------------------------------------------------------- public API

def up(topo: LabTopology, state_dir: Path, backend: str | None = None, timeout: float = 120) -> dict:
    state_dir = Path(state_dir).resolve()
    _validate(topo, state_dir)
    if backend is not None:
        backends.get(backend)  # unknown names fail before anything is touched
    running = _already_running(topo, state_dir, backend)
    if running is not None:
        return running
    down(state_dir)
    _cleanup_leftovers(topo)
    be = backends.get(backend or detect_backend())
    _refuse_routed_mgmt(topo)
    t0 = time.monotonic()
    _fresh_state_dir(state_dir)
    _generate(topo, state_dir, be)
    meta = {"name": topo.name, "backend": be.name, "umid": umid(topo), "tap": tap_name(topo),
            "topology": _topo_dict(topo), "started": time.time()}
    (state_dir / "lab.json").write_text(json.dumps(meta, indent=1))
    try:
        be.start(topo, state_dir)
        t_ready = _wait_ready(topo, state_dir, be, t0, timeout)
    except BaseException:
        down(state_dir)
        raise
    t_ssh = time.monotonic() - t0
    return {"backend": be.name, "seconds": round(t_ssh, 2), "ready_seconds": round(t_ready, 2),
            "routers": [r.name for r in topo.routers], "state_dir": str(state_dir), "already_running": False}


def _already_running(topo: LabTopology, state_dir: Path, backend: str | None) -> dict | None:
    """up's answer when this very topology already runs healthy on the backend asked for."""
    meta = _load(state_dir)
    if meta and meta.get("topology") == _topo_dict(topo) and backend in (None, meta.get("backend")):
        st = status(state_dir)
        if st and all(r["up"] and r["ssh"] and all(r["daemons"].values()) for r in st):
            return {"backend": meta["backend"], "seconds": 0.0, "routers": [r.name for r in topo.routers],
                    "state_dir": str(state_dir), "already_running": True}
    return None


def _refuse_routed_mgmt(topo: LabTopology) -> None:
    taken = _run(["ip", "-o", "route", "show", "to", "match", str(topo.mgmt_host.ip)], check=False).stdout
    for line in taken.splitlines():
        if not line.startswith("default"):
            raise LabError(f"the lab's management network {topo.mgmt_network} is already routed on this host "
                           f"({line.strip()}): another lab or interface uses it")


def _fresh_state_dir(state_dir: Path) -> None:
    state_dir.mkdir(parents=True, exist_ok=True)
    state_dir.chmod(0o700)
    for stale in ("ready", "lab.json"):
        (state_dir / stale).unlink(missing_ok=True)
    for d in ("ctl", "log", "uml", "run"):
        if (state_dir / d).is_dir() and not os.path.ismount(state_dir / d):
            shutil.rmtree(state_dir / d)


def _wait_ready(topo: LabTopology, state_dir: Path, be, t0: float, timeout: float) -> float:
    """Until the lab's init says ready, every sshd answers and NETCONF runs; seconds to ready."""
    deadline = t0 + timeout
    while not (state_dir / "ready").exists():
        be.check_boot(topo, state_dir, time.monotonic() - t0)
        if time.monotonic() > deadline:
            raise LabError(f"lab not ready after {timeout:.0f}s:\n"
                           + backends.base.tail(state_dir / "log" / "init.log"))
        time.sleep(0.2)
    t_ready = time.monotonic() - t0
    pending = {str(r.mgmt_ip) for r in topo.routers}
    while pending:
        pending = {ip for ip in pending if not _tcp_open(ip, 22, 0.5)}
        if pending and time.monotonic() > deadline:
            raise LabError(f"sshd not reachable on {sorted(pending)} after {timeout:.0f}s")
        if pending:
            time.sleep(0.2)
    netconf.start_all(topo, state_dir, timeout=max(30.0, deadline - time.monotonic()))
    return t_ready


def _cleanup_leftovers(topo: LabTopology) -> None:
    """Leftovers of this lab that no state dir knows about (a crash, another state dir)."""
    for be in backends.all_backends():
        be.cleanup_leftovers(topo.name)
    netconf.cleanup_leftovers(topo.name)


DOWN_WAIT = 60.0   # seconds a stopped lab's processes get to leave the process table


def down(state_dir: Path) -> dict:
    """Stop the lab; returns only when none of its host processes is left (exiting ones included)."""
    from . import procs
    state_dir = Path(state_dir).resolve()
    before = procs.snapshot(lab_pids(state_dir))
    netconf.stop_all(state_dir)
    meta = _load(state_dir)
    if not meta:
        return {"stopped": False, "how": "not running"}
    how = backends.get(meta["backend"]).stop(state_dir, meta)
    left = procs.wait_exited(before, DOWN_WAIT)
    if left:
        raise LabError(f"lab processes still running after {DOWN_WAIT:g}s: pids {left}")
    (state_dir / "ready").unlink(missing_ok=True)
    (state_dir / "lab.json").unlink()
    (state_dir / "ctl" / "halt").unlink(missing_ok=True)
    return {"stopped": how != "not running", "how": how}


def _running(state_dir: Path, meta: dict) -> bool:
    return (state_dir / "ready").exists() and backends.get(meta["backend"]).alive(state_dir, meta)


def exec_(state_dir: Path, router: str, argv: list[str], timeout: float = 60) -> tuple[int, str]:
    """Run argv on a lab node (not over SSH). Nodes: router names, "lan-<router>-<n>" (LAN hosts,
    n counts the router's LANs from 0), "internet", "root" (the UML root namespace / the host)."""
    state_dir = Path(state_dir).resolve()
    meta = _load(state_dir)
    if not meta or not _running(state_dir, meta):
        raise LabError(f"no running lab in {state_dir}")
    if not argv:
        raise LabError("exec: empty command")
    cmd = ["timeout", "-k", "2", str(max(1, int(timeout))), str(state_dir / "bin" / "rx"), router, *argv]
    try:
        return backends.get(meta["backend"]).run_in_lab(state_dir, meta, cmd, timeout)
    except LabError as e:
        raise LabError(f"exec on {router}: {e}") from None


def status(state_dir: Path) -> list[dict]:
    state_dir = Path(state_dir).resolve()
    meta = _load(state_dir)
    if not meta:
        return []
    routers = meta["topology"]["routers"]
    daemon_state: dict[str, dict] = {}
    if _running(state_dir, meta):
        try:
            rc, out = exec_(state_dir, "root", [str(state_dir / "bin" / "lab.sh"), "status"], timeout=30)
        except LabError:
            out = ""
        for line in out.splitlines():
            name, *kvs = line.split()
            daemon_state[name] = {k: v == "1" for k, v in (kv.split("=", 1) for kv in kvs if "=" in kv)}
    with ThreadPoolExecutor(max_workers=min(32, max(1, len(routers)))) as pool:
        ssh = list(pool.map(lambda r: bool(daemon_state) and _tcp_open(r["mgmt_ip"]), routers))
    result = []
    for r, ok in zip(routers, ssh):
        d = daemon_state.get(r["name"], {})
        result.append({"name": r["name"], "mgmt_ip": r["mgmt_ip"], "up": d.get("up", False), "ssh": ok,
                       "daemons": {k: d.get(k, False) for k in DAEMONS}})
    return result + netconf.status(state_dir)


def lab_pids(state_dir: Path) -> list[int]:
    """Host processes that make up a running lab (for memory figures)."""
    state_dir = Path(state_dir).resolve()
    meta = _load(state_dir)
    return backends.get(meta["backend"]).pids(state_dir, meta) + netconf.pids(state_dir) if meta else []


def _fake_topo(name: str) -> LabTopology:
    return LabTopology(name=name, mgmt_network=IPv4Network("0.0.0.0/0"), mgmt_host=IPv4Interface("0.0.0.0/0"))


def counters(state_dir: Path) -> dict:
    """What the lab has cost so far: host CPU seconds of the lab kernel (uml: every process of the
    UML, reaped children included; netns: not separable from the host, None) and processes (and
    threads) started inside it (the kernel's fork count; None on netns)."""
    state_dir = Path(state_dir).resolve()
    meta = _load(state_dir)
    if not meta or meta["backend"] != "uml":
        return {"cpu_s": None, "processes": None}
    tick = os.sysconf("SC_CLK_TCK")
    cpu = 0
    for pid in _uml_pids_by_umid(meta["umid"]):
        try:
            f = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        cpu += sum(int(x) for x in f[11:15])  # utime stime cutime cstime
    forks = None
    try:
        rc, out = exec_(state_dir, "root", ["sh", "-c", "grep '^processes' /proc/stat"], timeout=30)
        forks = int(out.split()[1]) if rc == 0 else None
    except (LabError, ValueError, IndexError):
        pass
    return {"cpu_s": cpu / tick, "processes": forks}
