"""Cisco IOS / IOS-XE over the CLI. A capability row until its renderer and parsers land."""
from ..base import Capabilities, Platform
from ..tables import CBC, GCM_IOS

PLATFORM = Platform("ios", Capabilities(
    transforms=frozenset(GCM_IOS | CBC | {"3des-sha1"}), ifname_max=64, ownership="objects",
    commit_confirm="native", transport="ssh-cli", napalm_driver="ios", netmiko_device_type="cisco_ios"))
