"""Huawei VRP. A capability row until its renderer and parsers land."""
from ..base import Capabilities, Platform
from ..tables import CBC, GCM_IOS

PLATFORM = Platform("huawei_vrp", Capabilities(
    transforms=frozenset(GCM_IOS | CBC), ifname_max=64, ownership="objects", commit_confirm="emulated",
    transport="ssh-cli", netmiko_device_type="huawei"))
