"""What verify can learn from an IOS-XE NETCONF target, and the hub-side merge for ``--site``. Pure.

Over NETCONF grectl reads the running datastore (the grectl-owned subtrees). That tells the
configuration of each tunnel (present, shutdown or not, source, destination, ``ip mtu``, key) but
nothing operational: no SA, neighbour, route or probe. So the ``gre`` group is judged from
configuration and every operational group is marked not available on this target (the judge
reports ``n/a`` with NOT_AVAILABLE_ON_TARGET, never a pass). On a real IOS-XE router those
groups come from the ``ios`` show-command parsers over SSH.
"""
from __future__ import annotations

from copy import deepcopy

from napalm_iosxe_netconf import nativexml as nx

from ...models import Overlay, Tunnel
from ...state import DeviceState, GreTunnel
from .build import object_name

GET_CONFIG = "netconf get-config running"
OPERATIONAL = ("ike", "ipsec", "df", "ospf", "routes", "underlay")
WHY = ("NETCONF target: configuration only (running datastore); SAs, OSPF, routes and probes are "
       "operational state this target does not carry")


def parse_config(xml: str) -> DeviceState:
    """GRE tunnels as configured (``oper_up`` unknown)."""
    st = DeviceState()
    if not xml.strip():
        return st
    root = nx.parse(xml)
    native = nx.native_of(root)
    if native is None:
        return st
    for t in nx.walk(native, "interface/Tunnel"):
        name = "Tunnel" + nx._text(t, "name")
        tt = nx.walk(t, "tunnel")
        src = nx._text(tt[0], "source") if tt else ""
        dst = nx.walk(tt[0], "destination-config/ipv4") if tt else []
        mtu = nx._text(t.find(f"{{{nx.NATIVE}}}ip"), "mtu") if t.find(f"{{{nx.NATIVE}}}ip") is not None else ""
        key = nx._text(tt[0], "key") if tt else ""
        st.gre[name] = GreTunnel(name=name, admin_up=nx._child(t, "shutdown") is None, oper_up=None,
                                 source=src or None, destination=(dst[0].text or "").strip() if dst else None,
                                 mtu=int(mtu) if mtu else 1476, key=int(key) if key else None)
    return st


def parse(overlay: Overlay, device: str, site: str | None, xml: str) -> DeviceState:
    st = parse_config(xml)
    st.unavailable.update({g: WHY for g in OPERATIONAL})
    return st


def _entry_keys(tunnel: Tunnel) -> set[tuple[str, tuple[str, ...]]]:
    """The hub-side owned entries of one tunnel, as (path, key)."""
    end, name = tunnel.hub_end, object_name(tunnel.site)
    return {("interface/Tunnel", (str(end.number),)), ("crypto/ipsec/profile", (name,)),
            ("crypto/ikev2/profile", (name,)), ("crypto/ikev2/keyring", (name,))}


def keep_site(candidate: str, running: str, tunnel: Tunnel) -> str:
    """The hub ``candidate`` with ``tunnel``'s hub entries exactly as in ``running`` (absent there:
    absent here)."""
    cand = nx.parse(candidate)
    run = nx.owned(nx.parse(running)) if running.strip() else nx.parse("<config/>")
    wanted = _entry_keys(tunnel)
    have = nx.entries(cand)
    for k in wanted:
        if k in have:
            have[k].getparent().remove(have[k])
    src = nx.entries(run)
    native = nx.native_of(cand)
    for k in sorted(wanted, key=lambda k: [p for p, _ in nx.OWNED].index(k[0]), reverse=True):
        if k in src:
            nx._ensure(native, nx.native_of(run), k[0]).append(deepcopy(src[k]))
    return nx.pretty(cand)
