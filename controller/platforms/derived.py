"""Numbers a platform renders that derive from the intent rather than stand in it: the tunnel MTU
and the TCP MSS (from both ends' WAN MTUs). A range problem with one of them is reported on the
field it comes from, so the engineer knows what to change. Pure."""
from __future__ import annotations

from ..mtu import MtuError, compute


def mtu_source(overlay, t, device: str | None = None) -> tuple[str, int]:
    """The ``hubs.X.wan.mtu`` / ``sites.X.wan.mtu`` field a tunnel's MTU comes from (the end whose
    WAN gives the smaller path MTU; on a tie, ``device``'s own) and that WAN MTU."""
    i = overlay.intent
    ends = sorted((t.hub, t.site), key=lambda d: d != device)
    end = min(ends, key=lambda d: compute(overlay.devices[d].wan.mtu, i.ipsec.transform, i.ipsec.mode,
                                           i.gre.key, i.nat_t).path_mtu)
    kind = "hubs" if overlay.devices[end].role == "hub" else "sites"
    return f"{kind}.{end}.wan.mtu", overlay.devices[end].wan.mtu


def mtu_problems(overlay, device: str, t, who: str, check, mtu_leaf: str, mss_leaf: str) -> list[str]:
    """Check one tunnel's MTU and MSS with the platform's ``check(field, what, value, leaf, note)``;
    returns the line for a tunnel whose MTU cannot be computed at all."""
    try:
        mtu = overlay.tunnel_mtu(t)
    except (MtuError, ValueError) as e:
        return [f"{mtu_source(overlay, t, device)[0]}: {who}: no tunnel MTU: {e}"]
    field, wan = mtu_source(overlay, t, device)
    check(field, "tunnel_mtu", mtu, mtu_leaf, f" (tunnel MTU from WAN MTU {wan})")
    check(field, "adjust_mss", mtu - 40, mss_leaf, f" (MSS = tunnel MTU {mtu} - 40, from WAN MTU {wan})")
    return []
