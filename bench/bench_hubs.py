"""Scale of redundant hubs (issue 23): a hub pair (hq, hq2) and N dual-homed sites in the lab.

Half the sites are homed [hq, hq2], half [hq2, hq], so both hubs carry N primaries-or-backups each
(N + 1 tunnels per hub: every site plus the hub-to-hub link). Per size: lab up, deploy from bare
routers, time from deploy start to all-green verify, verify alone, what deploy and verify cost the
routers (CPU seconds of the lab kernel per router, as bench_scale), then one `grectl drill` of the
first site: failover and fail-back against the OSPF dead interval. One table.

usage (root): PYTHONPATH=. python bench/bench_hubs.py [--sizes 24] [--workers 20] [--ipv6] [--keep] [--wait 600]
Lab name ghscale, management 172.31.227.0/24, state /var/lib/grectl/ghscale (one size at a time).
--keep leaves the last lab up (to read a router: `GRECTL_LAB_DIR=/var/lib/grectl/ghscale grectl lab ...`).
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_scale import cost, pss_mb  # noqa: E402
from controller import inventory, lab  # noqa: E402
from controller.lab import runtime  # noqa: E402
from tasks.deploy import deploy  # noqa: E402
from tasks.drill import drill  # noqa: E402
from tasks.verify import verify  # noqa: E402
from tests.gen_inventory import generate  # noqa: E402

STATE = Path("/var/lib/grectl/ghscale")
NAME, MGMT = "ghscale", "172.31.227.0/24"
HUB2 = "hq2"


def dual_homed(dst: Path, n: int, ipv6: bool) -> Path:
    """bench_scale's hub + N inventory plus a second hub; every site homed on both, alternating."""
    generate(dst, n + 1, lab_name=NAME, mgmt=MGMT)   # one site more: its addresses become hq2's
    ov, hosts = (yaml.safe_load((dst / f).read_text()) for f in ("overlay.yaml", "hosts.yaml"))
    last = f"br{n + 1}"
    hub2 = ov["sites"].pop(last)
    hosts[HUB2] = hosts.pop(last)
    ov["hubs"][HUB2] = {"id": 2, "wan": hub2["wan"], "lans": hub2["lans"]}
    ov["hubs"]["hq"]["id"] = 1
    ov["hub_pool"] = "100.65.0.0/24"
    ov["ospf"].update({"cost": 10, "backup_cost": 100})
    for i, (name, site) in enumerate(sorted(ov["sites"].items(), key=lambda kv: kv[1]["id"])):
        site.pop("hub")
        site["hubs"] = ["hq", HUB2] if i % 2 == 0 else [HUB2, "hq"]
    if ipv6:
        ov["tunnel_pool6"] = "2001:db8:ffff::/48"
        for k, dev in enumerate([*ov["hubs"].values(), *ov["sites"].values()], start=1):
            dev["lans"].append(f"2001:db8:2:{k:x}::/64")
    (dst / "overlay.yaml").write_text(yaml.safe_dump(ov, sort_keys=False))
    (dst / "hosts.yaml").write_text(yaml.safe_dump(hosts, sort_keys=False))
    return dst


def say(msg: str) -> None:
    print(f"  {time.strftime('%H:%M:%S')} {msg}", file=sys.stderr, flush=True)


def failing(checks) -> list[str]:
    return [f"{c.device}/{c.peer} {c.check} {c.reason}: {c.observed}" for c in checks if c.status == "fail"]


