"""validate + render for a hub with 1, 10, 100 and 1,000 sites. Goal: 1,000 sites under 1 s, linear."""
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.gen_inventory import generate  # noqa: E402

from controller import inventory, render  # noqa: E402


def run(n: int, tmp: Path, repeat: int = 3) -> float:
    inv = generate(tmp / f"inv{n}", n, mgmt="10.200.0.0/16" if n > 200 else "172.31.254.0/24")
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        ov = inventory.load(inv)
        configs = render.render_all(ov)
        best = min(best, time.perf_counter() - t0)
    assert len(configs) == n + 1
    return best


def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        times = {n: run(n, Path(d)) for n in (1, 10, 100, 1000)}
    print(f"{'sites':>6} {'validate+render (s)':>20} {'per site (ms)':>14}")
    for n, t in times.items():
        print(f"{n:>6} {t:>20.3f} {1000 * t / n:>14.2f}")
    ratio = times[1000] / times[100]
    print(f"ratio 1000/100: {ratio:.1f} (linear ~10)")
    print(f"goal 1000 sites < 1 s: {'met' if times[1000] < 1 else 'MISSED'} ({times[1000]:.3f} s)")


if __name__ == "__main__":
    main()
