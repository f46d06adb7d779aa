"""H3C Comware 7 (MSR routers): system-view commands grounded in H3C/HPE Comware pages
(templates/comware.j2 cites each block and marks what no retrieved page showed), GRE over IPsec
with an IPsec policy whose ACL permits GRE between the WAN addresses, IKEv2, remediation with
``undo`` on grectl's own objects only, ``display`` parsers for verify (``collect.py``), deploy
through the ``comware_grectl`` NAPALM driver (``driver.py``: netmiko ``hp_comware``, Comware's
native ``configuration commit delay`` / ``configuration commit``, ``session.py``).

>>> PLATFORM.interface_name("osaka", 3)
'Tunnel3'
"""
from __future__ import annotations

from .. import dualstack
from ..base import Capabilities, Platform, Problem
from . import collect, values
from . import remediation as _rem
from . import render as _render

PSK_LINE = values.PSK_LINE


class ComwarePlatform(Platform):
    def problems(self, overlay, device):
        out = super().problems(overlay, device)
        if any(p.stops for p in out):
            return out
        have = {str(p).split(":")[0] for p in out}
        return (out + [Problem.intent(p) for p in _render.problems(overlay, device) if p.split(":")[0] not in have]
                + [Problem.intent(p) for p in _render.range_problems(overlay, device)]
                + dualstack.problems(self, overlay, device))

    def interface_name(self, peer: str, number: int, kind: str = "primary") -> str:
        """Comware numbers tunnels 0..1023: a dual-homed site's backup tunnel and a hub-to-hub
        tunnel take the top numbers (``values.tunnel_slot``), not ``base.interface_number``'s ranges."""
        return f"Tunnel{values.tunnel_slot(number, kind)}"

    def check_psk(self, key):
        return values.check_psk(key)

    def check_interface(self, name):
        return values.check_interface(name)

    def canonical_interface(self, name):
        return values.canonical_interface(name)

    def render(self, overlay, device, secrets, site=None):
        return _render.render(overlay, device, secrets, site)

    def mask(self, text):
        from ...secrets import PLACEHOLDER_RE, mask, placeholder

        def sub(m):
            return m.group(0) if PLACEHOLDER_RE.fullmatch(m.group(2)) else f"{m.group(1)}{placeholder(m.group(2))}"
        return mask(PSK_LINE.sub(sub, text))

    def remediation(self, running, intended, full):
        return _rem.remediation(running, intended, full)

    def deploy_plan(self, commands, confirm_timeout, **facts):
        from . import session
        return session.deploy_plan(commands, confirm_timeout)

    def collect(self, overlay, device, site):
        return collect.commands(overlay, device, site)

    def parse(self, overlay, device, site, outputs):
        return collect.parse(overlay, device, site, outputs)

    def parse_command(self, command, output):
        return collect.parse_command(command, output)

    def commands(self):
        return list(collect.COMMANDS)


PLATFORM = ComwarePlatform("h3c_comware", Capabilities(
    transforms=_render.TRANSFORMS, ike_ciphers=frozenset({"aes-cbc"}), dh_groups=frozenset(_render.DH),
    modes=frozenset({"transport"}), ifname_max=63, ownership="objects", commit_confirm="native",
    transport="ssh-cli", napalm_driver="comware_grectl", driver_unmasks=True, netmiko_device_type="hp_comware",
    revert_step=60, revert_max=65535 * 60, renders=True, families=frozenset({"ipv4", "ipv6"}), multi_hub=True,
    notes=("ESP/IKEv2 AES-CBC with SHA-1/SHA-2, DH group 14: what the cited Comware pages show",
           "IKEv2 keychain/profile/proposal keywords unverified (no Comware 7 IKEv2 page retrieved)",
           "commit-confirm: configuration commit delay (minutes) + configuration commit, cited for Comware 7 "
           "(HPE 5510 HI, Release 1121+), not an MSR page",
           "driver session logic proven on transcripts written from H3C's documented session only (no H3C "
           "device here); parsers on written outputs and recorded captures",
           "dual-stack: ipv6 address/ipv6 mtu/ospfv3 cited for Comware 7; no IPv6 TCP MSS clamp (tcp mss is "
           "IPv4 only); the IPv6 display layouts unverified (no IPv6 capture)",
           "redundant hubs: a dual-homed site's backup tunnel is Tunnel1023, hub-to-hub tunnels Tunnel1022 down",
           "drill: not on Comware (the drill runs on Linux sites only)")))
