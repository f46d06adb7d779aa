"""Small pieces (issue 21, point 7): no Python file under controller/ or tasks/ over 400 lines, and
no function over complexity 12 hidden behind a per-file C901 ignore."""
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
MAX_LINES = 400
# Known exception: shipped to routers byte for byte; another branch is bringing it under 400 lines.
KNOWN_OVER = {"controller/platforms/linux/router/agent.py"}
C901_ALLOWED = {"tests/**", "controller/platforms/linux/router/agent.py"}


def lines_over(limit: int, roots=("controller", "tasks")) -> dict[str, int]:
    found = {}
    for d in roots:
        for p in sorted((ROOT / d).rglob("*.py")):
            n = len(p.read_text(encoding="utf-8").splitlines())
            if n > limit:
                found[str(p.relative_to(ROOT))] = n
    return found


def test_no_python_file_over_400_lines():
    over = {p: n for p, n in lines_over(MAX_LINES).items() if p not in KNOWN_OVER}
    assert over == {}, f"split these files (at most {MAX_LINES} lines each): {over}"


@pytest.mark.parametrize("path", sorted(KNOWN_OVER))
def test_known_exceptions_are_still_needed(path):
    # once the file is under the limit, this fails: remove it from KNOWN_OVER
    assert path in lines_over(MAX_LINES), f"{path} is now under {MAX_LINES} lines: drop it from KNOWN_OVER"


def test_the_check_counts_lines():
    assert lines_over(10**9) == {}
    assert "controller/cli.py" in lines_over(10)


def test_no_per_file_complexity_ignore():
    ignores = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["ruff"]["lint"]["per-file-ignores"]
    assert {f for f, codes in ignores.items() if "C901" in codes} <= C901_ALLOWED
