"""VyOS (1.3 equuleus syntax on request, 1.4/1.5 by default): ``set`` lines for grectl's objects,
checked against VyOS's own CLI definitions; deploy by remediation (set/delete) with commit-confirm;
verify through op-mode commands (FRR's own text for OSPF and routes).

>>> PLATFORM.interface_name("osaka", 3)
'tun3'
>>> PLATFORM.check_device_name("tun1234567890123")
'is longer than 15 bytes'
"""
from __future__ import annotations

from .. import dualstack
from ..base import Capabilities, Platform, Problem, interface_number
from ..tables import CBC, GCM
from . import collect, proposals, values
from . import lab as _lab
from . import remediation as _rem
from . import render as _render

PSK_LINE = values.PSK_LINE


class VyosPlatform(Platform):
    def interface_name(self, peer: str, number: int, kind: str = "primary") -> str:
        # VyOS: tunnel interface must be named tunN; a site's backup tunnel and a hub-to-hub tunnel
        # in their own ranges (base.interface_number): tun100007, tun200001 (at most 15 bytes)
        return f"tun{interface_number(number, kind)}"

    options_model = _render.VyosOptions

    def problems(self, overlay, device):
        out = super().problems(overlay, device)   # capabilities, IKE, host options (vyos_release)
        if any(p.stops for p in out):
            return out
        return out + [Problem.intent(p) for p in proposals.problems(overlay, device)
                      + proposals.range_problems(overlay, device)] + self.ipv6_problems(overlay, device) \
            + self.hub_problems(overlay, device)

    def hub_problems(self, overlay, device):
        """Redundant hubs (OSPF cost per tunnel) render in 1.4+ syntax only."""
        if _render.release(overlay, device) != "1.3" or not any(t.cost is not None
                                                                 for t in overlay.tunnels_of(device)):
            return []
        return [Problem("host_data", "vyos_release", f"{device!r} has redundant-hub tunnels (issue 23): grectl "
                        "renders their OSPF costs in VyOS 1.4+ syntax only, not 1.3", self.name)]

    def ipv6_problems(self, overlay, device):
        """Dual-stack renders in 1.4+ syntax only; the IPv6 LANs' interfaces from ``lan6_interfaces``."""
        if "ipv6" not in overlay.families(device):
            return []
        if _render.release(overlay, device) == "1.3":
            return [Problem("host_data", "vyos_release", f"{device!r} carries IPv6 (dual-stack tunnels): grectl "
                            "renders OSPFv3 and tunnel IPv6 in VyOS 1.4+ syntax only, not 1.3", self.name)]
        return dualstack.problems(self, overlay, device)

    def check_psk(self, key):
        return values.check_psk(key)

    def check_interface(self, name):
        return values.check_interface(name)

    def canonical_interface(self, name):
        return values.canonical_interface(name)

    def release(self, overlay, device) -> str:
        return _render.release(overlay, device)

    def render(self, overlay, device, secrets, site=None):
        return _render.render(overlay, device, secrets, site)

    def mask(self, text):
        """Every form VyOS prints a key in (``secret 'k'``, a ``'`` inside printed as is, ``secret "k"``,
        an echoed shell-quoted command) as ``secret '<placeholder>'``."""
        from ...secrets import PLACEHOLDER_RE, mask, placeholder

        def sub(m):
            value = values.shown_value(m.group(2))
            if PLACEHOLDER_RE.fullmatch(value):
                return f"{m.group(1)}'{value}'"
            return f"{m.group(1)}'{placeholder(value)}'"
        return mask(PSK_LINE.sub(sub, text))

    def offline_check(self, overlay, kind, path):
        """``grectl validate --vyos-defs DIR``: every rendered ``set`` line through VyOS's own CLI
        definitions (``offline.py``)."""
        if kind != "vyos-defs":
            return None
        from . import offline
        return offline.vyos_problems(overlay, path)

    def keep_site(self, candidate, running, tunnel):
        """The hub candidate with ``tunnel``'s lines exactly as they run."""
        iface = tunnel.hub_end.interface
        mine = (f"interfaces tunnel {iface} ", f"grectl-{tunnel.site} ", f"peer {tunnel.site_end.wan} ",
                f"ospf interface {iface} ", f"ospfv3 interface {iface} ", f"passive-interface-exclude '{iface}'",
                f"'{tunnel.subnet}'")

        def ours(line):
            return any(k in line + " " for k in mine)
        return "\n".join([ln for ln in candidate.splitlines() if not ours(ln)]
                         + [ln for ln in running.splitlines() if ours(ln)]) + "\n"

    def remediation(self, running, intended, full):
        return _rem.remediation(running, intended, full)

    def plan(self, intended, running, full):
        return "\n".join(self.remediation(running, intended, full)), False

    def deploy_plan(self, commands, confirm_timeout, **facts):
        return _rem.deploy_plan(commands, confirm_timeout)

    def collect(self, overlay, device, site):
        return collect.commands(overlay, device, site, _render.release(overlay, device))

    def parse(self, overlay, device, site, outputs):
        return collect.parse(overlay, device, site, outputs, _render.release(overlay, device))

    def parse_command(self, command, output):
        if " ".join(command.split()) == collect.LSDB:   # redundant hubs: FRR's router LSAs (JSON)
            from ...state import DeviceState
            from ..linux import lsdb
            return DeviceState(ospf_lsdb=lsdb.parse_router_lsdb(output))
        return collect.parse_command(command, output)

    def commands(self):
        return list(collect.COMMANDS)


PLATFORM = VyosPlatform("vyos", Capabilities(
    transforms=frozenset(GCM | CBC | {"chacha20poly1305"}), ifname_max=15, ownership="objects",
    commit_confirm="native", transport="ssh-cli", napalm_driver="vyos_grectl", driver_unmasks=True,
    netmiko_device_type="vyos",
    renders=True, families=frozenset({"ipv4", "ipv6"}), multi_hub=True,
    clab=_lab.CLAB,
    notes=("1.4/1.5 syntax by default; hosts.yaml data: {vyos_release: '1.3'} for equuleus syntax",
           "deploy through napalm_vyos_grectl: remediation, commit-confirm in whole minutes, confirm + save",
           "driver session logic proven on recorded transcripts only (no VyOS router here)")))
