"""Hub + 2 from deploy start to proven, repeated: where the time goes after the last commit.

Each round resets the routers to no overlay, deploys with the proof and prints the timeline and
"routes after rest": how long the LAN routes check turned green after every other check group.
Issue 26: that gap was 11-17 s (the neighbour's router-LSA re-originated at Full was dropped as
"received recently" and came with a retransmission); with ``timers lsa min-arrival 0`` it is 0.

usage (root): PYTHONPATH=. python bench/bench_converge.py [--rounds 3]
Lab name gconv, management 172.31.229.0/24, state /var/lib/grectl/gconv.
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
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_overlay import reset  # noqa: E402

from controller import inventory, lab  # noqa: E402
from tasks.deploy import deploy  # noqa: E402
from tasks.timeline import Timeline  # noqa: E402
from tests.gen_inventory import generate  # noqa: E402

STATE = Path("/var/lib/grectl/gconv")


def one_round(ov, backups: Path) -> dict:
    reset(ov)
    time.sleep(3)
    tl = Timeline()
    out = deploy(ov, workers=20, backup_dir=backups, timeline=tl)
    assert all(o.status == "ok" for o in out), [(o.device, o.status, o.error) for o in out]
    events = {e["event"]: e["at"] for e in tl.as_dict()["events"]}
    rest = max(v for k, v in events.items() if k.endswith(" green") and k != "routes green")
    return {"sites committed": events["sites committed"], "rest green": rest,
            "routes green": events["routes green"], "proven": events["proven"],
            "routes after rest": events["routes green"] - rest}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    os.environ["GRECTL_LAB_DIR"] = str(STATE)
    tmp = Path(tempfile.mkdtemp(prefix="grectl-conv-"))
    ov = inventory.load(generate(tmp / "inv", 2, lab_name="gconv", mgmt="172.31.229.0/24"))
    rows = []
    try:
        lab.up(lab.from_inventory(ov.inventory_dir), STATE, timeout=600)
        for _ in range(args.rounds):
            rows.append(one_round(ov, tmp / "b"))
    finally:
        lab.down(STATE)
        shutil.rmtree(STATE, ignore_errors=True)
        shutil.rmtree(tmp, ignore_errors=True)
    keys = list(rows[0]) if rows else []
    print(f"{'round':>5} " + " ".join(f"{k:>17}" for k in keys))
    for i, r in enumerate(rows, 1):
        print(f"{i:>5} " + " ".join(f"{r[k]:>17.1f}" for k in keys))


if __name__ == "__main__":
    main()
