"""Juniper Junos: a capability row only."""
from ..base import Capabilities, Platform
from ..tables import CBC, GCM_IOS

PLATFORM = Platform("junos", Capabilities(
    transforms=frozenset(GCM_IOS | {t for t in CBC if "sha512" not in t}), ownership="objects",
    commit_confirm="native", transport="ssh-cli", napalm_driver="junos", netmiko_device_type="juniper_junos"))
