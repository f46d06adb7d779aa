"""UML backend: the router namespaces live inside one user-mode-linux kernel (Debian's linux.uml),
whose root is the host's / over hostfs, read-only; only the state dir is writable. The kernel's
NIC is a host TAP; its init (files/umlinit.sh) builds the lab and serves a command queue in the
state dir (ctl/q -> ctl/out), which is how the host runs commands inside."""
from __future__ import annotations

import os
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import time
from pathlib import Path

from controller.errors import LabError
from controller.lab.backends.base import Backend, link_exists, pid_alive, run, tail, wait_gone
from controller.lab.topology import LabTopology

UML_KERNEL = "/usr/bin/linux.uml"
FILES = Path(__file__).resolve().parent.parent / "files"


def tap_name(lab_name: str) -> str:
    return f"gl{lab_name}"


def umid(lab_name: str) -> str:
    return f"grectl-{lab_name}"


def mem_mb(routers: int) -> int:
    return 192 + 40 * routers


def uml_pids_by_umid(uid: str, state_dir: Path | None = None) -> list[int]:
    pattern = f"^{re.escape(UML_KERNEL)} umid={re.escape(uid)} "
    if state_dir is not None:
        pattern += f"uml_dir={re.escape(str(state_dir / 'uml'))} "
    p = run(["pgrep", "-f", pattern], check=False)
    return [int(x) for x in p.stdout.split()]


def kill_uml(uid: str, seconds: float = 15.0) -> bool:
    """SIGKILL every process of one UML until none is left: a crashed UML can leave helpers that
    appear after the first sweep (seen: one stuck in tracing stop). True when all are gone."""
    end = time.monotonic() + seconds
    while True:
        pids = uml_pids_by_umid(uid)
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


def xstate_shim(state_dir: Path) -> str | None:
    """Build the LD_PRELOAD ptrace shim for linux.uml (files/uml-xstate.c); None without a C compiler.

    Without it, UML 6.1 dies at boot on hosts with AVX-512/AMX ("ptrace set fp regs failed").
    """
    cc = shutil.which("cc") or shutil.which("gcc")
    if not cc:
        return None
    src, so = state_dir / "bin" / "uml-xstate.c", state_dir / "bin" / "uml-xstate.so"
    shutil.copy(FILES / "uml-xstate.c", src)
    p = subprocess.run([cc, "-shared", "-fPIC", "-O2", "-o", str(so), str(src), "-ldl"],
                       capture_output=True, text=True)
    return str(so) if p.returncode == 0 else None


class UmlBackend(Backend):
    name = "uml"

    def script_env(self, topo: LabTopology, state_dir: Path) -> dict[str, str]:
        return {"RUN": "/run/lab", "P": ""}

    def start(self, topo: LabTopology, state_dir: Path) -> None:
        if not Path(UML_KERNEL).exists():
            raise LabError(f"{UML_KERNEL} not found: install the user-mode-linux package")
        tap = tap_name(topo.name)
        run(["ip", "tuntap", "add", "dev", tap, "mode", "tap"])
        run(["sysctl", "-qw", f"net.ipv6.conf.{tap}.disable_ipv6=1"], check=False)
        run(["ip", "addr", "add", str(topo.mgmt_host), "dev", tap])
        run(["ip", "link", "set", tap, "up"])
        argv = [UML_KERNEL, f"umid={umid(topo.name)}", f"uml_dir={state_dir / 'uml'}",
                f"mem={mem_mb(len(topo.routers))}M", "rootfstype=hostfs", "rootflags=/", "ro",
                f"init={state_dir / 'bin' / 'umlinit.sh'}", "con=null", "con0=null,fd:1", "ssl=null",
                f"vec0:transport=tap,ifname={tap}", f"LAB_STATE={state_dir}"]
        env = dict(os.environ)
        shim = xstate_shim(state_dir)
        if shim:
            env["LD_PRELOAD"] = shim
        # setsid -f: the kernel is not our child, so no zombie is left behind in long-lived callers
        with open(state_dir / "log" / "console.log", "w") as console:
            subprocess.run(["setsid", "-f", *argv], stdin=subprocess.DEVNULL, stdout=console,
                           stderr=subprocess.STDOUT, cwd=state_dir, env=env, check=True)

    def check_boot(self, topo: LabTopology, state_dir: Path, elapsed: float) -> None:
        if elapsed > 5 and not uml_pids_by_umid(umid(topo.name)):
            raise LabError("the UML kernel exited during boot:\n"
                           + tail(state_dir / "log" / "console.log") + tail(state_dir / "log" / "init.log"))

    def _pid(self, state_dir: Path, meta: dict) -> int | None:
        try:
            return int((state_dir / "uml" / meta["umid"] / "pid").read_text().strip())
        except (OSError, ValueError, KeyError):
            return None

    def stop(self, state_dir: Path, meta: dict) -> str:
        how = "not running"
        pid = self._pid(state_dir, meta)
        pids = set(uml_pids_by_umid(meta["umid"], state_dir)) | ({pid} if pid_alive(pid) else set())
        if pids:
            how = "graceful"
            (state_dir / "ctl").mkdir(exist_ok=True)
            (state_dir / "ctl" / "halt").touch()
            if not wait_gone(pids, 20):
                how = "mconsole"
                run(["uml_mconsole", str(state_dir / "uml" / meta["umid"] / "mconsole"), "halt"],
                    check=False, timeout=10)
                if not wait_gone(pids, 10):
                    how = "sigkill"
        kill_uml(meta["umid"])  # also any straggler the halt left behind
        if link_exists(meta["tap"]):
            run(["ip", "link", "del", meta["tap"]], check=False)
        shutil.rmtree(state_dir / "uml" / meta["umid"], ignore_errors=True)
        return how

    def cleanup_leftovers(self, lab_name: str) -> None:
        kill_uml(umid(lab_name))
        if link_exists(tap_name(lab_name)):
            run(["ip", "link", "del", tap_name(lab_name)], check=False)

    def alive(self, state_dir: Path, meta: dict) -> bool:
        return pid_alive(self._pid(state_dir, meta))

    def run_in_lab(self, state_dir: Path, meta: dict, cmd: list[str], timeout: float) -> tuple[int, str]:
        """Through the init's command queue: drop ctl/q/<id>.sh, wait for ctl/out/<id>.rc."""
        ctl = state_dir / "ctl"
        qid = f"{time.time_ns()}-{os.getpid()}-{secrets.token_hex(3)}"
        tmp = ctl / "q" / f".{qid}"
        tmp.write_text(shlex.join(cmd) + "\n")
        tmp.rename(ctl / "q" / f"{qid}.sh")
        rc_file, out_file = ctl / "out" / f"{qid}.rc", ctl / "out" / f"{qid}.out"
        end = time.monotonic() + timeout + 15
        while not rc_file.exists():
            if time.monotonic() > end or not self.alive(state_dir, meta):
                (ctl / "q" / f"{qid}.sh").unlink(missing_ok=True)
                raise LabError(f"no answer from the lab after {timeout:.0f}s")
            time.sleep(0.05)
        rc = int(rc_file.read_text().strip() or 1)
        out = out_file.read_text(errors="replace")
        rc_file.unlink(missing_ok=True)
        out_file.unlink(missing_ok=True)
        return rc, out

    def pids(self, state_dir: Path, meta: dict) -> list[int]:
        return uml_pids_by_umid(meta["umid"])
