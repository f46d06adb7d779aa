"""What a lab backend is, and the small host helpers the backends share.

A backend runs the lab's scripts (files/lab.sh, router.sh, rx.sh) somewhere that has kernel GRE
and ESP: inside a user-mode-linux kernel (uml.py) or directly on the host (netns.py). The
runtime (runtime.py) generates the state dir, then asks the backend to start, stop, run commands
and report liveness; everything backend-specific lives behind this interface.
"""
from __future__ import annotations

import os
import shlex
import subprocess
import time
from abc import ABC, abstractmethod
from pathlib import Path

from controller.errors import LabError
from controller.lab.topology import LabTopology


def run(argv: list[str], check: bool = True, timeout: float = 60, **kw) -> subprocess.CompletedProcess:
    p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kw)
    if check and p.returncode != 0:
        raise LabError(f"{shlex.join(argv)} failed ({p.returncode}): {(p.stderr or p.stdout).strip()}")
    return p


def pid_alive(pid: int | None) -> bool:
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


def wait_gone(pids: set[int], seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if not any(pid_alive(p) for p in pids):
            return True
        time.sleep(0.1)
    return not any(pid_alive(p) for p in pids)


def link_exists(name: str) -> bool:
    return run(["ip", "link", "show", "dev", name], check=False).returncode == 0


def tail(path: Path, n: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return ""


class Backend(ABC):
    """One way of running the lab. Stateless: everything it needs is in the state dir and lab.json
    (``meta``), so `down`, `status` and `exec` work from any process."""

    name: str = ""

    # --- the environment the lab scripts see (bin/env.sh)
    @abstractmethod
    def script_env(self, topo: LabTopology, state_dir: Path) -> dict[str, str]:
        """RUN (where namespace files and router dirs live) and P (namespace name prefix)."""

    # --- lifecycle
    @abstractmethod
    def start(self, topo: LabTopology, state_dir: Path) -> None:
        """Start building the lab; `ready` appears in the state dir once every router's daemons
        were started (it may appear before this returns, or later)."""

    def check_boot(self, topo: LabTopology, state_dir: Path, elapsed: float) -> None:
        """Raise LabError while waiting for `ready` if the lab can no longer come up."""

    @abstractmethod
    def stop(self, state_dir: Path, meta: dict) -> str:
        """Stop the lab and remove what it made on the host; returns how ("not running" if it was not)."""

    @abstractmethod
    def cleanup_leftovers(self, lab_name: str) -> None:
        """Remove leftovers of a lab of this name that no state dir knows about (a crash)."""

    @abstractmethod
    def alive(self, state_dir: Path, meta: dict) -> bool:
        """The lab's routers exist (given `ready` exists)."""

    @abstractmethod
    def run_in_lab(self, state_dir: Path, meta: dict, cmd: list[str], timeout: float) -> tuple[int, str]:
        """Run a command in the namespace that holds the lab (UML root / the host); (rc, output)."""

    def pids(self, state_dir: Path, meta: dict) -> list[int]:
        """Host processes that make up the lab (for memory figures)."""
        return []
