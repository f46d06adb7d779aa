r"""Linux routers: kernel GRE, strongSwan (swanctl) and FRR, driven through the NAPALM driver
``linux_frr`` and its on-router agent. grectl owns these files whole.

>>> PLATFORM.interface_name("osaka", 3)
'gre-osaka'
>>> PLATFORM.check_device_name("gre-" + "x" * 12)
'is 16 bytes; Linux interface names hold at most 15'
>>> PLATFORM.check_interface("eth0\n")
"holds '\\n'; Linux interface names cannot"
>>> PLATFORM.check_psk('abcdefgh"ijklmnopq')
'holds a double quote (the swanctl config quotes the key)'
"""
from __future__ import annotations

from controller.platforms.linux.router import linuxconf

from ...secrets import swanctl_problem
from ..base import Capabilities, Platform, Problem
from ..tables import CBC, GCM
from . import collect, names, proposals, scope
from . import lab as _lab
from . import render as _render


class LinuxPlatform(Platform):
    def interface_name(self, peer: str, number: int, kind: str = "primary") -> str:
        # named after the peer, never gre0 (the kernel's fallback device): one per peer, any kind
        return f"gre-{peer}"

    def check_device_name(self, name: str) -> str | None:
        return names.check_interface_name(name)

    def check_interface(self, name: str) -> str | None:
        """The kernel's rules (``dev_valid_name``): the WAN interface is checked by the inventory."""
        return names.check_interface_name(name)

    def check_psk(self, key: str) -> str | None:
        """strongSwan reads the key from swanctl.conf: its quoting and 0x/0s prefixes."""
        return swanctl_problem(key)

    def problems(self, overlay, device):
        """strongSwan's own proposal grammar first; then the capability table. (The WAN interface
        name is checked by the inventory through ``check_interface``.)"""
        i = overlay.intent
        where = f"(platform linux of {device!r})"
        out = [Problem("intent", field, f"{why} {where}") for field, why in (
            ("ike.proposal", proposals.check_ike_proposal(i.ike.proposal)),
            ("ipsec.transform", proposals.check_esp_proposal(i.ipsec.transform))) if why]
        return out or self.capability_problems(overlay, device)  # strongSwan takes any proposal its grammar does

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
    commit_confirm="emulated", transport="agent", napalm_driver="linux_frr", driver_unmasks=True,
    netmiko_device_type="linux",
    renders=True, lab_kind="router", clab=_lab.CLAB, families=frozenset({"ipv4", "ipv6"}),
    multi_hub=True))
