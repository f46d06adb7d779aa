"""Cisco IOS / IOS-XE over the CLI (SSH; NAPALM's ``ios`` driver for deploy and verify).

grectl owns objects inside someone's router config, never the whole config: deploy loads the
remediation (hier_config) from the grectl-owned part of the running config to the intended, as a
NAPALM merge, committed with the IOS archive's revert timer.

>>> PLATFORM.interface_name("osaka", 3)
'Tunnel3'
>>> PLATFORM.caps.napalm_driver, PLATFORM.caps.ownership
('ios', 'objects')
"""
from __future__ import annotations

from .. import dualstack
from ..base import Capabilities, Platform, Problem, interface_number
from ..tables import CBC, GCM_IOS
from . import collect, limits, names, options, parsers, parsers6, proposals
from . import lab as _lab
from . import remediation as _remediation
from . import render as _render
from . import secrets as _secrets


class IosPlatform(Platform):
    def interface_name(self, peer, number, kind="primary"):
        """Tunnel<n>: the site id; a site's backup tunnel and a hub-to-hub tunnel in their own
        ranges (``base.interface_number``), within IOS's 0-2147483647 (``limits``)."""
        return f"Tunnel{interface_number(number, kind)}"

    options_model = options.IosOptions

    def problems(self, overlay, device):
        out = super().problems(overlay, device)   # capabilities, IKE, host options
        if any(p.stops for p in out):
            return out
        i = overlay.intent
        where = f"platform {self.name} of {device!r}"
        seen = {str(p).split(":")[0] for p in out}
        for p in proposals.problems(i.ike.proposal, i.ipsec.transform, i.ike.version):
            field, _, what = p.partition(": ")
            if field not in seen:
                out.append(Problem("intent", field, f"{where} cannot do this: {what}"))
        out += [Problem.intent(p) for p in limits.problems(overlay, device, limits.IOS, self.name)
                if p.split(":")[0] not in seen]
        return out + dualstack.problems(self, overlay, device) + self.hub_problems(overlay, device)

    def hub_problems(self, overlay, device):
        """Redundant hubs render in the tunnel-protection style only: in crypto-map style a site's two
        crypto map entries (or a hub's hub-to-hub one and a site's) would share a sequence number."""
        numbers = [t.end(device).number for t in overlay.tunnels_of(device)]
        if len(set(numbers)) == len(numbers):
            return []
        if overlay.devices[device].data.get("ios_style", "tunnel-protection") != "crypto-map":
            return []
        return [Problem("host_data", "ios_style", f"{device!r} has redundant-hub tunnels (issue 23): grectl "
                        "renders them in the tunnel-protection style only, not crypto-map", self.name)]

    def check_psk(self, key):
        return _secrets.check_psk(key)

    def check_interface(self, name):
        """An IOS interface name, full or abbreviated (``names.check_interface``)."""
        return names.check_interface(name)

    def canonical_interface(self, name):
        return names.canonical_ifname(name)

    def render(self, overlay, device, secrets, site=None):
        return _render.render(overlay, device, site, secrets)

    def mask(self, text):
        return _secrets.mask(text)

    def keep_site(self, candidate, running, tunnel):
        return _remediation.keep_site(candidate, running, tunnel)

    def plan(self, intended, running, full):
        cmds = _remediation.remediation(running, intended, full)
        return ("\n".join(cmds + ["end"]) + "\n" if cmds else ""), False

    def remediation(self, running, intended, full):
        return _remediation.remediation(running, intended, full)

    def collect(self, overlay, device, site):
        return collect.commands(overlay, device, site)

    def parse(self, overlay, device, site, outputs):
        return collect.parse(overlay, device, site, outputs)

    def parse_command(self, command, output):
        if command == collect.LSDB:
            from ...state import DeviceState
            from .. import lsdb_text
            return DeviceState(ospf_lsdb=lsdb_text.cisco_router_lsdb(output))
        six = parsers6.parse_command(command, output)
        return six if six is not None else parsers.parse_command(command, output)

    def commands(self):
        return list(parsers.COMMANDS) + list(parsers6.COMMANDS) + [collect.LSDB]


PLATFORM = IosPlatform("ios", Capabilities(
    transforms=frozenset(GCM_IOS | CBC | {"3des-sha1"}), ifname_max=64, ownership="objects",
    commit_confirm="native", transport="ssh-cli", napalm_driver="ios", netmiko_device_type="cisco_ios",
    revert_step=60, revert_max=7200,
    clab=_lab.CLAB, families=frozenset({"ipv4", "ipv6"}), multi_hub=True,
    renders=True, notes=("revert_in needs the IOS archive (`archive`) and `file prompt quiet`; "
                         "the revert timer counts whole minutes (60-7200 s)",)))
