"""The DF-ping arithmetic, in one place: the far end of a tunnel as a device sees it, and the
largest ICMP payload a don't-fragment ping carries through a tunnel of a given MTU (its IPv4 and
ICMP headers off). Every platform's collector and the verify judge use these.

>>> df_payload(1400), df_payload(1400, "ipv6")
(1372, 1352)
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .mtu import ICMP, IPV4, IPV6

if TYPE_CHECKING:  # pragma: no cover
    from .models import Overlay, Tunnel


def far_address(tunnel: "Tunnel", device: str, family: str = "ipv4") -> str:
    """The tunnel address of the other end, as ``device`` pings it. IPv6: its global address, or
    without a tunnel_pool6 its link-local one, scoped to ``device``'s tunnel interface."""
    far = tunnel.end(tunnel.site if device == tunnel.hub else tunnel.hub)
    if family == "ipv4":
        return str(far.address.ip)
    if far.address6 is not None:
        return str(far.address6.ip)
    return f"{far.link_local.ip}%{tunnel.end(device).interface}"


def df_payload(tunnel_mtu: int, family: str = "ipv4") -> int:
    """The largest ``ping -M do -s N`` payload that passes a tunnel of MTU ``tunnel_mtu``."""
    return tunnel_mtu - (IPV4 if family == "ipv4" else IPV6) - ICMP


def df_targets(overlay: "Overlay", device: str, tunnels: list["Tunnel"]) -> list[tuple[str, int]]:
    """(far tunnel address, largest DF payload) for each of ``tunnels``."""
    return [(far_address(t, device), df_payload(overlay.tunnel_mtu(t))) for t in tunnels]


def df_targets6(overlay: "Overlay", device: str, tunnels: list["Tunnel"]) -> list[tuple[str, int]]:
    """(far IPv6 tunnel address, largest IPv6 DF payload) for each dual-stack one of ``tunnels``."""
    return [(far_address(t, device, "ipv6"), df_payload(overlay.tunnel_mtu(t), "ipv6"))
            for t in tunnels if "ipv6" in t.families]
