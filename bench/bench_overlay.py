"""Deploy and verify on lab routers, measured side by side in one run.

  deploy hub+2 and hub+8: parallel vs one device at a time; time from deploy start to converged
  verify hub+1, hub+8 in parallel, hub+8 one router after another

Goals (issue 5): verify hub+8 within 1.5x of hub+1, and at least 4x faster than one by one.
"""
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.gen_inventory import generate  # noqa: E402

from controller import inventory, lab  # noqa: E402
from tasks.common import make_nornir  # noqa: E402
from tasks.deploy import deploy  # noqa: E402
from tasks.timeline import Timeline  # noqa: E402
from tasks.verify import verify  # noqa: E402

EMPTY = "[tunnels]\n[swanctl]\n[frr]\nfrr defaults traditional\nservice integrated-vtysh-config\n"


def reset(ov) -> None:
    """Every router back to no overlay at all (replace with an empty config)."""
    nr = make_nornir(ov)

    def wipe(task):
        conn = task.host.get_connection("napalm", task.nornir.config)
        conn.load_replace_candidate(config=EMPTY + f"hostname {task.host.name}\n")
        if conn.compare_config():
            conn.commit_config()
    try:
        res = nr.run(task=wipe)
        assert not res.failed, {h: r.exception for h, r in res.items() if r.failed}
    finally:
        nr.close_connections()


TIMELINES: dict[str, dict] = {}


def timed_deploy(ov, workers: int, backups: Path, name: str = "") -> tuple[float, float]:
    t0 = time.monotonic()
    tl = Timeline()
    out = deploy(ov, workers=workers, backup_dir=backups, timeline=tl)
    t_deploy = time.monotonic() - t0
    if name:
        TIMELINES[name] = tl.as_dict()
    assert all(o.status == "ok" for o in out), [(o.device, o.status, o.error) for o in out]
    checks, _ = verify(ov, wait=180)
    failed = [c for c in checks if c.status == "fail"]
    assert not failed, [(c.device, c.check, c.reason) for c in failed]
    return t_deploy, time.monotonic() - t0


def timed_verify(ov, site=None, workers=20, repeat=2) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.monotonic()
        checks, _ = verify(ov, site, workers=workers)
        best = min(best, time.monotonic() - t0)
        assert all(c.status == "pass" for c in checks), [(c.device, c.check, c.reason) for c in checks
                                                         if c.status == "fail"]
    return best


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="grectl-bench-"))
    state = Path("/var/lib/grectl/bench-lab")
    os.environ["GRECTL_LAB_DIR"] = str(state)
    kw = dict(lab_name="bench", mgmt="172.31.248.0/24")
    inv8 = inventory.load(generate(tmp / "inv8", 8, **kw))
    inv2 = inventory.load(generate(tmp / "inv2", 2, **kw))
    rows = []
    try:
        t0 = time.monotonic()
        lab.up(lab.from_inventory(inv8.inventory_dir), state)
        print(f"lab hub+8 up in {time.monotonic() - t0:.1f}s")
        for name, ov in (("hub+2", inv2), ("hub+8", inv8)):
            reset(inv8)
            par, par_conv = timed_deploy(ov, 20, tmp / "b", name)
            reset(inv8)
            seq, seq_conv = timed_deploy(ov, 1, tmp / "b")
            rows.append((name, par, seq, par_conv))
        v1 = timed_verify(inv8, site="br1")
        v8 = timed_verify(inv8)
        v8_seq = timed_verify(inv8, workers=1, repeat=1)
    finally:
        lab.down(state)
        shutil.rmtree(state, ignore_errors=True)
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"\n{'deploy':<8} {'parallel s':>11} {'one by one s':>13} {'ratio':>6} {'start->converged s':>19}")
    for name, par, seq, conv in rows:
        print(f"{name:<8} {par:>11.1f} {seq:>13.1f} {seq / par:>6.1f} {conv:>19.1f}")
    for name, doc in TIMELINES.items():   # where a parallel deploy's time went (proof included)
        print(f"\ntimeline {name}: " + ", ".join(f"{e['event']} {e['at']:.1f}" for e in doc["events"]))
        for dev, phases in doc["devices"].items():
            print(f"  {dev:<8} " + "  ".join(f"{p} {v:.1f}" for p, v in phases.items()))
    print(f"\nverify hub+1: {v1:.1f}s   hub+8 parallel: {v8:.1f}s   hub+8 one by one: {v8_seq:.1f}s")
    print(f"hub+8 / hub+1 = {v8 / v1:.2f} (goal <= 1.5)   one-by-one / parallel = {v8_seq / v8:.1f} (goal >= 4)")


if __name__ == "__main__":
    main()
