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
import shlex
import shutil
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from ipaddress import IPv4Interface, IPv4Network
from pathlib import Path
from string import Template

from controller.errors import LabError
from controller.lab import backends, netconf
from controller.lab.backends.base import run as _run
from controller.lab.backends.uml import UML_KERNEL, kill_uml  # noqa: F401  (public helpers)
from controller.lab.backends.uml import uml_pids_by_umid as _uml_pids_by_umid  # noqa: F401
from controller.lab.topology import LabTopology
from controller.paths import LAB_ROOT, default_state_dir, ssh_settings  # noqa: F401  (public here too)

FILES = Path(__file__).resolve().parent / "files"
SCRIPTS = {"lab.sh": "lab.sh", "router.sh": "router.sh", "rx.sh": "rx", "umlinit.sh": "umlinit.sh",
           "modprobe.sh": "modprobe"}
DAEMONS = ("sshd", "charon", "zebra", "ospfd", "staticd")
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,7}$")
NODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
IFNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{1,15}$")
CHARON_PLUGINS = ("random nonce openssl pem pkcs1 pkcs8 x509 pubkey revocation constraints aes sha1 sha2 hmac gcm "
                  "kdf curve25519 kernel-netlink socket-default vici updown").split()
SWANCTL_PLUGINS = "random nonce openssl pem pkcs1 pkcs8 x509 pubkey revocation constraints".split()
PLUGIN_DIR = Path("/usr/lib/ipsec/plugins")


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
    if topo.mgmt_host.ip not in topo.mgmt_network:
        problems.append(f"mgmt host {topo.mgmt_host} not in {topo.mgmt_network}")
    if " " in str(state_dir) or "," in str(state_dir):
        problems.append(f"state dir {state_dir} must not contain spaces or commas")
    if problems:
        raise LabError("invalid lab topology: " + "; ".join(problems))


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

def _keygen(path: Path, comment: str) -> None:
    if not path.exists():
        _run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)])


def _frr_daemons() -> str:
    try:
        text = Path("/etc/frr/daemons").read_text()
    except OSError:
        text = "zebra=yes\nstaticd=yes\nvtysh_enable=yes\n"
    text = re.sub(r"(?m)^ospfd=no", "ospfd=yes", text)
    if not re.search(r"(?m)^ospfd=", text):
        text += "ospfd=yes\n"
    return text


def _installed(plugins: list[str]) -> list[str]:
    """Only plugins that exist, so charon and swanctl do not warn (Debian splits them up)."""
    return [p for p in plugins if (PLUGIN_DIR / f"libstrongswan-{p}.so").exists()]


def _chown(p: Path, user: str, group: str) -> None:
    try:
        shutil.chown(p, user, group)
    except (LookupError, PermissionError):
        pass


def _root_unlocked_shadow() -> str | None:
    """The host's /etc/shadow with a locked root ("root:!...") made key-only ("root:*"), so sshd
    lets the lab key in; None when root is not locked (the router then sees the host's file)."""
    try:
        text = Path("/etc/shadow").read_text()
    except OSError:
        return None
    new = re.sub(r"(?m)^root:![^:]*:", "root:*:", text)
    return new if new != text else None


def _template(name: str) -> Template:
    return Template((FILES / name).read_text())


