"""The dual-stack facts a vendor template needs (issue 22, point 4), in one place.

Per tunnel end: whether it carries IPv6, its link-local and (with a ``tunnel_pool6``) global
address, the IPv6 TCP MSS (MTU - 60: a 40-byte IPv6 header and a 20-byte TCP header).

Per device: the interface of each IPv6 LAN. OSPFv3 has no ``network`` statement (it is enabled per
interface on every vendor), so a platform that advertises IPv6 LANs must be told their interfaces:
the host data key ``lan6_interfaces``, one interface per IPv6 LAN in the order of ``lans``, each
checked by the platform's own interface grammar::

    osaka:
      platform: ios
      data: {lan6_interfaces: [GigabitEthernet0/2]}

>>> mss6(1400)
1340
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import field_validator

from .base import HostOptions, Problem, option_problems

if TYPE_CHECKING:  # pragma: no cover
    from ..models import Overlay, Tunnel
    from .base import Platform

KEY = "lan6_interfaces"


def mss6(mtu: int) -> int:
    """The IPv6 TCP MSS clamp for a tunnel MTU: MTU - 40 (IPv6) - 20 (TCP)."""
    return mtu - 60


class Lan6Options(HostOptions):
    """The ``lan6_interfaces`` host data key: a list of interface names (checked per platform)."""
    lan6_interfaces: tuple[str, ...] = ()

    @field_validator("lan6_interfaces", mode="before")
    @classmethod
    def _names(cls, v):
        if not isinstance(v, (list, tuple)) or not all(isinstance(x, str) for x in v):
            raise ValueError(f"must be a list of interface names, one per IPv6 LAN (got {v!r})")
        return tuple(v)


def end6(overlay: "Overlay", t: "Tunnel", device: str) -> dict:
    """One tunnel end's IPv6 facts for a template (``ipv6`` False: an IPv4-only tunnel)."""
    end = t.end(device)
    six = "ipv6" in t.families
    mtu = overlay.tunnel_mtu(t)
    return dict(ipv6=six, link_local=end.link_local if six else None, address6=end.address6 if six else None,
                mss6=mss6(mtu))


def lan6_interfaces(overlay: "Overlay", device: str) -> tuple[str, ...]:
    """The host data's interface names for ``device``'s IPv6 LANs (as written; () if unset)."""
    data = overlay.devices[device].data
    try:
        return Lan6Options.model_validate(data).lan6_interfaces
    except ValueError:
        return ()


def lan6_pairs(overlay: "Overlay", device: str, canonical=lambda n: n) -> list[tuple[str, object]]:
    """(interface, prefix) for each IPv6 LAN of ``device``, the interface in the platform's spelling."""
    return [(canonical(n), lan) for n, lan in zip(lan6_interfaces(overlay, device), overlay.devices[device].lans6)]


def problems(platform: "Platform", overlay: "Overlay", device: str) -> list[Problem]:
    """``lan6_interfaces`` against the device's IPv6 LANs: one name per LAN, each an interface of
    the platform. Nothing to say for a device without IPv6 LANs."""
    lans6 = overlay.devices[device].lans6
    data = overlay.devices[device].data
    if not lans6 and KEY not in data:
        return []
    bad = option_problems(Lan6Options, data, platform.name)
    if bad:
        return bad
    names = Lan6Options.model_validate(data).lan6_interfaces
    if not lans6:
        return []  # back to IPv4 only: the names stay unused until an IPv6 LAN comes back
    if len(names) != len(lans6):
        return [Problem("host_data", KEY, f"{device!r} has {len(lans6)} IPv6 LAN(s) "
                        f"({', '.join(map(str, lans6)) or 'none'}): {platform.name} runs OSPFv3 per interface, "
                        f"so {KEY} must name one interface per IPv6 LAN (got {len(names)})", platform.name)]
    out = []
    wan = overlay.devices[device].wan.interface
    for n, name in enumerate(names):
        why = platform.check_interface(name)
        if why:
            out.append(Problem("host_data", KEY, f"entry {n} ({name!r}) {why}", platform.name))
        elif platform.canonical_interface(name) == platform.canonical_interface(wan):
            out.append(Problem("host_data", KEY, f"entry {n} ({name!r}) is {device!r}'s WAN interface: OSPFv3 "
                               "would run on the underlay (an IPv6 LAN needs an interface of its own)", platform.name))
    return out
