"""What the conformance suite needs of the huawei_vrp platform: an inventory and one device on it."""
from pathlib import Path

from tests.unit.platforms.mixed import mixed_inventory

PLATFORM = "huawei_vrp"
DEVICE = "fukuoka"
CASES = Path(__file__).parent / "cases"
LAN6_INTERFACE = "GigabitEthernet0/0/1"   # the interface of an IPv6 LAN the shared dual-stack case adds


def inventory(tmp_path: Path) -> Path:
    return mixed_inventory(tmp_path)
