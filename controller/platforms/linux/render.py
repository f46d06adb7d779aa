"""Render one Linux router (kernel GRE + strongSwan swanctl + FRR OSPF) from the overlay.

Pure: the overlay and PSKs in, one config document out (see router/linuxconf.py), written
directly in linuxconf's canonical form: tunnels and swanctl blocks sorted by name, FRR one-liners,
then interfaces and ``router ospf`` lines in linuxconf's natural order. So the text is what
``linuxconf.dump(linuxconf.parse(text))`` would give back (tests/unit/test_linux_render_canonical.py
holds that for every shape), without parsing the text again.
"""
from __future__ import annotations

from functools import lru_cache

from controller.platforms.linux.router import linuxconf

from ...models import Overlay
from ..templating import environment


@lru_cache(maxsize=None)
def _template(name: str):
    """The compiled template, once per process (not an mtime check of the file per device)."""
    return environment(__file__).get_template(name)


def _canonical(secret: str) -> bool:
    """A PSK text the swanctl block parser reads as one plain line: its braces (a placeholder's
    ``%{psk:...}``) balance. Any other key takes the parse-and-dump way, as before."""
    return secret.count("{") == secret.count("}")


def render(overlay: Overlay, device: str, site: str | None, secrets: dict[str, str]) -> str:
    """``secrets`` maps site -> the text to write as its PSK (a placeholder or the key)."""
    i, dev = overlay.intent, overlay.devices[device]
    ends = []
    for t in overlay.tunnels_of(device, site):
        end = t.end(device)
        mtu = overlay.tunnel_mtu(t)
        ends.append(dict(peer=end.peer, interface=end.interface, wan=str(end.wan), peer_wan=str(end.peer_wan),
                         address=end.address, mtu=mtu, secret=secrets[t.site], key=t.hub_end.number,
                         link_local=end.link_local, address6=end.address6, ipv6="ipv6" in t.families,
                         cost=t.cost, initiator=end is t.site_end))
    full = site is None or dev.role == "site"
    natural = linuxconf._natural  # the order linuxconf.dump_frr writes
    interfaces = [dict(name=e["interface"], tunnel=True, ipv4=True, ipv6=e["ipv6"], cost=e["cost"]) for e in ends]
    if full:  # the n-th IPv6 LAN is on lan<n>, beside the n-th IPv4 LAN (models.Device)
        lans = {n: dict(name=n, tunnel=False, ipv4=True, ipv6=False) for n in dev.lan_interfaces}
        for n in dev.lan6_interfaces:
            lans.setdefault(n, dict(name=n, tunnel=False, ipv4=False, ipv6=False))["ipv6"] = True
        interfaces += lans.values()
    interfaces.sort(key=lambda x: natural(f"interface {x['name']}"))
    ospf6 = any(x["ipv6"] for x in interfaces)
    area = str(i.ospf.area)
    networks = ([str(lan) for lan in dev.lans] if full else []) + [str(e["address"].network) for e in ends]
    networks.sort(key=lambda n: natural(f"network {n} area {area}"))
    ctx = dict(device=dev, tunnels=sorted(ends, key=lambda e: e["peer"]), interfaces=interfaces,
               networks=networks, ike=i.ike, ipsec=i.ipsec, nat_t=i.nat_t, ospf=i.ospf, role=dev.role, full=full,
               ospf6=ospf6)
    tunnels = "\n".join(
        linuxconf.dump_tunnel(e["interface"], {
            "local": e["wan"], "remote": e["peer_wan"], "ttl": str(i.gre.ttl),
            "key": str(e["key"] if i.gre.key else 0), "mtu": str(e["mtu"]), "address": str(e["address"]),
            **{k: str(e[k]) for k in ("link_local", "address6") if e[k] is not None}})
        for e in sorted(ends, key=lambda e: e["interface"]))
    swanctl = _template("swanctl.j2").render(ctx).rstrip("\n") if ends else ""
    frr = _template("frr.j2").render(ctx).rstrip("\n")
    text = "\n".join(x for x in ("[tunnels]", tunnels, "[swanctl]", swanctl, "[frr]", frr) if x) + "\n"
    if all(_canonical(e["secret"]) for e in ends):
        return text
    return linuxconf.dump(linuxconf.parse(text))