def _generate(topo: LabTopology, state_dir: Path, backend: backends.Backend) -> None:
    for d in ("bin", "gen", "log", "ctl/q", "ctl/out", "ctl/run", "uml"):
        (state_dir / d).mkdir(parents=True, exist_ok=True)
    for src, dst in SCRIPTS.items():
        shutil.copy(FILES / src, state_dir / "bin" / dst)
        (state_dir / "bin" / dst).chmod(0o755)
    _keygen(state_dir / "id_ed25519", f"grectl-lab-{topo.name}")
    known = []
    daemons = _frr_daemons()
    strongswan_conf = _template("strongswan.conf.in").substitute(
        charon=" ".join(_installed(CHARON_PLUGINS)), swanctl=" ".join(_installed(SWANCTL_PLUGINS)))
    sshd_config = _template("sshd_config.in")
    senv = backend.script_env(topo, state_dir)
    P, RUN = senv["P"], senv["RUN"]
    shadow = _root_unlocked_shadow()
    for r in topo.routers:
        # the router's private files, laid out as they are copied to $RUN/r/<router> (its /run)
        # by one `cp -a`: .lab/etc is the upper dir of /etc, the rest are private dirs
        skel = state_dir / "gen" / r.name
        lab_dir = skel / ".lab"
        etc = lab_dir / "etc"
        for d in ("ssh", "frr", "swanctl/conf.d", "grectl"):
            (etc / d).mkdir(parents=True, exist_ok=True)
        for d in ("etc.w", "lib", "lib.w", "log"):
            (lab_dir / d).mkdir(exist_ok=True)
        for d, mode in (("root", 0o700), ("tmp", 0o1777), ("vtmp", 0o1777)):
            (lab_dir / d).mkdir(exist_ok=True)
            (lab_dir / d).chmod(mode)
        (lab_dir / "root" / ".ssh").mkdir(mode=0o700, exist_ok=True)
        auth = lab_dir / "root" / ".ssh" / "authorized_keys"
        shutil.copy(state_dir / "id_ed25519.pub", auth)
        auth.chmod(0o600)
        key = etc / "ssh" / "ssh_host_ed25519_key"
        _keygen(key, r.name)
        key.chmod(0o600)
        pub = (etc / "ssh" / "ssh_host_ed25519_key.pub").read_text().split()
        known.append(f"{r.mgmt_ip} {pub[0]} {pub[1]}")
        (etc / "ssh" / "sshd_config").write_text(sshd_config.substitute(name=r.name, mgmt_ip=r.mgmt_ip))
        (etc / "strongswan.conf").write_text(strongswan_conf)
        (etc / "frr" / "daemons").write_text(daemons)
        (etc / "frr" / "vtysh.conf").write_text("service integrated-vtysh-config\n")
        (etc / "frr" / "frr.conf").write_text(f"hostname {r.name}\n")
        for f in [etc / "frr", *(etc / "frr").iterdir()]:
            f.chmod(0o750 if f.is_dir() else 0o640)
            _chown(f, "frr", "frr")
        (etc / "hostname").write_text(r.name + "\n")
        if shadow is not None:
            (etc / "shadow").write_text(shadow)
            (etc / "shadow").chmod(0o640)
            _chown(etc / "shadow", "root", "shadow")
        # every mount of the router in one `mount -a --fstab` (see router.sh); in order: once
        # its dir is bound on /run, its private files are under /run/.lab
        d = f"{RUN}/r/{r.name}"
        (state_dir / "gen" / f"{r.name}.fstab").write_text("\n".join([
            "lab-sysfs /sys sysfs defaults 0 0",
            f"{d} /run none bind 0 0",
            "lab-etc /etc overlay lowerdir=/etc,upperdir=/run/.lab/etc,workdir=/run/.lab/etc.w 0 0",
            "lab-varlib /var/lib overlay lowerdir=/var/lib,upperdir=/run/.lab/lib,workdir=/run/.lab/lib.w 0 0",
            *(f"/run/.lab/{src} {dst} none bind 0 0"
              for src, dst in (("log", "/var/log"), ("root", "/root"), ("tmp", "/tmp"), ("vtmp", "/var/tmp")))]) + "\n")
    (state_dir / "known_hosts").write_text("\n".join(known) + "\n")

    env = {
        "MODE": backend.name,
        "STATE": str(state_dir),
        **senv,
        "BR": f"gl{topo.name}-br",
        "MP": f"gl{topo.name}-m",
        "MGMT_HOST": str(topo.mgmt_host),
        "ROUTERS": " ".join(r.name for r in topo.routers),
    }
    (state_dir / "bin" / "env.sh").write_text("".join(f"{k}={shlex.quote(v)}\n" for k, v in env.items()))
    _topology_batches(topo, state_dir, backend.name, P, env)


