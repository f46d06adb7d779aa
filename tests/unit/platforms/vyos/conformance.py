"""What the conformance suite needs of the vyos platform: an inventory and one device on it."""
from pathlib import Path

from tests.unit.platforms.mixed import mixed_inventory

PLATFORM = "vyos"
DEVICE = "osaka"
CASES = Path(__file__).parent / "cases"
LAN6_INTERFACE = "eth1"   # the interface of an IPv6 LAN the shared dual-stack case adds


def inventory(tmp_path: Path) -> Path:
    return mixed_inventory(tmp_path)
