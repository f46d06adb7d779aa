"""Cisco IOS-XE over NETCONF. A capability row until its renderer lands."""
from ..base import Capabilities, Platform
from ..tables import CBC, GCM_IOS

PLATFORM = Platform("iosxe", Capabilities(
    transforms=frozenset(GCM_IOS | CBC), ifname_max=64, ownership="objects", commit_confirm="native",
    transport="netconf", netmiko_device_type="cisco_xe"))
