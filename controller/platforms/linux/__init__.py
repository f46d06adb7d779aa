"""Linux routers: kernel GRE, strongSwan (swanctl) and FRR, driven through the NAPALM driver
``linux_frr`` and its on-router agent. grectl owns these files whole.

>>> PLATFORM.interface_name("osaka", 3)
'gre-osaka'
>>> PLATFORM.check_device_name("gre-" + "x" * 12)
"interface name 'gre-xxxxxxxxxxxx' is longer than 15 bytes"
"""
from __future__ import annotations

from napalm_linux_frr import linuxconf

from ..base import Capabilities, Platform
from ..tables import CBC, GCM
from . import collect, render as _render, scope


class LinuxPlatform(Platform):
    def interface_name(self, peer: str, number: int) -> str:
        return f"gre-{peer}"  # named after the peer, never gre0 (the kernel's fallback device)

    def render(self, overlay, device, secrets, site=None):
        return _render.render(overlay, device, site, secrets)

    def mask(self, text):
        return linuxconf.mask(text)

    def keep_site(self, candidate, running, tunnel):
        doc = scope.with_site_from(linuxconf.parse(candidate), linuxconf.parse(running), tunnel)
        return linuxconf.dump(doc)

    def collect(self, overlay, device, site):
        return collect.commands(overlay, device, site)

    def parse(self, overlay, device, site, outputs):
        return collect.parse(overlay, device, site, outputs)


# strongSwan with the lean charon plugin set (aes sha1 sha2 hmac gcm openssl)
PLATFORM = LinuxPlatform("linux", Capabilities(
    transforms=frozenset(GCM | CBC | {"chacha20poly1305"}), ifname_max=15, ownership="files",
    commit_confirm="emulated", transport="agent", napalm_driver="linux_frr", driver_unmasks=True, netmiko_device_type="linux",
    renders=True))
