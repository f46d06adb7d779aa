"""The DF-ping arithmetic, in one place: the far end of a tunnel as a device sees it, and the
largest ICMP payload a don't-fragment ping carries through a tunnel of a given MTU (its IPv4 and
ICMP headers off). Every platform's collector and the verify judge use these.

>>> df_payload(1400)
1372
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .mtu import ICMP, IPV4

if TYPE_CHECKING:  # pragma: no cover
    from .models import Overlay, Tunnel


def far_address(tunnel: "Tunnel", device: str) -> str:
    """The tunnel address of the other end, as ``device`` pings it."""
    return str(tunnel.end(tunnel.site if device == tunnel.hub else tunnel.hub).address.ip)


def df_payload(tunnel_mtu: int) -> int:
    """The largest ``ping -M do -s N`` payload that passes a tunnel of MTU ``tunnel_mtu``."""
    return tunnel_mtu - IPV4 - ICMP


def df_targets(overlay: "Overlay", device: str, tunnels: list["Tunnel"]) -> list[tuple[str, int]]:
    """(far tunnel address, largest DF payload) for each of ``tunnels``."""
    return [(far_address(t, device), df_payload(overlay.tunnel_mtu(t))) for t in tunnels]