def _topology_batches(topo: LabTopology, state_dir: Path, mode: str, P: str, env: dict) -> None:
    """The whole topology as `ip -batch` files: one for the namespace that holds the lab (namespaces,
    veth pairs, the management bridge) and one per namespace (addresses, links up, routes), so
    building it starts a few processes per router instead of ~25 (each costs ~50 ms under UML)."""
    plen = topo.mgmt_network.prefixlen
    br, inet = env["BR"], f"{P}internet"
    root = [f"netns add {inet}", f"link add {br} type bridge", f"link set {br} up"]
    root += ["link set vec0 master " + br, "link set vec0 up"] if mode == "uml" else [
        f"addr add {topo.mgmt_host} dev {br}"]
    per_ns: dict[str, list[str]] = {"internet": ["link set lo up"]}
    for i, r in enumerate(topo.routers, 1):
        inet_if = f"to-{r.name}" if len(r.name) <= 12 else f"w{i}"
        ns = f"{P}{r.name}"
        mp = f"{env['MP']}{i}"
        root += [f"netns add {ns}",
                 f"link add {r.wan_interface} netns {ns} mtu {r.underlay_mtu} type veth peer name {inet_if} "
                 f"netns {inet} mtu {r.underlay_mtu}",
                 f"link add mgmt0 netns {ns} type veth peer name {mp}",
                 f"link set {mp} master {br} up"]
        per_ns["internet"] += [f"addr add {r.wan_gateway}/{r.wan.network.prefixlen} dev {inet_if}",
                               f"link set {inet_if} up"]
        rl = ["link set lo up", f"addr add {r.wan} dev {r.wan_interface}", f"link set {r.wan_interface} up",
              f"route add default via {r.wan_gateway}",
              f"addr add {r.mgmt_ip}/{plen} dev mgmt0", "link set mgmt0 up"]
        for j, lan in enumerate(r.lans):
            h = f"lan-{r.name}-{j}"
            root += [f"netns add {P}{h}", f"link add {lan.interface} netns {ns} type veth peer name eth0 netns {P}{h}"]
            rl += [f"addr add {lan.gateway} dev {lan.interface}", f"link set {lan.interface} up"]
            per_ns[h] = ["link set lo up", f"addr add {lan.host} dev eth0", "link set eth0 up",
                         f"route add default via {lan.gateway.ip}"]
        per_ns[r.name] = rl
    topo_dir = state_dir / "bin" / "topo"
    topo_dir.mkdir(exist_ok=True)
    (topo_dir / "root.batch").write_text("\n".join(root) + "\n")
    for ns, lines in per_ns.items():
        (topo_dir / f"{ns}.batch").write_text("\n".join(lines) + "\n")


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
    meta = _load(state_dir)
    if meta and meta.get("topology") == _topo_dict(topo) and backend in (None, meta.get("backend")):
        st = status(state_dir)
        if st and all(r["up"] and r["ssh"] and all(r["daemons"].values()) for r in st):
            return {"backend": meta["backend"], "seconds": 0.0, "routers": [r.name for r in topo.routers],
                    "state_dir": str(state_dir), "already_running": True}
    down(state_dir)
    _cleanup_leftovers(topo)
    be = backends.get(backend or detect_backend())
    taken = _run(["ip", "-o", "route", "show", "to", "match", str(topo.mgmt_host.ip)], check=False).stdout
    for line in taken.splitlines():
        if not line.startswith("default"):
            raise LabError(f"the lab's management network {topo.mgmt_network} is already routed on this host "
                           f"({line.strip()}): another lab or interface uses it")
    t0 = time.monotonic()
    state_dir.mkdir(parents=True, exist_ok=True)
    state_dir.chmod(0o700)
    for stale in ("ready", "lab.json"):
        (state_dir / stale).unlink(missing_ok=True)
    for d in ("ctl", "log", "uml", "run"):
        if (state_dir / d).is_dir() and not os.path.ismount(state_dir / d):
            shutil.rmtree(state_dir / d)
    _generate(topo, state_dir, be)
    meta = {"name": topo.name, "backend": be.name, "umid": umid(topo), "tap": tap_name(topo),
            "topology": _topo_dict(topo), "started": time.time()}
    (state_dir / "lab.json").write_text(json.dumps(meta, indent=1))
    try:
        be.start(topo, state_dir)
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
    except BaseException:
        down(state_dir)
        raise
    t_ssh = time.monotonic() - t0
    return {"backend": be.name, "seconds": round(t_ssh, 2), "ready_seconds": round(t_ready, 2),
            "routers": [r.name for r in topo.routers], "state_dir": str(state_dir), "already_running": False}


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
