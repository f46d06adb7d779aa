"""What the conformance suite needs of the toy platform (kept in the plugin's own folder)."""
from pathlib import Path

from tests.conftest import copy_inventory, edit_yaml, ipv4_only

PLATFORM = "toy"
DEVICE = "osaka"
CASES = Path(__file__).parent / "cases"


def inventory(tmp_path: Path) -> Path:
    inv = copy_inventory(tmp_path)
    ipv4_only(inv)  # the platform takes IPv4 only so far (issue 22)
    edit_yaml(inv / "hosts.yaml", {"osaka.platform": "toy"})
    return inv
