"""H3C Comware: a capability row only; validate refuses it until a rendering is grounded."""
from ..base import Capabilities, Platform
from ..tables import CBC, GCM_IOS

PLATFORM = Platform("h3c_comware", Capabilities(
    transforms=frozenset(GCM_IOS | CBC), ownership="objects", transport="ssh-cli",
    netmiko_device_type="hp_comware", supported=False))
