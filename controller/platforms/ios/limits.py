"""The numbers an IOS / IOS-XE config takes, and the intent's numbers checked against them. Pure.

Every number that lands in a rendered line or leaf is here: the intent's own (DPD, lifetimes,
OSPF) and the derived ones (tunnel ``ip mtu`` and ``ip tcp adjust-mss`` from the WAN MTUs, the
tunnel number, the GRE key, the crypto-map sequence). A derived number out of range is refused
naming the field it comes from (``sites.X.wan.mtu``), with the range of that field that would fit.

>>> IOS["ike.dpd_delay"].lo, IOS["ike.dpd_delay"].hi
(10, 3600)
>>> IOS["mss"].lo, IOS["mss"].hi
(500, 1460)
"""
from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from ... import mtu as _mtu


class Limit(NamedTuple):
    lo: int
    hi: int
    what: str      # the command or leaf, as the platform names it
    source: str    # where the range is documented


_SEC = "Cisco IOS Security Command Reference"
_IP = "Cisco IOS IP Application Services Command Reference"
_OSPF = "Cisco IOS IP Routing: OSPF Command Reference"
_IF = "Cisco IOS Interface and Hardware Component Command Reference"

# Cisco IOS (CLI). Sources: the Cisco IOS command references named in each row (IOS 15.x / IOS-XE
# CLI); where a release differs, the narrower range.
IOS: dict[str, Limit] = {
    "ike.dpd_delay": Limit(10, 3600, "dpd / crypto isakmp keepalive seconds",
                           f"{_SEC}: crypto ikev2 dpd, dpd (IKEv2 profile), crypto isakmp keepalive: 10-3600"),
    "ike.lifetime": Limit(120, 86400, "crypto ikev2 profile lifetime",
                          f"{_SEC}: lifetime (IKEv2 profile) 120-86400; lifetime (ISAKMP policy) 60-86400"),
    "ipsec.lifetime": Limit(120, 86400, "set security-association lifetime seconds",
                            f"{_SEC}: set security-association lifetime seconds 120-86400 (IOS 15.x; "
                            "newer releases take up to 2592000)"),
    "ospf.process": Limit(1, 65535, "router ospf", f"{_OSPF}: router ospf process-id 1-65535"),
    "ospf.hello": Limit(1, 65535, "ip ospf hello-interval", f"{_OSPF}: ip ospf hello-interval 1-65535"),
    "ospf.dead": Limit(1, 65535, "ip ospf dead-interval", f"{_OSPF}: ip ospf dead-interval 1-65535"),
    "gre.ttl": Limit(1, 255, "tunnel ttl", f"{_IF}: tunnel ttl 1-255"),
    "tunnel": Limit(0, 2147483647, "interface Tunnel", f"{_IF}: interface tunnel number 0-2147483647"),
    "gre.key": Limit(0, 4294967295, "tunnel key", f"{_IF}: tunnel key 0-4294967295"),
    "crypto_map_seq": Limit(1, 65535, "crypto map sequence number", f"{_SEC}: crypto map seq-num 1-65535"),
    "ip_mtu": Limit(68, 9976, "ip mtu", f"{_IP}: ip mtu 68 up to the interface MTU (9976 on most platforms)"),
    "mss": Limit(500, 1460, "ip tcp adjust-mss", f"{_IP}: ip tcp adjust-mss max-segment-size 500-1460"),
}

# Cisco IOS-XE 17.12.1 over NETCONF. Source: Cisco's native YANG for 17.12.1 (../shared/yang):
# Cisco-IOS-XE-crypto.yang (ikev2 profile dpd interval 10..3600, retry 2..60; ikev2 profile lifetime
# seconds 120..86400; ipsec profile set security-association lifetime seconds 120..2592000),
# Cisco-IOS-XE-ospf.yang (process-id 1..65535, interface hello-interval 1..65535, dead-interval
# 1..65535), Cisco-IOS-XE-interfaces.yang (ip mtu 68..18000, ip tcp adjust-mss 500..1460, Tunnel
# name uint32), Cisco-IOS-XE-tunnel.yang (tunnel key 0..4294967295). ``verify`` on a real IOS-XE
# reads the CLI, so the CLI's narrower ranges (IOS above) apply where they are narrower.
_Y = "IOS-XE 17.12.1 native YANG"
IOSXE: dict[str, Limit] = {
    **IOS,
    "ipsec.lifetime": Limit(120, 86400, "ipsec profile set security-association lifetime seconds",
                            f"{_Y} Cisco-IOS-XE-crypto: 120..2592000; the model's own maximum is 86400"),
    "ip_mtu": Limit(68, 9976, "ip mtu", f"{_Y} Cisco-IOS-XE-interfaces: ip mtu 68..18000 (CLI 68..9976)"),
    "mss": Limit(500, 1460, "ip tcp adjust-mss", f"{_Y} Cisco-IOS-XE-interfaces: adjust-mss 500..1460"),
}
IOSXE.pop("crypto_map_seq")


