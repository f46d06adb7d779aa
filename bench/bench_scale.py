"""Scale: hub + N sites in the lab, N = 2, 8, 24, 50, measured in one run, one table.

Per size: lab up (all sshd reachable) and the lab's host memory (PSS of the UML), deploy from bare
routers, time from deploy start to all-green verify, a second deploy (must be 0 changes), verify
alone, and what deploy and verify cost the routers: CPU seconds of the lab kernel (host CPU of
the UML, which runs every router on one CPU) and processes started inside it, per router.
Then the growth per site from 8 to 50. Goals (issue 10): everything green at 50; deploy and
verify time per site at 50 <= 1.2x that at 8; second deploy and verify of hub + 50 < 60 s each.

usage (root): PYTHONPATH=. python bench/bench_scale.py [--sizes 2,8,24,50] [--workers 20]
Lab name gscale, management 172.31.240.0/22, state /var/lib/grectl/gscale (one size at a time).
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from controller import inventory, lab  # noqa: E402
from controller.lab import runtime  # noqa: E402
from tasks.deploy import deploy  # noqa: E402
from tasks.verify import verify  # noqa: E402
from tests.gen_inventory import generate  # noqa: E402

STATE = Path("/var/lib/grectl/gscale")
NAME, MGMT = "gscale", "172.31.240.0/22"


def pss_mb(state: Path) -> float:
    total = 0
    for pid in runtime.lab_pids(state):
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def cost(before: dict, after: dict, routers: int) -> tuple[float, float]:
    if before["cpu_s"] is None or after["cpu_s"] is None:
        return float("nan"), float("nan")
    return ((after["cpu_s"] - before["cpu_s"]) / routers,
            ((after["processes"] or 0) - (before["processes"] or 0)) / routers)


def measure(n: int, tmp: Path, workers: int) -> dict:
    inv = generate(tmp / f"inv{n}", n, lab_name=NAME, mgmt=MGMT)
    ov = inventory.load(inv)
    routers = n + 1
    row = {"sites": n, "load_start": os.getloadavg()[0]}   # the host's: other jobs share the CPUs
    lab.down(STATE)
    shutil.rmtree(STATE, ignore_errors=True)
    try:
        summary = lab.up(lab.from_inventory(inv), STATE, timeout=600)
        row["up_s"] = summary["seconds"]
        time.sleep(5)
        row["pss_mb"] = pss_mb(STATE)
        c0 = runtime.counters(STATE)
        t0 = time.monotonic()
        out = deploy(ov, workers=workers, backup_dir=tmp / "backups", confirm_timeout=600)
        row["deploy_s"] = time.monotonic() - t0
        c1 = runtime.counters(STATE)
        row["deploy_cpu"], row["deploy_procs"] = cost(c0, c1, routers)
        row["deploy_failed"] = [f"{o.device}: {o.error}" for o in out if o.status not in ("ok", "unchanged")]
        row["conn_failures"] = sum("unreachable" in o.error or "connect" in o.error for o in out)
        checks, _ = verify(ov, wait=600, workers=workers)
        row["green_s"] = time.monotonic() - t0
        failing = [c for c in checks if c.status == "fail"]
        row["green"] = not failing
        row["still_failing"] = [f"{c.device}/{c.peer} {c.check}: {c.observed}" for c in failing[:8]]
        row["checks"] = len(checks)
        c1b = runtime.counters(STATE)
        t1 = time.monotonic()
        again = deploy(ov, workers=workers, backup_dir=tmp / "backups")
        row["redeploy_s"] = time.monotonic() - t1
        row["redeploy_cpu"], row["redeploy_procs"] = cost(c1b, runtime.counters(STATE), routers)
        row["redeploy_changes"] = sum(o.changes for o in again)
        row["redeploy_ok"] = all(o.status == "unchanged" for o in again)
        c2 = runtime.counters(STATE)
        t2 = time.monotonic()
        checks, _ = verify(ov, workers=workers)
        row["verify_s"] = time.monotonic() - t2
        c3 = runtime.counters(STATE)
        row["verify_cpu"], row["verify_procs"] = cost(c2, c3, routers)
        failing = [c for c in checks if c.status == "fail"]
        row["verify_green"] = not failing
        row["verify_failing"] = [f"{c.device}/{c.peer} {c.check}: {c.observed}" for c in failing[:8]]
        row["load_end"] = os.getloadavg()[0]
    finally:
        lab.down(STATE)
        shutil.rmtree(STATE, ignore_errors=True)
    return row


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="2,8,24,50")
    ap.add_argument("--workers", type=int, default=20)
    args = ap.parse_args()
    os.environ["GRECTL_LAB_DIR"] = str(STATE)
    tmp = Path(tempfile.mkdtemp(prefix="grectl-scale-"))
    rows = []
    try:
        for n in (int(x) for x in args.sizes.split(",")):
            t = time.monotonic()
            rows.append(measure(n, tmp, args.workers))
            print(f"hub+{n}: done in {time.monotonic() - t:.0f}s: {rows[-1]}", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    head = (f"{'sites':>5} {'lab up s':>8} {'up s/rtr':>8} {'PSS MB':>7} {'deploy s':>8} {'green s':>7} "
            f"{'redeploy s':>10} {'chg':>3} {'verify s':>8} {'dep cpu/rtr':>11} {'dep proc/rtr':>12} "
            f"{'ver cpu/rtr':>11} {'ver proc/rtr':>12} {'2nd cpu/rtr':>11} {'2nd proc/rtr':>12} {'all green':>9}")
    print(head)
    for r in rows:
        green = r["green"] and r["verify_green"] and r["redeploy_ok"] and not r["deploy_failed"]
        print(f"{r['sites']:>5} {r['up_s']:>8.1f} {r['up_s'] / (r['sites'] + 1):>8.2f} {r['pss_mb']:>7.0f} "
              f"{r['deploy_s']:>8.1f} {r['green_s']:>7.1f} {r['redeploy_s']:>10.1f} {r['redeploy_changes']:>3} "
              f"{r['verify_s']:>8.1f} {r['deploy_cpu']:>11.2f} {r['deploy_procs']:>12.0f} {r['verify_cpu']:>11.2f} "
              f"{r['verify_procs']:>12.0f} {r['redeploy_cpu']:>11.2f} {r['redeploy_procs']:>12.0f} "
              f"{'yes' if green else 'NO':>9}")
    for r in rows:
        print(f"hub+{r['sites']}: host load average {r['load_start']:.1f} at the start, "
              f"{r.get('load_end', 0):.1f} at the end")
        if r["deploy_failed"]:
            print(f"hub+{r['sites']} failed devices: {r['deploy_failed'][:5]}")
        for key in ("still_failing", "verify_failing"):
            if r.get(key):
                print(f"hub+{r['sites']} {key.replace('_', ' ')}: {r[key]}")
    by = {r["sites"]: r for r in rows}
    if 8 in by and 50 in by:
        a, b = by[8], by[50]
        for what in ("up_s", "deploy_s", "green_s", "verify_s"):
            print(f"{what:>9} per site, 50 vs 8: x{(b[what] / 50) / (a[what] / 8):.2f}"
                  + ("   (goal <= 1.2)" if what in ("deploy_s", "verify_s") else ""))
        print(f"hub+50: second deploy {b['redeploy_s']:.1f}s, verify {b['verify_s']:.1f}s (goal < 60 s each)")


if __name__ == "__main__":
    main()
