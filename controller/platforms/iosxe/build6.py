"""The dual-stack (issue 22) and redundant-hub (issue 23) parts of an IOS-XE ``<config>``. Pure, lxml only.

Every element is a node of Cisco's IOS-XE 17.12.1 native YANG as shipped in ``../shared/yang``
(Cisco-IOS-XE-native with its submodules Cisco-IOS-XE-ipv6 and Cisco-IOS-XE-interfaces, and
Cisco-IOS-XE-ospf with its submodule Cisco-IOS-XE-ospf-obsolete); the CLI line each one stands for
is the ``ios`` platform's (controller/platforms/ios/templates/ios.j2, references [ios6] ... there):

- ``/native/ipv6/unicast-routing`` (empty leaf, Cisco-IOS-XE-ipv6): ``ipv6 unicast-routing``;
- ``/native/ipv6/router/ospf[id]`` (Cisco-IOS-XE-ipv6, "Open Shortest Path First (OSPFv3)"):
  ``ipv6 router ospf N``. In this model set the list holds its key alone: the OSPFv3 router-id
  (``router-id`` under it, or ``router ospfv3``) lives in Cisco-IOS-XE-ospfv3, which the shared
  closure does not hold, so it is not written: the router picks its own OSPFv3 router-id (IOS:
  the highest IPv4 address of a loopback, else of an up interface), not necessarily the intent's;
- ``/native/interface/Tunnel/ipv6/address/link-local-address[address]/link-local``
  (Cisco-IOS-XE-interfaces, "Use link-local address"): ``ipv6 address FE80::X link-local``;
- ``.../ipv6/address/prefix-list[prefix]`` (ios-types:ipv6-prefix): ``ipv6 address X/64``;
- ``.../ipv6/mtu`` ("Set IPv6 Maximum Transmission Unit", 1280..9976): ``ipv6 mtu N``;
- ``.../ipv6/tcp/adjust-mss`` ("Adjust the mss of transit packets", 40..1454):
  ``ipv6 tcp adjust-mss N``, N = MTU - 60 (``dualstack.mss6``);
- ``.../ipv6/ospf`` (Cisco-IOS-XE-ospf, config-interface-ipv6-ospf-grouping, ``status obsolete`` in
  17.12.1 but in the model and accepted by yanglint): ``process[id]/area`` = ``ipv6 ospf N area A``,
  ``network/point-to-point``, ``hello-interval``, ``dead-interval``, ``cost``;
- the same ``ipv6/ospf/process[id]/area`` on each IPv6 LAN's interface (``lan6_interfaces``);
- ``.../ip/router-ospf/ospf/cost`` (config-ospf-interface-cost-grouping, uint16): ``ip ospf cost N``
  on the tunnels of a dual-homed site and hub-to-hub tunnels (issue 23: primary 10, backup 100).
"""
from __future__ import annotations

import re

from lxml import etree

from controller.platforms.iosxe.nativexml import LAN_TYPES, NATIVE, OSPF

from .. import dualstack
from ..ios import names as ios_names


def _sub(parent, tag: str, text: object = None, ns: str | None = None):
    ns = ns or etree.QName(parent).namespace
    el = etree.SubElement(parent, f"{{{ns}}}{tag}", nsmap={None: ns} if ns != etree.QName(parent).namespace else None)
    if text is not None:
        el.text = str(text)
    return el


def _path(parent, *tags: str):
    el = parent
    for t in tags:
        found = next((c for c in el if etree.QName(c).localname == t), None)
        el = found if found is not None else _sub(el, t)
    return el


def v6(addr) -> str:
    """An IPv6 address as the YANG string takes it: compressed, lower case (inet:ipv6-address)."""
    return str(addr)


def lan_interface(name: str) -> tuple[str, str] | None:
    """(YANG list, name key) of a LAN interface the ospf model augments, or None.

    >>> lan_interface("Gi2"), lan_interface("GigabitEthernet0/0/1"), lan_interface("Po1.100")
    (('GigabitEthernet', '2'), ('GigabitEthernet', '0/0/1'), None)
    """
    m = re.fullmatch(r"([A-Za-z-]+?)([0-9][0-9/]*)", ios_names.canonical_ifname(name))
    if m is None or m.group(1) not in LAN_TYPES:
        return None
    return m.group(1), m.group(2)


def lan_problem(name: str) -> str | None:
    """Why ``name`` cannot carry an IPv6 LAN's OSPFv3 in the 17.12.1 model, or None."""
    if lan_interface(name) is None:
        return (f"{name!r}: IOS-XE 17.12.1 YANG enables OSPFv3 (ipv6 ospf N area A) only on "
                f"{', '.join(LAN_TYPES)} interfaces (no subinterface)")
    return None


def wants_ipv6(tunnels: list, lans6: list, full: bool) -> bool:
    return any("ipv6" in t.families for t, _ in tunnels) or (full and bool(lans6))


def globals6(native, process: int) -> None:
    """``ipv6 unicast-routing`` and ``ipv6 router ospf N``."""
    v6c = _path(native, "ipv6")
    _sub(v6c, "unicast-routing")
    _sub(_sub(_path(v6c, "router"), "ospf"), "id", process)


def ospf6(parent, process: int, area: str, intent_ospf=None, cost: int | None = None):
    """``ipv6/ospf`` (Cisco-IOS-XE-ospf) under an interface's ``ipv6``: the process and area, and on a
    tunnel the network type, timers and cost."""
    o = _sub(parent, "ospf", ns=OSPF)
    p = _sub(o, "process")
    _sub(p, "id", process)
    _sub(p, "area", area)
    if intent_ospf is not None:
        if cost is not None:
            _sub(o, "cost", cost)
        _sub(o, "dead-interval", intent_ospf.dead)
        _sub(o, "hello-interval", intent_ospf.hello)
        _path(o, "network", "point-to-point")
    return o


def tunnel6(tun, overlay, t, end, area: str) -> None:
    """A dual-stack tunnel's ``ipv6`` container (nothing for an IPv4-only tunnel)."""
    if "ipv6" not in t.families:
        return
    mtu = overlay.tunnel_mtu(t)
    v6c = _sub(tun, "ipv6", ns=NATIVE)
    addr = _sub(v6c, "address")
    if end.link_local is not None:
        ll = _sub(addr, "link-local-address")
        _sub(ll, "address", v6(end.link_local.ip))
        _sub(ll, "link-local")
    if end.address6 is not None:
        _sub(_sub(addr, "prefix-list"), "prefix", v6(end.address6))
    _sub(v6c, "mtu", mtu)
    _sub(_sub(v6c, "tcp"), "adjust-mss", dualstack.mss6(mtu))
    ospf6(v6c, overlay.intent.ospf.process, area, overlay.intent.ospf, t.cost)


def lans6(interface, overlay, device: str, area: str) -> None:
    """``ipv6 ospf N area A`` on each IPv6 LAN's interface (that entry only: nativexml.LAN_PATHS)."""
    for name, _lan in dualstack.lan6_pairs(overlay, device):
        where = lan_interface(name)
        if where is None:  # refused by validate (lan_problem)
            continue
        kind, key = where
        entry = _sub(interface, kind)
        _sub(entry, "name", key)
        ospf6(_sub(entry, "ipv6"), overlay.intent.ospf.process, area)
