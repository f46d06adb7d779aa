"""ruff (pyflakes, pycodestyle, isort, mccabe complexity <= 12; config in pyproject.toml) runs with
the unit tests, so `make test` fails on lint."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_ruff_is_clean():
    r = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", "."],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert "No module named ruff" not in r.stderr, "ruff is in the test extra: pip install -e '.[test]'"
    assert r.returncode == 0, r.stdout + r.stderr


def test_ruff_would_fail_on_a_lint_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    (tmp_path / "bad.py").write_text("import os\n")
    r = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "bad.py"], cwd=tmp_path,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1 and "F401" in r.stdout
