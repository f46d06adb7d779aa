"""Render one IOS-XE router as ``<config>`` XML in Cisco's native YANG. Pure.

The same intent and meaning as the ``ios`` CLI rendering:

- ``/native/crypto/ikev2``: proposal ``grectl`` and policy ``grectl`` (matching the WAN address),
  per tunnel a keyring ``grectl-<peer>`` (peer address /32, pre-shared key) and a profile
  ``grectl-<peer>`` (match identity remote address, local identity address, pre-share both
  ways, the keyring, lifetime, DPD);
- ``/native/crypto/ipsec``: transform-set ``grectl`` (mode transport or tunnel) and per tunnel a
  profile ``grectl-<peer>`` (transform-set, IKEv2 profile, SA lifetime);
- ``/native/interface/Tunnel<n>``: description ``grectl: <peer>``, address, ``ip mtu`` (the
  tunnel MTU both ends share), ``ip tcp adjust-mss``, OSPF on the interface (process, area,
  point-to-point, hello/dead), tunnel source/destination, key, ``tunnel protection ipsec profile``;
- ``/native/router/router-ospf``: the process with its router-id and the LAN networks;
- dual-stack (issue 22) and redundant hubs (issue 23): ``build6.py`` (IPv6 on the tunnels and LANs,
  ``ipv6 router ospf``, ``ipv6 unicast-routing``; each tunnel's OSPF cost when the intent gives one).

Elements come in an order that puts every leafref's target before the leaf that points at it
(yuma123 checks leafrefs as the edit arrives). The PSK is written as given in ``secrets``
(normally a placeholder; the driver swaps the key in on the way to the device).
"""
from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network

from lxml import etree

from controller.platforms.iosxe.nativexml import CRYPTO, NATIVE, NC, OSPF, PREFIX, TUNNEL, pretty

from ...models import Overlay, Tunnel
from . import build6, yang_map
from .build6 import _sub  # one element builder for the IPv4 and IPv6 pieces

HOST_MASK = "255.255.255.255"


def _path(parent, *tags: str, ns: str | None = None):
    el = parent
    for i, t in enumerate(tags):
        found = next((c for c in el if etree.QName(c).localname == t), None)
        el = found if found is not None else _sub(el, t, ns=ns if i == 0 else None)
    return el


def area_id(area: IPv4Address) -> str:
    """OSPF area as IOS-XE writes it: a number (``0``), the YANG type takes either form."""
    return str(int(area))


def wildcard(net: IPv4Network) -> str:
    return str(net.hostmask)


def object_name(peer: str) -> str:
    return f"{PREFIX}-{peer}"


def ends(overlay: Overlay, device: str, site: str | None) -> list[tuple[Tunnel, object]]:
    return [(t, t.end(device)) for t in overlay.tunnels_of(device) if site is None or t.site == site]


def build(overlay: Overlay, device: str, secrets: dict[str, str], site: str | None = None):
    """The ``<config>`` element. With ``site``, only that site's tunnel (the hub side of it) plus the
    shared proposal, policy and transform-set; the OSPF process's own settings only when whole."""
    i, dev = overlay.intent, overlay.devices[device]
    full = site is None or dev.role == "site"
    mine = ends(overlay, device, site)
    ike, ts = yang_map.ikev2(i.ike.proposal), yang_map.transform_set(i.ipsec.transform)

    cfg = etree.Element(f"{{{NC}}}config", nsmap={None: NC})
    native = _sub(cfg, "native", ns=NATIVE)
    crypto = _sub(native, "crypto")
    if build6.wants_ipv6(mine, dev.lans6, full):
        build6.globals6(native, i.ospf.process)
    if mine:
        _ikev2(_sub(crypto, "ikev2", ns=CRYPTO), i, dev, mine, secrets, ike)
        _ipsec(_sub(crypto, "ipsec", ns=CRYPTO), i, mine, ts)
        _tunnels(_path(native, "interface"), overlay, mine)
    if full and dev.lans6:
        build6.lans6(_path(native, "interface"), overlay, device, area_id(i.ospf.area))
    if full or mine:  # the process the tunnels run in exists first (Cisco's YANG insists)
        ospf = _path(_path(native, "router"), "router-ospf", "ospf", ns=OSPF)
        pid = _sub(ospf, "process-id")
        _sub(pid, "id", i.ospf.process)
    if full:
        for lan in dev.lans:
            net = _sub(pid, "network")
            _sub(net, "ip", lan.network_address)
            _sub(net, "wildcard", wildcard(lan))
            _sub(net, "area", area_id(i.ospf.area))
        _sub(pid, "router-id", dev.router_id)
    if not len(crypto):
        native.remove(crypto)
    return cfg


