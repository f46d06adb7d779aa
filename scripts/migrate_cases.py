"""One-off migration of recorded and fault cases to the one layout (issue 21):
``tests/unit/platforms/<platform>/cases/<case>/<command file>`` + ``expected.json``, where a case
name is kebab-case, a command file is ``command_file(command)`` (reversible: ``/`` -> ``~``,
space -> ``_``, ``|`` -> ``%``) and a fault case's expected.json says ``{"device", "base"?, "fail"}``.

- IOS: snake_case folders renamed, ``failing`` -> ``fail``, files renamed from the lossy old slug;
- Linux: ``tests/unit/recorded/linux/<case>`` moved to ``tests/unit/platforms/linux/cases/<case>``.

Idempotent: run again, it changes nothing. Uses ``git mv`` so history follows the files.
Run from the checkout: ``PYTHONPATH=. python scripts/migrate_cases.py``.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLATFORMS = ROOT / "tests" / "unit" / "platforms"


def command_file(command: str) -> str:
    return command.replace("/", "~").replace(" ", "_").replace("|", "%") + ".txt"


def old_ios_slug(command: str) -> str:
    return re.sub(r"[ |]+", "_", command) + ".txt"


def mv(src: Path, dst: Path) -> None:
    if src == dst or not src.exists():
        return
    dst.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "mv", str(src), str(dst)], cwd=ROOT, check=True)


def ios_commands() -> list[str]:
    """Every command the IOS collector sends for the case inventory (each site, both rounds)."""
    sys.path.insert(0, str(ROOT))
    from controller import inventory, platforms
    from tests.unit.platforms.ios.conftest import copy_inventory
    with tempfile.TemporaryDirectory() as tmp:
        ov = inventory.load(copy_inventory("mixed", Path(tmp)))
    ios = platforms.get("ios")
    return sorted({c for d, dev in ov.devices.items() if dev.platform == "ios"
                   for r in ios.collect(ov, d, None) for c in r})


def migrate_ios() -> None:
    cases = PLATFORMS / "ios" / "cases"
    by_slug = {old_ios_slug(c): command_file(c) for c in ios_commands()}
    for case in sorted(p for p in cases.iterdir() if p.is_dir()):
        new = cases / case.name.replace("_", "-")
        mv(case, new)
        for f in sorted(new.glob("*.txt")):
            if f.name in by_slug:
                mv(f, new / by_slug[f.name])
        exp_file = new / "expected.json"
        exp = json.loads(exp_file.read_text())
        if "failing" in exp:
            exp["fail"] = exp.pop("failing")
        if exp.get("base"):
            exp["base"] = exp["base"].replace("_", "-")
        exp_file.write_text(json.dumps(exp, indent=2) + "\n")


def migrate_linux() -> None:
    old = ROOT / "tests" / "unit" / "recorded" / "linux"
    if not old.is_dir():
        return
    for case in sorted(p for p in old.iterdir() if p.is_dir()):
        mv(case, PLATFORMS / "linux" / "cases" / case.name)


if __name__ == "__main__":
    migrate_ios()
    migrate_linux()
