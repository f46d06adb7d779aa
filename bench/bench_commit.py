"""What a Linux commit costs the router, the agent of a git ref ("before") and of this tree ("after")
measured side by side in one run on one hub + 2 lab, rounds alternating.

Per variant and round:
  commit   every router, from no overlay: load (one read of the running config) + commit with a
           revert timer + confirm (the driver alone); CPU seconds of the lab kernel and process
           starts, per router; "_net": less what the idle lab spends in the same wall time
  deploy   `deploy` from no overlay (read, commits, proof, confirm): wall time to proven green,
           CPU per router, and the timeline
  0-change a second `deploy`: CPU and process starts per router
Goals (issue 26): commit <= 2 s router CPU, 0-change deploy <= 0.4 s, deploy to green <= 15 s.

usage (root): PYTHONPATH=. python bench/bench_commit.py [--before REF] [--rounds 2]
Lab name spd2, management 172.31.236.0/24, state /var/lib/grectl/spd2.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from controller import inventory, lab, platforms, render  # noqa: E402
from controller.lab import runtime  # noqa: E402
from controller.platforms.linux import driver  # noqa: E402
from tasks.common import for_driver, make_nornir  # noqa: E402
from tasks.deploy import deploy  # noqa: E402
from tasks.timeline import Timeline  # noqa: E402
from tests.gen_inventory import generate  # noqa: E402

STATE = Path("/var/lib/grectl/spd2")
EMPTY = "[tunnels]\n[swanctl]\n[frr]\nfrr defaults traditional\nservice integrated-vtysh-config\n"
ROOT = Path(__file__).resolve().parent.parent
AFTER = dict(driver.AGENT_FILES)
AFTER_CMD = driver.agent_command


def agent_of(ref: str, dst: Path) -> dict[str, Path]:
    """The agent files as shipped at ``ref`` (every file under router/, and secretforms.py)."""
    dst.mkdir(parents=True, exist_ok=True)
    ls = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "--name-only", ref,
                         "controller/platforms/linux/router/"], capture_output=True, text=True, check=True)
    files = {}
    for p in ls.stdout.split() + ["controller/secretforms.py"]:
        name = Path(p).name
        if not name.endswith(".py") or name == "__init__.py":
            continue
        text = subprocess.run(["git", "-C", str(ROOT), "show", f"{ref}:{p}"], capture_output=True,
                              text=True, check=True).stdout
        (dst / name).write_text(text)
        files[name] = dst / name
    return files


def use(files: dict[str, Path]) -> None:
    """Ship these agent files; the old ones run as before (a script), the new ones as the driver runs them."""
    driver.agent_command = AFTER_CMD if files is AFTER else (lambda d: f"python3 {d}/agent.py")
    driver.AGENT_FILES.clear()
    driver.AGENT_FILES.update(files)
    driver._DIGEST = None


def on_all(ov, fn) -> None:
    nr = make_nornir(ov, keys=inventory.psks(ov))
    try:
        res = nr.run(task=fn)
        assert not res.failed, {h: r.exception for h, r in res.items() if r.failed}
    finally:
        nr.close_connections()


def reset(ov) -> None:
    def wipe(task):
        conn = task.host.get_connection("napalm", task.nornir.config)
        conn.load_replace_candidate(config=EMPTY + f"hostname {task.host.name}\n")
        if conn.compare_config():
            conn.commit_config()
    on_all(ov, wipe)


def commit_only(ov) -> None:
    texts = render.secret_texts(ov)
    keys = inventory.psks(ov)

    def one(task):
        name = task.host.name
        plat = platforms.get(ov.devices[name].platform)
        conn = task.host.get_connection("napalm", task.nornir.config)
        conn.load_replace_candidate(config=for_driver(plat, render.render_device(ov, name, None, texts), keys))
        conn.commit_config(revert_in=120)
        conn.confirm_commit()
    on_all(ov, one)


def cost(fn, routers: int) -> tuple[float, float, float]:
    c0, t0 = runtime.counters(STATE), time.monotonic()
    fn()
    wall, c1 = time.monotonic() - t0, runtime.counters(STATE)
    return ((c1["cpu_s"] - c0["cpu_s"]) / routers, (c1["processes"] - c0["processes"]) / routers, wall)


def round_of(ov, routers: int, tmp: Path) -> dict:
    row = {}
    cpu, procs, wall = cost(lambda: time.sleep(5), routers)   # what the lab costs doing nothing
    row["idle_cpu_per_s"], row["idle_procs_per_s"] = cpu / wall, procs / wall
    reset(ov)
    time.sleep(2)
    row["commit_cpu"], row["commit_procs"], row["commit_s"] = cost(lambda: commit_only(ov), routers)
    reset(ov)
    time.sleep(2)
    tl = Timeline()
    out = []
    row["deploy_cpu"], _, row["deploy_s"] = cost(
        lambda: out.extend(deploy(ov, backup_dir=tmp / "b", timeline=tl)), routers)
    assert all(o.status == "ok" for o in out), [(o.device, o.status, o.error) for o in out]
    row["timeline"] = tl.as_dict()
    again = []
    row["zero_cpu"], row["zero_procs"], row["zero_s"] = cost(
        lambda: again.extend(deploy(ov, backup_dir=tmp / "b")), routers)
    assert all(o.status == "unchanged" for o in again), [(o.device, o.status, o.error) for o in again]
    for k in ("commit", "zero"):   # net of what the idle lab (daemons, timers) spent in the same wall time
        row[f"{k}_cpu_net"] = row[f"{k}_cpu"] - row["idle_cpu_per_s"] * row[f"{k}_s"]
        row[f"{k}_procs_net"] = row[f"{k}_procs"] - row["idle_procs_per_s"] * row[f"{k}_s"]
    row["deploy_cpu_net"] = row["deploy_cpu"] - row["idle_cpu_per_s"] * row["deploy_s"]
    return row


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", default="2345298", help="git ref of the 'before' agent")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--keep", action="store_true", help="leave the lab up afterwards")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="grectl-bench-commit-"))
    os.environ["GRECTL_LAB_DIR"] = str(STATE)
    variants = {"before": agent_of(args.before, tmp / "before"), "after": AFTER}
    ov = inventory.load(generate(tmp / "inv", 2, lab_name="spd2", mgmt="172.31.236.0/24"))
    routers = len(ov.devices)
    rows: dict[str, list[dict]] = {k: [] for k in variants}
    try:
        if not runtime._load(STATE):
            lab.up(lab.from_inventory(ov.inventory_dir), STATE, timeout=300)
        for r in range(args.rounds):
            for name, files in (variants.items() if r % 2 == 0 else reversed(variants.items())):
                use(files)
                rows[name].append(round_of(ov, routers, tmp))
                print(f"round {r} {name}: " + ", ".join(f"{k} {v:.2f}" for k, v in rows[name][-1].items()
                                                      if k != "timeline"), flush=True)
    finally:
        use(AFTER)
        if not args.keep:
            lab.down(STATE)
            shutil.rmtree(STATE, ignore_errors=True)
        shutil.rmtree(tmp, ignore_errors=True)
    keys = ["idle_cpu_per_s", "commit_cpu", "commit_cpu_net", "commit_procs", "commit_procs_net", "commit_s",
            "deploy_cpu", "deploy_cpu_net", "deploy_s", "zero_cpu", "zero_cpu_net", "zero_procs", "zero_procs_net",
            "zero_s"]
    print(f"\n{'median per router':<18} {'before':>8} {'after':>8} {'after/before':>13}")
    for k in keys:
        b = statistics.median(x[k] for x in rows["before"])
        a = statistics.median(x[k] for x in rows["after"])
        print(f"{k:<18} {b:>8.2f} {a:>8.2f} {a / b if b else float('nan'):>13.2f}")
    for name in variants:
        doc = rows[name][-1]["timeline"]
        print(f"\ntimeline {name}: " + ", ".join(f"{e['event']} {e['at']:.1f}" for e in doc["events"]))
        for dev, phases in doc["devices"].items():
            print(f"  {dev:<8} " + "  ".join(f"{p} {v:.1f}" for p, v in phases.items()))


if __name__ == "__main__":
    main()
