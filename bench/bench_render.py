"""validate + render (``inventory.load`` + ``render.render_all``) of a hub with N Linux sites.

Goal (issue 26): 1,000 sites under 0.5 s, linear in sites. Prints wall and CPU time (min and median
over all runs) per size, the time per site and its ratio to the smallest size (1.0 = linear).

``--baseline-ref REF`` measures the code at a git ref side by side in the same run: REF is
exported (``git archive``, no worktree) to a temporary directory, and the two trees are timed in
alternating rounds, each in its own process, on the same generated inventories.

    python bench/bench_render.py                      # sizes 250,500,1000,2000
    python bench/bench_render.py --baseline-ref 3b0b81f --rounds 5
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_SITES, GOAL_S = 1000, 0.5


def worker(tree: Path, inventories: Path, sizes: list[int], repeat: int) -> dict:
    """Time load + render in this process, with ``tree``'s code first on the path."""
    sys.path.insert(0, str(tree))
    from controller import inventory, render

    out = {}
    for n in sizes:
        inv = inventories / f"inv{n}"
        render.render_all(inventory.load(inv))  # warm: imports, template compilation
        wall, cpu = [], []
        for _ in range(repeat):
            w, c = time.perf_counter(), time.process_time()
            configs = render.render_all(inventory.load(inv))
            wall.append(time.perf_counter() - w)
            cpu.append(time.process_time() - c)
            assert len(configs) == n + 1
        out[n] = {"wall": wall, "cpu": cpu}
    return out


def _export(ref: str, dst: Path) -> Path:
    """The files of ``ref`` (a commit, branch or tag of this repository) under ``dst``."""
    dst.mkdir(parents=True, exist_ok=True)
    archive = dst / "ref.tar"
    with open(archive, "wb") as f:
        subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", ref], stdout=f, check=True)
    tree = dst / "tree"
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    return tree


def _run(tree: Path, inventories: Path, sizes: list[int], repeat: int) -> dict:
    env = dict(os.environ, PYTHONPATH=str(tree))
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", str(tree), "--inventories",
           str(inventories), "--sizes", ",".join(map(str, sizes)), "--repeat", str(repeat)]
    done = subprocess.run(cmd, env=env, cwd=tree, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"bench worker for {tree} failed:\n{done.stderr[-2000:]}")
    return {int(k): v for k, v in json.loads(done.stdout).items()}


def _stats(samples: list[float]) -> tuple[float, float]:
    return min(samples), statistics.median(samples)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="250,500,1000,2000")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per size per round")
    ap.add_argument("--rounds", type=int, default=3, help="rounds (trees alternate within each)")
    ap.add_argument("--baseline-ref", help="git ref to measure side by side (e.g. 3b0b81f)")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--inventories", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",")})
    if args.worker:
        json.dump(worker(Path(args.worker), Path(args.inventories), sizes, args.repeat), sys.stdout)
        return 0

    sys.path.insert(0, str(ROOT))
    from tests.gen_inventory import generate

    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        for n in sizes:  # the same files for every tree
            generate(tmp / "inv" / f"inv{n}", n, mgmt="10.200.0.0/16" if n > 200 else "172.31.254.0/24")
        trees = {"now": ROOT}
        if args.baseline_ref:
            trees[args.baseline_ref] = _export(args.baseline_ref, tmp / "base")
        samples = {name: {n: {"wall": [], "cpu": []} for n in sizes} for name in trees}
        for r in range(args.rounds):
            order = list(trees) if r % 2 == 0 else list(reversed(trees))
            for name in order:
                for n, got in _run(trees[name], tmp / "inv", sizes, args.repeat).items():
                    samples[name][n]["wall"] += got["wall"]
                    samples[name][n]["cpu"] += got["cpu"]
    _report(samples, sizes, args)
    return 0  # the verdict is printed; `make bench` goes on to the lab bench either way


def _report(samples: dict, sizes: list[int], args) -> None:
    runs = args.rounds * args.repeat
    print(f"validate + render, hub + N Linux sites; {runs} runs per size and tree "
          f"({args.rounds} rounds x {args.repeat}), {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.2f}")
    for name, by_size in samples.items():
        print(f"\n[{name}]" + (f" ({ROOT})" if name == "now" else " (git archive, same inventories)"))
        print(f"{'sites':>6} {'wall min':>9} {'wall med':>9} {'cpu min':>8} {'cpu med':>8} "
              f"{'ms/site':>8} {'x linear':>9}")
        base = None
        for n in sizes:
            wmin, wmed = _stats(by_size[n]["wall"])
            cmin, cmed = _stats(by_size[n]["cpu"])
            per = cmin / n
            base = base or per
            print(f"{n:>6} {wmin:>9.3f} {wmed:>9.3f} {cmin:>8.3f} {cmed:>8.3f} {1000 * per:>8.3f} "
                  f"{per / base:>9.2f}")
    if len(samples) == 2:
        other = next(k for k in samples if k != "now")
        print(f"\nside by side, {other} / now (cpu min, wall median):")
        for n in sizes:
            c = min(samples[other][n]["cpu"]) / min(samples["now"][n]["cpu"])
            w = statistics.median(samples[other][n]["wall"]) / statistics.median(samples["now"][n]["wall"])
            print(f"{n:>6} sites: x{c:.2f} cpu, x{w:.2f} wall")
    if GOAL_SITES in sizes:
        wmin, wmed = _stats(samples["now"][GOAL_SITES]["wall"])
        verdict = "met" if wmin < GOAL_S else "MISSED"
        print(f"\ngoal {GOAL_SITES} sites < {GOAL_S} s: {verdict} (wall min {wmin:.3f} s, median {wmed:.3f} s)")
    lo, hi = sizes[0], sizes[-1]
    if hi > lo:
        grow = min(samples["now"][hi]["cpu"]) / min(samples["now"][lo]["cpu"])
        print(f"linearity: {hi} vs {lo} sites: x{grow:.2f} time for x{hi / lo:.0f} sites "
              f"(per site x{grow * lo / hi:.2f}; 1.00 = linear)")


if __name__ == "__main__":
    sys.exit(main())