def measure(n: int, tmp: Path, workers: int, ipv6: bool, keep: bool, wait: int = 600) -> dict:
    inv = dual_homed(tmp / f"inv{n}", n, ipv6)
    ov = inventory.load(inv)
    routers = n + 2
    row = {"sites": n, "tunnels": len(ov.tunnels), "dead": ov.intent.ospf.dead}
    lab.down(STATE)
    shutil.rmtree(STATE, ignore_errors=True)
    try:
        summary = lab.up(lab.from_inventory(inv), STATE, timeout=600)
        row["up_s"] = summary["seconds"]
        say(f"lab up in {row['up_s']:.1f}s; deploying")
        time.sleep(5)
        row["pss_mb"] = pss_mb(STATE)
        row["load"] = os.getloadavg()[0]
        c0 = runtime.counters(STATE)
        t0 = time.monotonic()
        out = deploy(ov, workers=workers, backup_dir=tmp / "backups", confirm_timeout=600)
        row["deploy_s"] = time.monotonic() - t0
        row["deploy_cpu"], _ = cost(c0, runtime.counters(STATE), routers)
        row["deploy_failed"] = [f"{o.device}: {o.error}" for o in out if o.status not in ("ok", "unchanged")]
        say(f"deployed in {row['deploy_s']:.1f}s; verifying (up to {wait} s for green)")
        checks, _ = verify(ov, wait=wait, workers=workers)
        row["green_s"] = time.monotonic() - t0
        row["still_failing"] = failing(checks)
        row["checks"] = len(checks)
        c2 = runtime.counters(STATE)
        t2 = time.monotonic()
        checks, _ = verify(ov, workers=workers)
        row["verify_s"] = time.monotonic() - t2
        row["verify_cpu"], _ = cost(c2, runtime.counters(STATE), routers)
        row["verify_failing"] = failing(checks)
        row["green"] = not row["deploy_failed"] and not row["still_failing"] and not row["verify_failing"]
        say(f"verify alone {row['verify_s']:.1f}s, {len(row['verify_failing'])} failing; drill")
        site = min(ov.intent.sites, key=lambda s: ov.intent.sites[s].id)
        t3 = time.monotonic()
        try:
            rep = drill(ov, site, workers=workers,
                        progress=lambda m: print(f"  drill: {m}", file=sys.stderr, flush=True))
            row["drill"] = rep.as_dict()
        except Exception as e:  # noqa: BLE001 - a refused or broken drill is a result of the bench
            row["drill"] = {"ok": False, "reason": str(e)}
        row["drill_s"] = time.monotonic() - t3
        row["load_end"] = os.getloadavg()[0]
    finally:
        if not keep:
            lab.down(STATE)
            shutil.rmtree(STATE, ignore_errors=True)
    return row


def fmt(x, spec=".1f") -> str:
    return "-" if x is None else format(x, spec)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="24")
    ap.add_argument("--workers", type=int, default=20)
    ap.add_argument("--ipv6", action="store_true", help="dual-stack LANs and tunnels (OSPFv3 beside OSPF)")
    ap.add_argument("--wait", type=int, default=600, help="seconds verify waits for green after deploy")
    ap.add_argument("--keep", action="store_true", help="leave the last size's lab up")
    args = ap.parse_args()
    os.environ["GRECTL_LAB_DIR"] = str(STATE)
    tmp = Path(tempfile.mkdtemp(prefix="grectl-hubs-"))
    rows = []
    try:
        sizes = [int(x) for x in args.sizes.split(",")]
        for i, n in enumerate(sizes):
            t = time.monotonic()
            rows.append(measure(n, tmp, args.workers, args.ipv6, args.keep and i == len(sizes) - 1,
                                args.wait))
            print(f"2 hubs + {n}: done in {time.monotonic() - t:.0f}s: {rows[-1]}", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{'sites':>5} {'tunnels':>7} {'lab up s':>8} {'PSS MB':>6} {'deploy s':>8} {'green s':>7} "
          f"{'verify s':>8} {'dep s/site':>10} {'ver s/site':>10} {'dep cpu/rtr':>11} {'ver cpu/rtr':>11} "
          f"{'green':>5} {'failover s':>10} {'failback s':>10} {'lost':>4} {'dead+3':>6} {'drill':>5} {'load':>9}")
    for r in rows:
        d = r.get("drill", {})
        print(f"{r['sites']:>5} {r['tunnels']:>7} {r['up_s']:>8.1f} {r['pss_mb']:>6.0f} {r['deploy_s']:>8.1f} "
              f"{r['green_s']:>7.1f} {r['verify_s']:>8.1f} {r['deploy_s'] / r['sites']:>10.2f} "
              f"{r['verify_s'] / r['sites']:>10.2f} {r['deploy_cpu']:>11.2f} {r['verify_cpu']:>11.2f} "
              f"{'yes' if r['green'] else 'NO':>5} {fmt(d.get('failover_s')):>10} {fmt(d.get('failback_s')):>10} "
              f"{d.get('lost_failover', 0) + d.get('lost_failback', 0):>4} {r['dead'] + 3:>6} "
              f"{'ok' if d.get('ok') else 'FAIL':>5} {r['load']:>4.1f}-{r['load_end']:<4.1f}")
    for r in rows:
        if r["deploy_failed"]:
            print(f"2 hubs + {r['sites']} failed devices: {r['deploy_failed'][:5]}")
        for key in ("still_failing", "verify_failing"):
            if r.get(key):
                print(f"2 hubs + {r['sites']} {key.replace('_', ' ')} ({len(r[key])}): {r[key][:8]}")
        d = r.get("drill", {})
        if not d.get("ok"):
            print(f"2 hubs + {r['sites']} drill: {d.get('reason')}")
        if d.get("ospf_events"):
            print(f"2 hubs + {r['sites']} drill OSPF events: {d['ospf_events']}")


if __name__ == "__main__":
    main()
