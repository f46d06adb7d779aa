"""Render one VyOS router's grectl objects as ``set`` lines.

The release (``1.4`` syntax by default, ``1.3`` on request) is read from the Nornir host's
``data: {vyos_release: "1.3"}`` (host, then its groups, then defaults, as Nornir inherits data).
"""
from __future__ import annotations

from pydantic import field_validator

from ...models import Overlay
from .. import dualstack
from ..base import HostOptions
from ..templating import environment
from . import proposals, values

RELEASES = ("1.3", "1.4", "1.5")
DEFAULT_RELEASE = "1.4"
GROUP = "grectl"


def _env():
    """The platform's Jinja environment with VyOS's encoders: ``q`` single-quotes a value (refusing one
    that would need more than the quotes), ``n`` passes a bare node name (refusing anything else), ``k`` shell-quotes
    the key (a placeholder comes out as ``'%{psk:...}'``).
    Every value in vyos.j2 goes through one of them."""
    env = environment(__file__)
    env.filters.setdefault("q", values.config_value)
    env.filters.setdefault("n", values.node_name)
    env.filters.setdefault("k", values.vbash_quote)   # the key (or its placeholder): shell-quoted
    return env


def host_data(overlay: Overlay, device: str) -> dict:
    """The device's Nornir host data, resolved with inheritance by the inventory loader."""
    return overlay.devices[device].data


def release(overlay: Overlay, device: str) -> str:
    """The VyOS release whose syntax ``device`` gets; ``1.5`` renders like ``1.4``."""
    r = str(host_data(overlay, device).get("vyos_release", DEFAULT_RELEASE))
    return "1.3" if r.startswith("1.3") or r.startswith("1.2") else "1.4"


class VyosOptions(HostOptions):
    """The VyOS keys of a device's host data."""
    vyos_release: str = DEFAULT_RELEASE

    @field_validator("vyos_release", mode="before")
    @classmethod
    def _release(cls, v):
        r = str(v)
        if not any(r == x or r.startswith(x + ".") for x in RELEASES):
            raise ValueError(f"{r!r} is not a VyOS release grectl renders ({', '.join(RELEASES)})")
        return r


def context(overlay: Overlay, device: str, secrets: dict[str, str], site: str | None, rel: str) -> dict:
    i, dev = overlay.intent, overlay.devices[device]
    tunnels = []
    for t in overlay.tunnels_of(device, site):
        end = t.end(device)
        mtu = overlay.tunnel_mtu(t)
        tunnels.append(dict(
            interface=end.interface, address=end.address, subnet=end.address.network, wan=end.wan,
            peer_wan=end.peer_wan, mtu=mtu, mss=mtu - 40, key=t.hub_end.number if i.gre.key else None,
            peer=end.peer, psk=f"{GROUP}-{end.peer}", secret=secrets[t.site],
            description=f"grectl: {end.peer}", cost=t.cost, initiator=end is t.site_end,
            **dualstack.end6(overlay, t, device)))
    six = any(t["ipv6"] for t in tunnels) or (site is None and bool(dev.lans6))
    return dict(release=rel, tunnels=tunnels, role=dev.role, full=site is None or dev.role == "site",
                wan_interface=dev.wan.interface, group=GROUP, ike=i.ike, ipsec=i.ipsec, ospf=i.ospf,
                ike_p=proposals.ike(i.ike.proposal), esp_p=proposals.esp(i.ipsec.transform),
                dpd_timeout=min(86400, max(2, i.ike.dpd_delay * 4)), gre_ttl=i.gre.ttl, nat_t=i.nat_t,
                router_id=dev.router_id, lans=dev.lans, ospf6=six, lans6=dualstack.lan6_pairs(overlay, device))


def render(overlay: Overlay, device: str, secrets: dict[str, str], site: str | None = None,
           rel: str | None = None) -> str:
    rel = rel or release(overlay, device)
    return _env().get_template("vyos.j2").render(context(overlay, device, secrets, site, rel))
