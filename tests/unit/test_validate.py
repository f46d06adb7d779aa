"""Table-driven: every file in cases/invalid/ is one bad input and the message it must produce."""
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from controller import inventory
from controller.errors import InventoryError
from tests.conftest import ROOT, edit_yaml

CASES = sorted((Path(__file__).parent / "cases" / "invalid").glob("*.yaml"))


def apply_case(inv: Path, case: dict) -> None:
    target = inv / case["file"]
    if "raw" in case:
        target.write_text(case["raw"])
    if "raw_append" in case:
        target.write_text(target.read_text() + case["raw_append"])
    if "set" in case or "delete" in case:
        edit_yaml(target, case.get("set"), case.get("delete"))
    if "psk_text" in case:
        (inv / "secrets" / "psk.txt").write_text(case["psk_text"])


def test_example_is_valid(inv):
    ov = inventory.load(inv)
    assert sorted(ov.devices) == ["fukuoka", "osaka", "tokyo"]
    assert [t.site for t in ov.tunnels] == ["osaka", "fukuoka"]


@pytest.mark.parametrize("path", CASES, ids=[c.stem for c in CASES])
def test_invalid_case(inv, path):
    case = yaml.safe_load(path.read_text())
    apply_case(inv, case)
    with pytest.raises(InventoryError) as e:
        inventory.load(inv)
    text = "\n".join(e.value.problems)
    assert case["expect"] in text
    if "also" in case:
        assert case["also"] in text
    assert all(line.startswith(str(inv)) for line in e.value.problems), text
    assert "test-psk" not in text


@pytest.mark.parametrize("path", CASES[:6], ids=[c.stem for c in CASES[:6]])
def test_cli_exit_1_without_traceback(inv, path):
    apply_case(inv, yaml.safe_load(path.read_text()))
    r = subprocess.run([sys.executable, "-m", "controller", "validate", "-i", str(inv)],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr + r.stdout
    assert str(inv) in r.stderr


def test_cli_valid_exit_0(inv):
    r = subprocess.run([sys.executable, "-m", "controller", "validate", "-i", str(inv)],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert "valid (3 devices, 2 tunnels)" in r.stdout


def test_missing_inventory_dir(tmp_path):
    with pytest.raises(InventoryError) as e:
        inventory.load(tmp_path / "nope")
    assert "inventory directory not found" in e.value.problems[0]


def test_nornir_sees_what_grectl_sees(inv):
    """Platform inherited from defaults.yaml instead of a group: both resolvers agree."""
    edit_yaml(inv / "groups.yaml", deletes=["lab_linux.platform"])
    edit_yaml(inv / "defaults.yaml", {"platform": "linux"})
    ov = inventory.load(inv)
    assert {d.platform for d in ov.devices.values()} == {"linux"}
    assert inventory.nornir_check(ov) == []
