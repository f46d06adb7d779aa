"""What the conformance suite needs of the ios platform: an inventory and one device on it."""
from pathlib import Path

from tests.unit.platforms.ios.conftest import copy_inventory

PLATFORM = "ios"
DEVICE = "osaka"
CASES = Path(__file__).parent / "cases"
LAN6_INTERFACE = "GigabitEthernet0/2"   # the interface of an IPv6 LAN the shared dual-stack case adds


def inventory(tmp_path: Path) -> Path:
    return copy_inventory("mixed", tmp_path)
