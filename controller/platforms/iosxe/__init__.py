"""Cisco IOS-XE over NETCONF: Cisco's native YANG (17.12.1), deployed through the NAPALM driver
``iosxe_netconf`` (ncclient: candidate datastore, confirmed commit with persist id).

grectl owns objects inside the router's configuration, never the whole of it (see
``nativexml.py`` for exactly which). The renderer is pure; the driver turns
the intended ``<config>`` into edit-config operations on the candidate.

>>> PLATFORM.interface_name("tokyo", 3)
'Tunnel3'
>>> PLATFORM.caps.napalm_driver, PLATFORM.caps.transport
('iosxe_netconf', 'netconf')
"""
from __future__ import annotations

from pydantic import field_validator

from controller.platforms.iosxe import nativexml

from .. import dualstack
from ..base import Capabilities, HostOptions, Platform, Problem
from ..ios import limits
from ..ios import names as ios_names
from ..ios import secrets as ios_secrets
from ..tables import CBC, GCM_IOS
from . import build, build6, state, yang_map
from . import lab as _lab


class IosXeOptions(HostOptions):
    """The IOS-XE keys of a device's host data."""
    iosxe_verify: str = "cli"

    @field_validator("iosxe_verify", mode="before")
    @classmethod
    def _verify(cls, v):
        if v not in ("cli", "config"):
            raise ValueError("must be 'cli' (show commands over SSH) or 'config' (a NETCONF-only target), "
                             f"not {v!r}")
        return v


class IosXePlatform(Platform):
    options_model = IosXeOptions

    def problems(self, overlay, device):
        out = super().problems(overlay, device)   # capabilities, IKE, host options (iosxe_verify)
        i = overlay.intent
        for p in yang_map.problems(i.ike.proposal, i.ipsec.transform):
            out.append(Problem.intent(p.replace(": ", f": platform {self.name} of {device!r}: ", 1)))
        out += [Problem.intent(p) for p in limits.problems(overlay, device, limits.IOSXE, self.name)]
        six = dualstack.problems(self, overlay, device)   # lan6_interfaces: one IOS name per IPv6 LAN
        if not six and overlay.devices[device].lans6:
            six = [Problem("host_data", dualstack.KEY, why, self.name)
                   for why in map(build6.lan_problem, dualstack.lan6_interfaces(overlay, device)) if why]
        return list(dict.fromkeys(out + six))

    # Keys, interface names: the IOS rules. The key is a YANG string leaf (Cisco-IOS-XE-crypto
    # ``pre-shared-key/key``, pattern '.*': no line breaks) placed as element text by lxml, so XML
    # itself cannot change it; but a real IOS-XE keeps it in its CLI config and verify reads that
    # CLI (``show running-config``, the ios parsers), so what IOS would read differently is refused
    # here too (type prefixes, whitespace, '?', non-ASCII, over 128 bytes). The WAN interface never
    # reaches the payload (the tunnel source is the WAN address) but names the CLI's interfaces.
    def check_psk(self, key):
        return ios_secrets.check_psk(key)

    def check_interface(self, name):
        return ios_names.check_interface(name)

    def canonical_interface(self, name):
        return ios_names.canonical_ifname(name)

    def render(self, overlay, device, secrets, site=None):
        return build.render(overlay, device, secrets, site)

    def mask(self, text):
        return nativexml.mask_text(text)

    def offline_check(self, overlay, kind, path):
        """``grectl validate --yang DIR``: every rendered payload through yanglint (``yang_check.py``)."""
        if kind != "yang":
            return None
        from . import yang_check
        return [f"{d}: YANG: {p}" for d, ps in yang_check.check(overlay, path).items() for p in ps]

    def keep_site(self, candidate, running, tunnel):
        return state.keep_site(candidate, running, tunnel)

    def plan(self, intended, running, full):
        # the driver computes the edit (replace grectl's entries, remove the ones no longer intended)
        return intended, full

    # Verify: a real IOS-XE router answers the ios show commands over SSH (the driver's cli() opens a
    # CLI session beside NETCONF), so both transports share one judge. A NETCONF-only target (the
    # lab's netconfd: host data ``iosxe_verify: config``) is judged on its configuration alone.
    def _config_only(self, overlay, device) -> bool:
        return self.options(overlay, device).iosxe_verify == "config"

    def collect(self, overlay, device, site):
        if self._config_only(overlay, device):
            return [[state.GET_CONFIG]]
        from ..ios import PLATFORM as IOS
        return IOS.collect(overlay, device, site)

    def parse(self, overlay, device, site, outputs):
        if self._config_only(overlay, device):
            return state.parse(overlay, device, site, outputs.get(state.GET_CONFIG, ""))
        from ..ios import PLATFORM as IOS
        return IOS.parse(overlay, device, site, outputs)

    def parse_command(self, command, output):
        if command.strip() == state.GET_CONFIG:
            return state.parse_config(output)
        from ..ios import PLATFORM as IOS
        return IOS.parse_command(command, output)

    def commands(self):
        from ..ios import PLATFORM as IOS
        return [state.GET_CONFIG] + IOS.commands()


# IKEv2 DH groups the 17.12.1 YANG can express (no x25519: group 31 is absent from the model)
PLATFORM = IosXePlatform("iosxe", Capabilities(
    transforms=frozenset(GCM_IOS | CBC), dh_groups=frozenset(yang_map.GROUPS), ifname_max=64,
    ownership="objects", commit_confirm="native", transport="netconf", napalm_driver="iosxe_netconf",
    driver_unmasks=True, families=frozenset({"ipv4", "ipv6"}), multi_hub=True,
    netmiko_device_type="cisco_xe", renders=True, lab_kind="netconf", clab=_lab.CLAB,
    notes=("verify reads the configuration over NETCONF; operational groups need show commands",)))
