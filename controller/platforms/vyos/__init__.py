"""VyOS. A capability row until its renderer and parsers land."""
from ..base import Capabilities, Platform
from ..tables import CBC, GCM

PLATFORM = Platform("vyos", Capabilities(
    transforms=frozenset(GCM | CBC | {"chacha20poly1305"}), ifname_max=15, ownership="objects",
    commit_confirm="native", transport="ssh-cli", netmiko_device_type="vyos"))
