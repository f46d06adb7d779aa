"""Render one Linux router (kernel GRE + strongSwan swanctl + FRR OSPF) from the overlay.

Pure: the overlay and PSKs in, one config document out (see napalm_linux_frr.linuxconf).
"""
from __future__ import annotations


from ..templating import environment

from napalm_linux_frr import linuxconf

from ...models import Overlay


def _env():
    return environment(__file__)


def render(overlay: Overlay, device: str, site: str | None, secrets: dict[str, str]) -> str:
    """``secrets`` maps site -> the text to write as its PSK (a placeholder or the key)."""
    i, dev = overlay.intent, overlay.devices[device]
    ends = []
    for t in overlay.tunnels_of(device, site):
        end = t.end(device)
        mtu = overlay.tunnel_mtu(t)
        ends.append(dict(peer=end.peer, interface=end.interface, wan=end.wan, peer_wan=end.peer_wan,
                         address=end.address, mtu=mtu, secret=secrets[t.site], key=t.hub_end.number))
    full = site is None or dev.role == "site"
    tunnels = "\n".join(
        linuxconf.dump_tunnel(e["interface"], {
            "local": str(e["wan"]), "remote": str(e["peer_wan"]), "ttl": str(i.gre.ttl),
            "key": str(e["key"] if i.gre.key else 0), "mtu": str(e["mtu"]), "address": str(e["address"])})
        for e in ends)
    ctx = dict(device=dev, tunnels=ends, ike=i.ike, ipsec=i.ipsec, nat_t=i.nat_t, ospf=i.ospf,
               role=dev.role, full=full)
    swanctl = _env().get_template("swanctl.j2").render(ctx) if ends else ""
    frr = _env().get_template("frr.j2").render(ctx)
    text = f"[tunnels]\n{tunnels}\n[swanctl]\n{swanctl}\n[frr]\n{frr}"
    return linuxconf.dump(linuxconf.parse(text))
