"""Huawei VRP (AR routers; VRP5 command set, VRPv8 commit when the host says so): system-view
commands grounded in Huawei's documentation (templates/vrp.j2 cites each page), remediation with
``undo``, verify through ``display`` commands parsed by our own TextFSM templates.

>>> PLATFORM.interface_name("osaka", 3)
'Tunnel0/0/3'
"""
from __future__ import annotations

from .. import dualstack
from ..base import Capabilities, Platform, Problem, interface_number
from . import collect, values
from . import lab as _lab
from . import remediation as _rem
from . import render as _render

PSK_LINE = values.PSK_LINE
BACKUP_BASE, HUBS_BASE = 30000, 60000


class VrpPlatform(Platform):
    def interface_name(self, peer: str, number: int, kind: str = "primary") -> str:
        # VRP takes tunnel numbers 0..65535 (values.RANGES): a site's backup tunnel is site id +
        # 30000, a hub-to-hub tunnel 60000 + its pair slot (render.range_problems refuses the rest)
        return f"Tunnel0/0/{interface_number(number, kind, BACKUP_BASE, HUBS_BASE)}"

    def problems(self, overlay, device):
        out = super().problems(overlay, device)
        if any(p.stops for p in out):
            return out
        have = {str(p).split(":")[0] for p in out}
        return (out + [Problem.intent(p) for p in _render.problems(overlay, device) if p.split(":")[0] not in have]
                + [Problem.intent(p) for p in _render.range_problems(overlay, device)]
                + dualstack.problems(self, overlay, device))

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

    def keep_site(self, candidate, running, tunnel):
        """The hub candidate with ``tunnel``'s blocks exactly as they run."""
        mine = {f"interface {tunnel.hub_end.interface}", f"ike peer grectl-{tunnel.site}",
                f"ipsec profile grectl-{tunnel.site}"}
        keep = [(h, c) for h, c in _rem.blocks(candidate) if h not in mine]
        keep += [(h, c) for h, c in _rem.blocks(running) if h in mine]
        return "".join(f"{h}\n" + "".join(f"{line}\n" for line in c) + "#\n" for h, c in keep)

    def remediation(self, running, intended, full):
        return _rem.remediation(running, intended, full)

    def deploy_plan(self, commands, confirm_timeout, **facts):
        from . import session
        return session.deploy_plan(commands, confirm_timeout, bool(facts.get("vrp8", False)))

    def collect(self, overlay, device, site):
        return collect.commands(overlay, device, site)

    def parse(self, overlay, device, site, outputs):
        return collect.parse(overlay, device, site, outputs)

    def parse_command(self, command, output):
        return collect.parse_command(command, output)

    def commands(self):
        return list(collect.COMMANDS)


PLATFORM = VrpPlatform("huawei_vrp", Capabilities(
    transforms=_render.TRANSFORMS, ike_ciphers=frozenset({"aes-cbc"}), dh_groups=frozenset(_render.DH),
    ifname_max=64, ownership="objects", commit_confirm="emulated", transport="ssh-cli",
    napalm_driver="vrp_grectl", driver_unmasks=True, netmiko_device_type="huawei", renders=True, clab=_lab.CLAB,
    families=frozenset({"ipv4", "ipv6"}), multi_hub=True,
    notes=("ESP AES-CBC with SHA-1/SHA-2, IKEv2 AES-CBC, DH group 14: what the cited AR pages show",
           "VRPv8: commit trial; VRP5 commit-confirm emulated (checkpoint as next startup + scheduled reboot)",
           "driver session logic proven on recorded transcripts only (no Huawei router here)")))