def _ikev2(ikev2, i, dev, mine: list, secrets: dict[str, str], ike: yang_map.IkeV2) -> None:
    """Keyrings (before the profiles that name them: leafref), policy, profiles, proposal."""
    for t, end in mine:
        kr = _sub(ikev2, "keyring")
        _sub(kr, "name", object_name(end.peer))
        peer = _sub(kr, "peer")
        _sub(peer, "name", end.peer)
        v4 = _path(peer, "address", "ipv4")
        _sub(v4, "ipv4-address", end.peer_wan)
        _sub(v4, "ipv4-mask", HOST_MASK)
        _sub(_sub(peer, "pre-shared-key"), "key", secrets[t.site])
    pol = _sub(ikev2, "policy")
    _sub(pol, "name", PREFIX)
    _sub(_path(pol, "match", "address"), "local-ip", dev.wan.address.ip)
    _sub(_sub(pol, "proposal"), "proposals", PREFIX)
    for _t, end in mine:
        _ikev2_profile(_sub(ikev2, "profile"), i, end)
    prop = _sub(ikev2, "proposal")
    _sub(prop, "name", PREFIX)
    _sub(_sub(prop, "encryption"), ike.encryption)
    _sub(_sub(prop, "group"), ike.group)
    if ike.integrity:
        _sub(_sub(prop, "integrity"), ike.integrity)
    _sub(_sub(prop, "prf"), ike.prf)


def _ikev2_profile(pr, i, end) -> None:
    _sub(pr, "name", object_name(end.peer))
    auth = _sub(pr, "authentication")
    _path(auth, "local", "pre-share")
    _path(auth, "remote", "pre-share")
    dpd = _sub(pr, "dpd")
    _sub(dpd, "interval", i.ike.dpd_delay)
    _sub(dpd, "retry", 2)
    _sub(dpd, "query", "periodic")
    _sub(_path(pr, "identity", "local"), "address", end.wan)
    _sub(_path(pr, "keyring", "local"), "name", object_name(end.peer))
    _sub(_sub(pr, "lifetime"), "seconds", i.ike.lifetime)
    v4 = _path(pr, "match", "identity", "remote", "address", "ipv4")
    _sub(v4, "ipv4-address", end.peer_wan)
    _sub(v4, "ipv4-mask", HOST_MASK)


def _ipsec(ipsec, i, mine: list, ts: yang_map.TransformSet) -> None:
    """The transform-set, then one IPsec profile per tunnel."""
    tset = _sub(ipsec, "transform-set")
    _sub(tset, "tag", PREFIX)
    _sub(tset, "esp", ts.esp)
    _sub(tset, "key-bit", ts.key_bit)
    if ts.esp_hmac:
        _sub(tset, "esp-hmac", ts.esp_hmac)
    mode = _sub(tset, "mode")
    _sub(mode, "transport-choice" if i.ipsec.mode == "transport" else "tunnel-choice")
    for _t, end in mine:
        prof = _sub(ipsec, "profile")
        _sub(prof, "name", object_name(end.peer))
        st = _sub(prof, "set")
        _sub(st, "ikev2-profile", object_name(end.peer))
        _sub(_path(st, "security-association", "lifetime"), "seconds", i.ipsec.lifetime)
        _sub(st, "transform-set", PREFIX)


def tunnel_number(end) -> str:
    """The ``Tunnel<n>`` number of a tunnel end: its interface name's (``platforms.base.interface_number``
    gives a dual-homed site's backup and a hub-to-hub tunnel their own ranges)."""
    return end.interface.removeprefix("Tunnel")


def _tunnels(interface, overlay: Overlay, mine: list) -> None:
    i = overlay.intent
    for t, end in mine:
        mtu = overlay.tunnel_mtu(t)
        tun = _sub(interface, "Tunnel")
        _sub(tun, "name", tunnel_number(end))
        _sub(tun, "description", f"{PREFIX}: {end.peer}")
        ip = _sub(tun, "ip")
        prim = _path(ip, "address", "primary")
        _sub(prim, "address", end.address.ip)
        _sub(prim, "mask", end.address.netmask)
        _sub(ip, "mtu", mtu)
        _sub(_sub(ip, "tcp"), "adjust-mss", mtu - 40)
        ospf = _path(ip, "router-ospf", "ospf", ns=OSPF)
        pid = _sub(ospf, "process-id")
        _sub(pid, "id", i.ospf.process)
        _sub(_sub(pid, "area"), "area-id", area_id(i.ospf.area))
        if t.cost is not None:  # dual-homed site or hub-to-hub (issue 23): same cost on both ends
            _sub(ospf, "cost", t.cost)
        _sub(ospf, "dead-interval", i.ospf.dead)
        _sub(ospf, "hello-interval", i.ospf.hello)
        _path(ospf, "network", "point-to-point")
        build6.tunnel6(tun, overlay, t, end, area_id(i.ospf.area))
        tt = _sub(tun, "tunnel", ns=TUNNEL)
        _sub(tt, "source", end.wan)
        _sub(_sub(tt, "destination-config"), "ipv4", end.peer_wan)
        if i.gre.key:
            _sub(tt, "key", t.hub_end.number)
        prot = _sub(tt, "protection")
        _sub(_path(prot, "ipsec", "profile-option", ns=CRYPTO), "name", object_name(end.peer))


def render(overlay: Overlay, device: str, secrets: dict[str, str], site: str | None = None) -> str:
    return pretty(build(overlay, device, secrets, site))
