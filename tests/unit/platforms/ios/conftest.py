import shutil
from pathlib import Path

import pytest

from controller import inventory

HERE = Path(__file__).parent
PSK = "ios-test-psk-0123456789abcdef"
PSK_FUKUOKA = "fukuoka-psk-0123456789abcdef"
RECORDED = HERE.parents[3] / ".." / "shared" / "recorded"


def copy_inventory(name: str, dst: Path) -> Path:
    inv = dst / name
    shutil.copytree(HERE / "inventories" / name, inv)
    (inv / "secrets").mkdir()
    (inv / "secrets" / "psk.txt").write_text(PSK + "\n")
    (inv / "secrets" / "fukuoka.txt").write_text(PSK_FUKUOKA + "\n")
    for key_file in (inv / "secrets").iterdir():
        key_file.chmod(0o600)  # grectl refuses a key file group or others can read
    return inv


@pytest.fixture
def load(tmp_path):
    """load("mixed") -> the Overlay of a private copy of tests/unit/platforms/ios/inventories/mixed."""
    return lambda name: inventory.load(copy_inventory(name, tmp_path))


@pytest.fixture
def recorded() -> Path:
    path = RECORDED.resolve()
    if not path.is_dir():
        pytest.skip(f"recorded device output not present ({path}): ../shared is absent in this checkout")
    return path
