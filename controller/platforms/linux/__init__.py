"""Linux routers: kernel GRE, strongSwan (swanctl) and FRR, driven through the NAPALM driver
``linux_frr`` and its on-router agent. grectl owns these files whole.

>>> PLATFORM.interface_name("osaka", 3)
'gre-osaka'
>>> PLATFORM.check_device_name("gre-" + "x" * 12)
'is 16 bytes; Linux interface names hold at most 15'
"""
from __future__ import annotations

from napalm_linux_frr import linuxconf

from ..base import Capabilities, Platform
from ..tables import CBC, GCM
from . import collect, names, proposals, render as _render, scope


class LinuxPlatform(Platform):
    def interface_name(self, peer: str, number: int) -> str:
        return f"gre-{peer}"  # named after the peer, never gre0 (the kernel's fallback device)

    def check_device_name(self, name: str) -> str | None:
        return names.check_interface_name(name)

    def check(self, overlay, device):
        """strongSwan's own proposal grammar and the kernel's interface-name rules first; then the
        capability table."""
        i, dev = overlay.intent, overlay.devices[device]
        where = f"(platform linux of {device!r})"
        out = [f"{field}: {why} {where}" for field, why in (
            ("ike.proposal", proposals.check_ike_proposal(i.ike.proposal)),
            ("ipsec.transform", proposals.check_esp_proposal(i.ipsec.transform))) if why]
        why = names.check_interface_name(dev.wan.interface)
        if why:
            kind = "hubs" if dev.role == "hub" else "sites"
            out.append(f"{kind}.{device}.wan.interface: {dev.wan.interface!r} {why}")
        return out or self.check_capabilities(overlay, device)  # strongSwan takes any proposal its grammar does

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
