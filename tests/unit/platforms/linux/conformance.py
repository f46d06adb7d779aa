"""What the conformance suite needs of the linux platform: an inventory and one device on it."""
from pathlib import Path

from tests.conftest import copy_inventory

PLATFORM = "linux"
DEVICE = "osaka"
CASES = Path(__file__).parent / "cases"


def inventory(tmp_path: Path) -> Path:
    return copy_inventory(tmp_path)
