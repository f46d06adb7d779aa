"""Render one Cisco IOS / IOS-XE router from the overlay: pure, the overlay and PSK texts in,
IOS configuration text out (the grectl-owned objects only; never a whole router config)."""
from __future__ import annotations

from ...models import Overlay
from .. import dualstack
from ..templating import environment
from . import names, options, proposals


def v6(value) -> str:
    """An IPv6 address or interface as IOS prints it: compressed, upper case."""
    return str(value).upper()


def _env():
    env = environment(__file__)
    env.filters["v6"] = v6
    return env


def context(overlay: Overlay, device: str, site: str | None, secrets: dict[str, str]) -> dict:
    i, dev = overlay.intent, overlay.devices[device]
    opts = options.of(overlay, device)
    tunnels = []
    for t in overlay.tunnels_of(device):
        if site is not None and t.site != site:
            continue
        end = t.end(device)
        mtu = overlay.tunnel_mtu(t)
        tunnels.append(dict(peer=end.peer, interface=end.interface, number=end.number, address=end.address,
                            subnet=t.subnet, peer_wan=end.peer_wan, mtu=mtu, mss=mtu - 40,
                            secret=secrets[t.site], acl=names.gre_acl(end.number), cost=t.cost, key=t.hub_end.number,
                            **dualstack.end6(overlay, t, device)))
    v = i.ike.version
    return dict(
        names=names, style=opts.style, wan_acl=opts.wan_acl, role=dev.role, full=site is None or dev.role == "site",
        ike=i.ike, ipsec=i.ipsec, ospf=i.ospf, nat_t=i.nat_t, gre_key=i.gre.key, ike_version=v,
        ikev2=proposals.ikev2(i.ike.proposal) if v == 2 else None,
        isakmp=proposals.isakmp(i.ike.proposal) if v == 1 else None,
        proposal_name=names.proposal_name(i.ike.proposal),
        ts_name=names.transform_set_name(i.ipsec.transform), transform_set=proposals.transform_set(i.ipsec.transform),
        wan_if=names.canonical_ifname(dev.wan.interface), wan_ip=dev.wan.address.ip,
        router_id=dev.router_id, lans=dev.lans, tunnels=tunnels,
        lans6=dualstack.lan6_pairs(overlay, device, names.canonical_ifname),
        ipv6=any(t["ipv6"] for t in tunnels) or (site is None and bool(dev.lans6)),
        ospf6=any(t["ipv6"] for t in tunnels) or (site is None and bool(dev.lans6)))


def render(overlay: Overlay, device: str, site: str | None, secrets: dict[str, str]) -> str:
    """``secrets`` maps site -> the text to write as its PSK (a placeholder or the key)."""
    ctx = context(overlay, device, site, secrets)
    if not ctx["tunnels"] and site is not None:
        return ""
    return _env().get_template("ios.j2").render(ctx)
