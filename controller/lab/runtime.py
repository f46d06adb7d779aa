"""Real-router lab: one network namespace per router, inside a user-mode-linux kernel ("uml")
or directly on the host ("netns", needs ip_gre and esp4 in the host kernel).

The host side lives here; the scripts that build the namespaces and run the daemons
(lab.sh, router.sh, rx.sh, umlinit.sh, modprobe.sh) are package data, copied into the state dir.

State dir layout:
  lab.json                  topology, backend, umid, TAP name (present while the lab exists)
  id_ed25519[.pub]          the lab's SSH key (root on every router); known_hosts: router host keys
  bin/                      env.sh + topo.sh (generated), lab.sh, router.sh, rx, umlinit.sh, modprobe,
                            uml-xstate.{c,so} (ptrace shim for linux.uml)
  gen/<router>/etc/         files laid over the router's /etc (sshd_config, host key, strongswan.conf,
                            frr/{daemons,frr.conf,vtysh.conf}, swanctl/conf.d/, grectl/)
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
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path

from controller.errors import LabError
from controller.lab.topology import LabTopology

PKG = Path(__file__).resolve().parent
SCRIPTS = {"lab.sh": "lab.sh", "router.sh": "router.sh", "rx.sh": "rx", "umlinit.sh": "umlinit.sh",
           "modprobe.sh": "modprobe"}
DAEMONS = ("sshd", "charon", "zebra", "ospfd", "staticd")
UML_KERNEL = "/usr/bin/linux.uml"
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,7}$")
NODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
IFNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{1,15}$")
CHARON_PLUGINS = ("random nonce openssl pem pkcs1 pkcs8 x509 pubkey revocation constraints aes sha1 sha2 hmac gcm "
                  "kdf curve25519 kernel-netlink socket-default vici updown").split()
SWANCTL_PLUGINS = "random nonce openssl pem pkcs1 pkcs8 x509 pubkey revocation constraints".split()
PLUGIN_DIR = Path("/usr/lib/ipsec/plugins")
STRONGSWAN_CONF = """\
# grectl lab router: lean plugin lists (all Debian plugins make charon start slowly under UML)
swanctl {{
  load = {swanctl}
}}
charon {{
  load_modular = no
  load = {charon}
  install_routes = no
  filelog {{
    lab {{
      path = /var/log/charon.log
      time_format = %T
      ike_name = yes
      default = 1
      flush_line = yes
    }}
  }}
  syslog {{
    daemon {{
      default = -1
    }}
  }}
}}
include /etc/strongswan.d/*.conf
"""
SSHD_CONFIG = """\
# grectl lab router {name}
ListenAddress {mgmt_ip}
HostKey /etc/ssh/ssh_host_ed25519_key
PidFile /run/sshd.pid
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
UsePAM no
UseDNS no
PrintMotd no
PrintLastLog no
MaxStartups 30:30:100
AcceptEnv LANG LC_*
Subsystem sftp /usr/lib/openssh/sftp-server
"""


# ---------------------------------------------------------------- names and state

LAB_ROOT = Path("/var/lib/grectl/lab")


def default_state_dir(lab_name: str) -> Path:
    """Where a lab keeps its state unless told otherwise."""
    return LAB_ROOT / lab_name


def tap_name(topo: LabTopology) -> str:
    return f"gl{topo.name}"


def umid(topo: LabTopology) -> str:
    return f"grectl-{topo.name}"


def _run(argv: list[str], check: bool = True, timeout: float = 60, **kw) -> subprocess.CompletedProcess:
    p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kw)
    if check and p.returncode != 0:
        raise LabError(f"{shlex.join(argv)} failed ({p.returncode}): {(p.stderr or p.stdout).strip()}")
    return p


def _load(state_dir: Path) -> dict | None:
    try:
        return json.loads((state_dir / "lab.json").read_text())
    except (OSError, ValueError):
        return None


def _topo_dict(topo: LabTopology) -> dict:
    return json.loads(json.dumps(asdict(topo), default=str))


def _pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie is not alive
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except OSError:
        return False


def _uml_pid(state_dir: Path, meta: dict) -> int | None:
    try:
        return int((state_dir / "uml" / meta["umid"] / "pid").read_text().strip())
    except (OSError, ValueError, KeyError):
        return None


def _uml_pids_by_umid(uid: str, state_dir: Path | None = None) -> list[int]:
    pattern = f"^{re.escape(UML_KERNEL)} umid={re.escape(uid)} "
    if state_dir is not None:
        pattern += f"uml_dir={re.escape(str(state_dir / 'uml'))} "
    p = _run(["pgrep", "-f", pattern], check=False)
    return [int(x) for x in p.stdout.split()]


def _link_exists(name: str) -> bool:
    return _run(["ip", "link", "show", "dev", name], check=False).returncode == 0


def _validate(topo: LabTopology, state_dir: Path) -> None:
    problems = []
    if not NAME_RE.match(topo.name):
        problems.append(f"lab name {topo.name!r} must match [a-z0-9-]{{1,8}}")
    if not topo.routers:
        problems.append("the lab has no routers")
    names = [r.name for r in topo.routers]
    if len(set(names)) != len(names):
        problems.append("duplicate router names")
    for r in topo.routers:
        if not NODE_RE.match(r.name) or r.name in ("internet", "root") or r.name.startswith("lan-"):
            problems.append(f"router name {r.name!r} is not usable as a namespace name")
        if r.mgmt_ip not in topo.mgmt_network:
            problems.append(f"{r.name}: mgmt ip {r.mgmt_ip} not in {topo.mgmt_network}")
        for ifname in [r.wan_interface] + [lan.interface for lan in r.lans]:
            if not IFNAME_RE.match(ifname) or ifname in ("mgmt0", "lo"):
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


def _generate(topo: LabTopology, state_dir: Path, backend: str) -> None:
    for d in ("bin", "gen", "log", "ctl/q", "ctl/out", "ctl/run", "uml"):
        (state_dir / d).mkdir(parents=True, exist_ok=True)
    for src, dst in SCRIPTS.items():
        shutil.copy(PKG / src, state_dir / "bin" / dst)
        (state_dir / "bin" / dst).chmod(0o755)
    _keygen(state_dir / "id_ed25519", f"grectl-lab-{topo.name}")
    known = []
    daemons = _frr_daemons()
    strongswan_conf = STRONGSWAN_CONF.format(charon=" ".join(_installed(CHARON_PLUGINS)),
                                             swanctl=" ".join(_installed(SWANCTL_PLUGINS)))
    for r in topo.routers:
        etc = state_dir / "gen" / r.name / "etc"
        (etc / "ssh").mkdir(parents=True, exist_ok=True)
        (etc / "frr").mkdir(parents=True, exist_ok=True)
        (etc / "swanctl" / "conf.d").mkdir(parents=True, exist_ok=True)
        (etc / "grectl").mkdir(parents=True, exist_ok=True)
        key = etc / "ssh" / "ssh_host_ed25519_key"
        _keygen(key, r.name)
        key.chmod(0o600)
        pub = (etc / "ssh" / "ssh_host_ed25519_key.pub").read_text().split()
        known.append(f"{r.mgmt_ip} {pub[0]} {pub[1]}")
        (etc / "ssh" / "sshd_config").write_text(SSHD_CONFIG.format(name=r.name, mgmt_ip=r.mgmt_ip))
        (etc / "strongswan.conf").write_text(strongswan_conf)
        (etc / "frr" / "daemons").write_text(daemons)
        (etc / "frr" / "vtysh.conf").write_text("service integrated-vtysh-config\n")
        (etc / "frr" / "frr.conf").write_text(f"hostname {r.name}\n")
        for f in (etc / "frr").iterdir():
            f.chmod(0o640)
        (etc / "hostname").write_text(r.name + "\n")
    (state_dir / "known_hosts").write_text("\n".join(known) + "\n")

    plen = topo.mgmt_network.prefixlen
    env = {
        "MODE": backend,
        "STATE": str(state_dir),
        "RUN": "/run/lab" if backend == "uml" else str(state_dir / "run"),
        "P": "" if backend == "uml" else f"{topo.name}-",
        "BR": f"gl{topo.name}-br",
        "MP": f"gl{topo.name}-m",
        "MGMT_HOST": str(topo.mgmt_host),
        "ROUTERS": " ".join(r.name for r in topo.routers),
    }
    (state_dir / "bin" / "env.sh").write_text("".join(f"{k}={shlex.quote(v)}\n" for k, v in env.items()))
    lines = ["# generated by grectl: the lab topology", "add_internet"]
    for i, r in enumerate(topo.routers, 1):
        inet_if = f"to-{r.name}" if len(r.name) <= 12 else f"w{i}"
        lines.append(shlex.join(["add_router", r.name, str(i), r.wan_interface, str(r.wan),
                                 f"{r.wan_gateway}/{r.wan.network.prefixlen}", str(r.underlay_mtu),
                                 f"{r.mgmt_ip}/{plen}", inet_if]))
        for j, lan in enumerate(r.lans):
            lines.append(shlex.join(["add_lan", r.name, str(j), lan.interface, str(lan.gateway),
                                     str(lan.host)]))
    (state_dir / "bin" / "topo.sh").write_text("\n".join(lines) + "\n")


# ---------------------------------------------------------------- backends

XSTATE_SHIM_C = r"""
/* LD_PRELOAD for linux.uml: ptrace(PTRACE_{GET,SET}REGSET, NT_X86_XSTATE) with UML's fixed-size
   buffer fails (EFAULT) on hosts whose XSAVE area is bigger (AVX-512, AMX). Bounce through a
   full-size buffer: GET returns the leading part; SET merges UML's part into the task's state. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/uio.h>
#define NT_XSTATE 0x202
#define BIG 65536
typedef long (*ptrace_fn)(int, pid_t, void *, void *);
static __thread unsigned char bounce[BIG] __attribute__((aligned(64)));

long ptrace(enum __ptrace_request req, ...)
{
	static ptrace_fn real;
	va_list ap;
	va_start(ap, req);
	pid_t pid = va_arg(ap, pid_t);
	void *addr = va_arg(ap, void *);
	void *data = va_arg(ap, void *);
	va_end(ap);
	if (!real)
		real = (ptrace_fn)dlsym(RTLD_NEXT, "ptrace");
	if ((req == PTRACE_GETREGSET || req == PTRACE_SETREGSET) && (long)addr == NT_XSTATE && data) {
		struct iovec *iov = data, full = { bounce, BIG };
		long r = real(PTRACE_GETREGSET, pid, addr, &full);
		if (r < 0)
			return r;
		size_t n = iov->iov_len < full.iov_len ? iov->iov_len : full.iov_len;
		if (req == PTRACE_GETREGSET) {
			memcpy(iov->iov_base, bounce, n);
			iov->iov_len = n;
			return 0;
		}
		memcpy(bounce, iov->iov_base, n);
		return real(PTRACE_SETREGSET, pid, addr, &full);
	}
	return real(req, pid, addr, data);
}
"""


def _xstate_shim(state_dir: Path) -> str | None:
    """Build the LD_PRELOAD ptrace shim for linux.uml (see its comment); None without a C compiler.

    Without it, UML 6.1 dies at boot on hosts with AVX-512/AMX ("ptrace set fp regs failed").
    """
    cc = shutil.which("cc") or shutil.which("gcc")
    if not cc:
        return None
    src, so = state_dir / "bin" / "uml-xstate.c", state_dir / "bin" / "uml-xstate.so"
    src.write_text(XSTATE_SHIM_C)
    p = subprocess.run([cc, "-shared", "-fPIC", "-O2", "-o", str(so), str(src), "-ldl"],
                       capture_output=True, text=True)
    return str(so) if p.returncode == 0 else None


def _uml_mem_mb(topo: LabTopology) -> int:
    return 192 + 40 * len(topo.routers)


def _start_uml(topo: LabTopology, state_dir: Path) -> None:
    if not Path(UML_KERNEL).exists():
        raise LabError(f"{UML_KERNEL} not found: install the user-mode-linux package")
    tap = tap_name(topo)
    _run(["ip", "tuntap", "add", "dev", tap, "mode", "tap"])
    _run(["sysctl", "-qw", f"net.ipv6.conf.{tap}.disable_ipv6=1"], check=False)
    _run(["ip", "addr", "add", str(topo.mgmt_host), "dev", tap])
    _run(["ip", "link", "set", tap, "up"])
    argv = [UML_KERNEL, f"umid={umid(topo)}", f"uml_dir={state_dir / 'uml'}", f"mem={_uml_mem_mb(topo)}M",
            "rootfstype=hostfs", "rootflags=/", "ro", f"init={state_dir / 'bin' / 'umlinit.sh'}",
            "con=null", "con0=null,fd:1", "ssl=null", f"vec0:transport=tap,ifname={tap}",
            f"LAB_STATE={state_dir}"]
    env = dict(os.environ)
    shim = _xstate_shim(state_dir)
    if shim:
        env["LD_PRELOAD"] = shim
    # setsid -f: the kernel is not our child, so no zombie is left behind in long-lived callers
    with open(state_dir / "log" / "console.log", "w") as console:
        subprocess.run(["setsid", "-f", *argv], stdin=subprocess.DEVNULL, stdout=console,
                       stderr=subprocess.STDOUT, cwd=state_dir, env=env, check=True)


def _start_netns(state_dir: Path) -> None:
    with open(state_dir / "log" / "init.log", "a") as log:
        p = subprocess.run([str(state_dir / "bin" / "lab.sh"), "up"], stdin=subprocess.DEVNULL,
                           stdout=log, stderr=subprocess.STDOUT, timeout=300)
    if p.returncode != 0:
        raise LabError(f"lab.sh up failed ({p.returncode}); see {state_dir / 'log' / 'init.log'}")
    (state_dir / "ready").write_text("netns\n")


def _tcp_open(ip: str, port: int = 22, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((ip, port), timeout=timeout):
            return True
    except OSError:
        return False


def _tail(path: Path, n: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return ""


# ---------------------------------------------------------------- public API

def up(topo: LabTopology, state_dir: Path, backend: str | None = None, timeout: float = 120) -> dict:
    state_dir = Path(state_dir).resolve()
    _validate(topo, state_dir)
    if backend not in (None, "uml", "netns"):
        raise LabError(f"unknown lab backend {backend!r} (uml or netns)")
    meta = _load(state_dir)
    if meta and meta.get("topology") == _topo_dict(topo) and backend in (None, meta.get("backend")):
        st = status(state_dir)
        if st and all(r["up"] and r["ssh"] and all(r["daemons"].values()) for r in st):
            return {"backend": meta["backend"], "seconds": 0.0, "routers": [r.name for r in topo.routers],
                    "state_dir": str(state_dir), "already_running": True}
    down(state_dir)
    _cleanup_leftovers(topo)
    backend = backend or detect_backend()
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
    _generate(topo, state_dir, backend)
    meta = {"name": topo.name, "backend": backend, "umid": umid(topo), "tap": tap_name(topo),
            "topology": _topo_dict(topo), "started": time.time()}
    (state_dir / "lab.json").write_text(json.dumps(meta, indent=1))
    try:
        if backend == "uml":
            _start_uml(topo, state_dir)
        else:
            _start_netns(state_dir)
        deadline = t0 + timeout
        while not (state_dir / "ready").exists():
            if backend == "uml" and time.monotonic() > t0 + 5 and not _uml_pids_by_umid(umid(topo)):
                raise LabError("the UML kernel exited during boot:\n"
                               + _tail(state_dir / "log" / "console.log") + _tail(state_dir / "log" / "init.log"))
            if time.monotonic() > deadline:
                raise LabError(f"lab not ready after {timeout:.0f}s:\n" + _tail(state_dir / "log" / "init.log"))
            time.sleep(0.2)
        t_ready = time.monotonic() - t0
        pending = {str(r.mgmt_ip) for r in topo.routers}
        while pending:
            pending = {ip for ip in pending if not _tcp_open(ip, 22, 0.5)}
            if pending and time.monotonic() > deadline:
                raise LabError(f"sshd not reachable on {sorted(pending)} after {timeout:.0f}s")
            if pending:
                time.sleep(0.2)
    except BaseException:
        down(state_dir)
        raise
    t_ssh = time.monotonic() - t0
    return {"backend": backend, "seconds": round(t_ssh, 2), "ready_seconds": round(t_ready, 2),
            "routers": [r.name for r in topo.routers], "state_dir": str(state_dir), "already_running": False}


def kill_uml(uid: str, seconds: float = 15.0) -> bool:
    """SIGKILL every process of one UML until none is left: a crashed UML can leave helpers that
    appear after the first sweep (seen: one stuck in tracing stop). True when all are gone."""
    end = time.monotonic() + seconds
    while True:
        pids = _uml_pids_by_umid(uid)
        if not pids:
            return True
        if time.monotonic() > end:
            return False
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.2)


def _cleanup_leftovers(topo: LabTopology) -> None:
    """Leftovers of this lab that no state dir knows about (a crash, another state dir)."""
    kill_uml(umid(topo))
    for link in (tap_name(topo), f"gl{topo.name}-br"):
        if _link_exists(link):
            _run(["ip", "link", "del", link], check=False)
    prefix = f"{topo.name}-"
    for ns in _run(["ip", "netns", "list"], check=False).stdout.split("\n"):
        ns = ns.split(" ")[0]
        if ns.startswith(prefix):
            pids = _run(["ip", "netns", "pids", ns], check=False).stdout.split()
            for pid in pids:
                os.kill(int(pid), signal.SIGKILL)
            _run(["ip", "netns", "del", ns], check=False)


def down(state_dir: Path) -> dict:
    state_dir = Path(state_dir).resolve()
    meta = _load(state_dir)
    if not meta:
        return {"stopped": False, "how": "not running"}
    how = "not running"
    if meta["backend"] == "uml":
        pid = _uml_pid(state_dir, meta)
        pids = set(_uml_pids_by_umid(meta["umid"], state_dir)) | ({pid} if _pid_alive(pid) else set())
        if pids:
            how = "graceful"
            (state_dir / "ctl").mkdir(exist_ok=True)
            (state_dir / "ctl" / "halt").touch()
            if not _wait_gone(pids, 20):
                how = "mconsole"
                _run(["uml_mconsole", str(state_dir / "uml" / meta["umid"] / "mconsole"), "halt"],
                     check=False, timeout=10)
                if not _wait_gone(pids, 10):
                    how = "sigkill"
        kill_uml(meta["umid"])  # also any straggler the halt left behind
        if _link_exists(meta["tap"]):
            _run(["ip", "link", "del", meta["tap"]], check=False)
        shutil.rmtree(state_dir / "uml" / meta["umid"], ignore_errors=True)
    else:
        if (state_dir / "bin" / "lab.sh").exists():
            how = "stopped"
            _run([str(state_dir / "bin" / "lab.sh"), "stop"], check=False, timeout=120)
        topo_name = meta["name"]
        _cleanup_leftovers(_fake_topo(topo_name))
    (state_dir / "ready").unlink(missing_ok=True)
    (state_dir / "lab.json").unlink()
    (state_dir / "ctl" / "halt").unlink(missing_ok=True)
    return {"stopped": how != "not running", "how": how}


def _fake_topo(name: str) -> LabTopology:
    from ipaddress import IPv4Interface, IPv4Network
    return LabTopology(name=name, mgmt_network=IPv4Network("0.0.0.0/0"), mgmt_host=IPv4Interface("0.0.0.0/0"))


def _wait_gone(pids: set[int], seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if not any(_pid_alive(p) for p in pids):
            return True
        time.sleep(0.1)
    return not any(_pid_alive(p) for p in pids)


def _running(state_dir: Path, meta: dict) -> bool:
    if not (state_dir / "ready").exists():
        return False
    if meta["backend"] == "uml":
        return _pid_alive(_uml_pid(state_dir, meta))
    return True


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
    if meta["backend"] == "netns":
        try:
            p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout + 10)
        except subprocess.TimeoutExpired:
            return 124, "timeout"
        return p.returncode, p.stdout + p.stderr
    ctl = state_dir / "ctl"
    qid = f"{time.time_ns()}-{os.getpid()}-{secrets.token_hex(3)}"
    tmp = ctl / "q" / f".{qid}"
    tmp.write_text(shlex.join(cmd) + "\n")
    tmp.rename(ctl / "q" / f"{qid}.sh")
    rc_file, out_file = ctl / "out" / f"{qid}.rc", ctl / "out" / f"{qid}.out"
    end = time.monotonic() + timeout + 15
    while not rc_file.exists():
        if time.monotonic() > end or not _pid_alive(_uml_pid(state_dir, meta)):
            (ctl / "q" / f"{qid}.sh").unlink(missing_ok=True)
            raise LabError(f"exec on {router}: no answer from the lab after {timeout:.0f}s")
        time.sleep(0.05)
    rc = int(rc_file.read_text().strip() or 1)
    out = out_file.read_text(errors="replace")
    rc_file.unlink(missing_ok=True)
    out_file.unlink(missing_ok=True)
    return rc, out


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
    with ThreadPoolExecutor(max_workers=max(1, len(routers))) as pool:
        ssh = list(pool.map(lambda r: bool(daemon_state) and _tcp_open(r["mgmt_ip"]), routers))
    result = []
    for r, ok in zip(routers, ssh):
        d = daemon_state.get(r["name"], {})
        result.append({"name": r["name"], "mgmt_ip": r["mgmt_ip"], "up": d.get("up", False), "ssh": ok,
                       "daemons": {k: d.get(k, False) for k in DAEMONS}})
    return result


def ssh_settings(state_dir: Path) -> dict:
    state_dir = Path(state_dir).resolve()
    return {"username": "root", "key_file": str(state_dir / "id_ed25519"),
            "known_hosts": str(state_dir / "known_hosts")}