def _where(overlay, device: str) -> str:
    return "hubs" if overlay.devices[device].role == "hub" else "sites"


@lru_cache(maxsize=256)
def wan_mtus_that_fit(transform: str, mode: str, gre_key: bool, nat_t: bool,
                      ip_mtu: tuple[int, int], mss: tuple[int, int]) -> tuple[int, int] | None:
    """The WAN MTUs (576..9216) whose tunnel ``ip mtu`` and adjust-mss (MTU - 40) both fit.

    >>> wan_mtus_that_fit("aes128gcm16", "transport", False, False, (68, 9976), (500, 1460))
    (600, 1559)
    """
    ok = []
    for wan in range(576, 9217):
        try:
            p = _mtu.compute(wan, transform, mode, gre_key, nat_t).path_mtu
        except _mtu.MtuError:
            return None
        if ip_mtu[0] <= p <= ip_mtu[1] and mss[0] <= p - 40 <= mss[1]:
            ok.append(wan)
    return (ok[0], ok[-1]) if ok else None


def problems(overlay, device: str, table: dict[str, Limit], platform: str) -> list[str]:
    """``field: what is wrong`` for every number of ``device``'s config outside ``table``."""
    i, out = overlay.intent, []
    where = f"platform {platform} of {device!r}"
    values = {"ike.dpd_delay": i.ike.dpd_delay, "ike.lifetime": i.ike.lifetime, "ipsec.lifetime": i.ipsec.lifetime,
              "ospf.process": i.ospf.process, "ospf.hello": i.ospf.hello, "ospf.dead": i.ospf.dead,
              "gre.ttl": i.gre.ttl}
    for field, value in values.items():
        lim = table[field]
        if not lim.lo <= value <= lim.hi:
            side = f"at most {lim.hi}" if value > lim.hi else f"at least {lim.lo}"
            out.append(f"{field}: {where} takes {side} ({lim.what}: {lim.lo}..{lim.hi}), not {value}")
    for t in overlay.tunnels_of(device):
        end = t.end(device)
        field = f"sites.{t.site}.id"
        for key, value in (("tunnel", end.number), ("gre.key", end.number), ("crypto_map_seq", end.number)):
            lim = table.get(key)
            if lim is not None and not lim.lo <= value <= lim.hi:
                out.append(f"{field}: gives {lim.what} {value} on {where}, which takes {lim.lo}..{lim.hi}")
        out += _mtu_problems(overlay, device, t, table, where)
    return list(dict.fromkeys(out))


def _mtu_problems(overlay, device, t, table, where) -> list[str]:
    i = overlay.intent
    try:
        tunnel_mtu = overlay.tunnel_mtu(t)
    except _mtu.MtuError:
        return []  # an unknown transform is reported by the proposal checks
    ends = sorted((overlay.devices[d].wan.mtu, d != device, d) for d in (t.hub, t.site))
    _, _, source = ends[0]           # the end whose WAN MTU sets the tunnel MTU (this one on a tie)
    field = f"{_where(overlay, source)}.{source}.wan.mtu"
    ip_mtu, mss = table["ip_mtu"], table["mss"]
    bad = []
    if not ip_mtu.lo <= tunnel_mtu <= ip_mtu.hi:
        bad.append(f"{ip_mtu.what} {tunnel_mtu} (takes {ip_mtu.lo}..{ip_mtu.hi})")
    if not mss.lo <= tunnel_mtu - 40 <= mss.hi:
        bad.append(f"{mss.what} {tunnel_mtu - 40} (takes {mss.lo}..{mss.hi})")
    if not bad:
        return []
    fit = wan_mtus_that_fit(i.ipsec.transform, i.ipsec.mode, i.gre.key, i.nat_t,
                            (ip_mtu.lo, ip_mtu.hi), (mss.lo, mss.hi))
    hint = f"; a WAN MTU of {fit[0]}..{fit[1]} fits" if fit else ""
    return [f"{field}: {overlay.devices[source].wan.mtu} gives tunnel {t.end(device).interface} on {where} "
            f"{' and '.join(bad)}{hint}"]
