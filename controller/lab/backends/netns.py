"""Native backend: the router namespaces live on the host (needs ip_gre and esp4 in the host kernel)."""
from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from controller.errors import LabError
from controller.lab.backends.base import Backend, link_exists, run
from controller.lab.topology import LabTopology


class NetnsBackend(Backend):
    name = "netns"

    def script_env(self, topo: LabTopology, state_dir: Path) -> dict[str, str]:
        return {"RUN": str(state_dir / "run"), "P": f"{topo.name}-"}

    def start(self, topo: LabTopology, state_dir: Path) -> None:
        with open(state_dir / "log" / "init.log", "a") as log:
            p = subprocess.run([str(state_dir / "bin" / "lab.sh"), "up"], stdin=subprocess.DEVNULL,
                               stdout=log, stderr=subprocess.STDOUT, timeout=600)
        if p.returncode != 0:
            raise LabError(f"lab.sh up failed ({p.returncode}); see {state_dir / 'log' / 'init.log'}")
        (state_dir / "ready").write_text("netns\n")

    def stop(self, state_dir: Path, meta: dict) -> str:
        how = "not running"
        if (state_dir / "bin" / "lab.sh").exists():
            how = "stopped"
            run([str(state_dir / "bin" / "lab.sh"), "stop"], check=False, timeout=120)
        self.cleanup_leftovers(meta["name"])
        return how

    def cleanup_leftovers(self, lab_name: str) -> None:
        link = f"gl{lab_name}-br"
        if link_exists(link):
            run(["ip", "link", "del", link], check=False)
        prefix = f"{lab_name}-"
        for ns in namespaces(prefix):
            for pid in run(["ip", "netns", "pids", ns], check=False).stdout.split():
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except ProcessLookupError:
                    pass
            run(["ip", "netns", "del", ns], check=False)

    def alive(self, state_dir: Path, meta: dict) -> bool:
        return True

    def run_in_lab(self, state_dir: Path, meta: dict, cmd: list[str], timeout: float) -> tuple[int, str]:
        try:
            p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout + 10)
        except subprocess.TimeoutExpired:
            return 124, "timeout"
        return p.returncode, p.stdout + p.stderr

    def pids(self, state_dir: Path, meta: dict) -> list[int]:
        out = []
        for ns in namespaces(f"{meta['name']}-"):
            out += [int(p) for p in run(["ip", "netns", "pids", ns], check=False).stdout.split()]
        return out


def namespaces(prefix: str) -> list[str]:
    names = [line.split(" ")[0] for line in run(["ip", "netns", "list"], check=False).stdout.split("\n")]
    return [n for n in names if n.startswith(prefix)]
