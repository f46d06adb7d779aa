"""Lab cost: time to bring the lab up (all sshd reachable) and host memory, hub + 2 vs hub + 8.

usage (root): PYTHONPATH=. python bench/bench_lab.py [--backend uml|netns]
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from controller import lab  # noqa: E402
from controller.lab import runtime  # noqa: E402
from tests.lab.topologies import hub_and_spokes  # noqa: E402


def _mem_kb(pid: int) -> tuple[int, int]:
    pss = rss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1])
            elif line.startswith("Rss:"):
                rss = int(line.split()[1])
    except OSError:
        pass
    return pss, rss


def lab_pids(topo, meta: dict) -> list[int]:
    if meta["backend"] == "uml":
        return runtime._uml_pids_by_umid(runtime.umid(topo))
    ns = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout.split()
    pids = []
    for n in ns:
        if n.startswith(f"{topo.name}-"):
            pids += [int(p) for p in subprocess.run(["ip", "netns", "pids", n], capture_output=True,
                                                    text=True).stdout.split()]
    return pids


def measure(topo, backend: str | None) -> dict:
    state = Path(f"/var/lib/grectl/bench-{topo.name}")
    shutil.rmtree(state, ignore_errors=True)
    state.mkdir(parents=True)
    try:
        summary = lab.up(topo, state, backend=backend, timeout=300)
        time.sleep(3)  # let the daemons settle
        meta = runtime._load(state)
        pids = lab_pids(topo, meta)
        pss = rss = 0
        for p in pids:
            a, b = _mem_kb(p)
            pss, rss = pss + a, rss + b
        return {"routers": len(topo.routers), "backend": summary["backend"], "up_s": summary["seconds"],
                "ready_s": summary["ready_seconds"], "pss_mb": pss / 1024, "rss_mb": rss / 1024,
                "processes": len(pids)}
    finally:
        lab.down(state)
        shutil.rmtree(state, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", choices=["uml", "netns"])
    args = ap.parse_args()
    rows = [measure(hub_and_spokes("bench3", 2, mtu=1500, mgmt=78), args.backend),
            measure(hub_and_spokes("bench9", 8, mtu=1500, mgmt=79), args.backend)]
    t = Table("routers", "backend", "up (sshd reachable) s", "init done s", "host PSS MB", "host RSS MB", "processes")
    for r in rows:
        t.add_row(str(r["routers"]), r["backend"], f"{r['up_s']:.1f}", f"{r['ready_s']:.1f}", f"{r['pss_mb']:.0f}",
                  f"{r['rss_mb']:.0f}", str(r["processes"]))
    Console(width=120).print(t)
    a, b = rows
    print(f"hub+8 / hub+2: time x{b['up_s'] / a['up_s']:.2f}, PSS x{b['pss_mb'] / a['pss_mb']:.2f}; "
          f"per extra router: {(b['up_s'] - a['up_s']) / 6:.2f} s, {(b['pss_mb'] - a['pss_mb']) / 6:.0f} MB PSS")


if __name__ == "__main__":
    main()
