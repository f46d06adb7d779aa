"""What the conformance suite needs of the iosxe platform: an inventory and one device on it."""
from pathlib import Path

from tests.conftest import copy_inventory
from tests.unit.platforms.iosxe.conftest import add_iosxe_site

PLATFORM = "iosxe"
DEVICE = "kagoshima"
LAN6_INTERFACE = "GigabitEthernet2"   # the interface of an IPv6 LAN the shared dual-stack case adds
CASES = Path(__file__).parent / "cases"


def inventory(tmp_path: Path) -> Path:
    return add_iosxe_site(copy_inventory(tmp_path))
