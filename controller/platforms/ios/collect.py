"""What verify runs on an IOS router (two rounds of show commands through NAPALM's ``cli``), and
the parse of their outputs into one ``DeviceState``. Pure: overlay in, commands out; outputs in,
state out.

Round 1 reads the state; round 2 sends the DF probes and reads the SA counters again (the ``detail``
form of the same command, so both rounds' outputs keep their own key).
"""
from __future__ import annotations

from ... import preferred, probes
from ...models import Overlay, Tunnel
from ...state import DeviceState, GreTunnel, RouteLookup
from .. import lsdb_text
from . import names, options, parsers, parsers6

LSDB = "show ip ospf database router"   # redundant hubs (issue 23): lsdb_text.cisco_router_lsdb


def _tunnels(overlay: Overlay, device: str, site: str | None) -> list[Tunnel]:
    return [t for t in overlay.scoped(site) if device in (t.hub, t.site)]


def _far(t: Tunnel, device: str) -> str:
    return probes.far_address(t, device)


def ipsec_command(overlay: Overlay, device: str, t: Tunnel) -> str:
    """Per tunnel: the SAs of its interface (tunnel protection) or of its peer (crypto map)."""
    end = t.end(device)
    if options.of(overlay, device).style == "crypto-map":
        return f"show crypto ipsec sa peer {end.peer_wan}"
    return f"show crypto ipsec sa interface {end.interface}"


def ike_command(overlay: Overlay) -> str:
    return "show crypto ikev2 sa" if overlay.intent.ike.version == 2 else "show crypto isakmp sa"


LOG = "show logging | include IKEV2|IKMP"


def probe_commands(overlay: Overlay, t: Tunnel, device: str) -> tuple[str, str]:
    """(max, over): IOS ``size`` is the whole datagram, so the path MTU passes and one more is refused."""
    mtu, far = overlay.tunnel_mtu(t), _far(t, device)
    return (f"ping {far} size {mtu} df-bit repeat 2", f"ping {far} size {mtu + 1} df-bit repeat 2")


def probe6_commands(overlay: Overlay, t: Tunnel, device: str) -> tuple[str, str] | None:
    """(max, over) IPv6 DF pings, ``size`` the whole datagram; only to a global tunnel address (a
    link-local one needs IOS's interactive output-interface prompt: no IPv6 DF check then)."""
    far = probes.far_address(t, device, "ipv6") if "ipv6" in t.families else "%"
    if "%" in far:
        return None
    mtu, addr = overlay.tunnel_mtu(t), far.upper()
    return (f"ping ipv6 {addr} size {mtu} df-bit repeat 2", f"ping ipv6 {addr} size {mtu + 1} df-bit repeat 2")


def _six(tunnels: list[Tunnel]) -> bool:
    return any("ipv6" in t.families for t in tunnels)


def commands(overlay: Overlay, device: str, site: str | None) -> list[list[str]]:
    tunnels = _tunnels(overlay, device, site)
    first = [ike_command(overlay), "show ip ospf neighbor", "show ip route ospf", LOG]
    if _six(tunnels):  # a router with dual-stack tunnels: the OSPFv3 and IPv6 route reads too
        first += ["show ipv6 ospf neighbor", "show ipv6 route ospf"]
    if preferred.multi_hub(overlay):  # redundant hubs: the router LSAs prove a site's backup path
        first.append(LSDB)
    second = []
    for t in tunnels:
        end = t.end(device)
        first += [f"show interfaces {end.interface}", f"show ip interface {end.interface}",
                  f"show ip ospf interface {end.interface}", ipsec_command(overlay, device, t),
                  f"show ip cef {end.peer_wan}"]
        if "ipv6" in t.families:
            first.append(f"show ipv6 ospf interface {end.interface}")
        second += list(probe_commands(overlay, t, device)) + list(probe6_commands(overlay, t, device) or ())
        second.append(ipsec_command(overlay, device, t) + " detail")
    return [first, second]


def _parse6(overlay: Overlay, device: str, tunnels: list[Tunnel], outputs: dict[str, str], st: DeviceState) -> None:
    """The IPv6 facts of a router with dual-stack tunnels (none otherwise: the state is as before)."""
    if not _six(tunnels):
        return
    st.ospf6_neighbors = parsers6.ospf6_neighbor(outputs.get("show ipv6 ospf neighbor", "")).ospf6_neighbors
    st.routes6 = parsers6.routes6_ospf(outputs.get("show ipv6 route ospf", "")).routes6
    for t in tunnels:
        if "ipv6" not in t.families:
            continue
        ifname = t.end(device).interface
        st.ospf6_interfaces.update(parsers6.ospf6_interface(
            outputs.get(f"show ipv6 ospf interface {ifname}", "")).ospf6_interfaces)
        cmds = probe6_commands(overlay, t, device)
        if cmds:
            far = probes.far_address(t, device, "ipv6")
            st.probes6[far] = {which: parsers6.ping6(outputs[c]) for which, c in zip(("max", "over"), cmds)
                               if c in outputs}


def _invalid(output: str | None) -> bool:
    return output is None or "% Invalid input" in output or "% Incomplete command" in output


def parse(overlay: Overlay, device: str, site: str | None, outputs: dict[str, str]) -> DeviceState:
    dev = overlay.devices[device]
    tunnels = _tunnels(overlay, device, site)
    st = DeviceState()
    ike_out = outputs.get(ike_command(overlay))
    st.daemons["ike"] = not _invalid(ike_out)
    if overlay.intent.ike.version == 2:
        st.ike_sas = parsers.ikev2_sa(ike_out or "").ike_sas
    else:
        st.ike_sas = parsers.isakmp_sa(ike_out or "", {str(dev.wan.address.ip)}).ike_sas
    st.ospf_neighbors = parsers.ospf_neighbor(outputs.get("show ip ospf neighbor", "")).ospf_neighbors
    st.routes = parsers.routes_ospf(outputs.get("show ip route ospf", "")).routes
    peers = {str(t.end(device).peer_wan) for t in tunnels}
    st.auth_failed = [p for p in parsers.auth_failures(outputs.get(LOG, "")) if p in peers]
    for t in tunnels:
        end = t.end(device)
        ifname, peer = end.interface, str(end.peer_wan)
        g = parsers.interfaces(outputs.get(f"show interfaces {ifname}", "")).gre.get(ifname)
        ip = parsers.ip_interface(outputs.get(f"show ip interface {ifname}", "")).gre.get(ifname)
        if g is not None:
            st.gre[ifname] = GreTunnel(**{**g.model_dump(), "mtu": ip.mtu if ip else None})
        ospf = parsers.ospf_interface(outputs.get(f"show ip ospf interface {ifname}", ""))
        st.ospf_interfaces.update(ospf.ospf_interfaces)
        cmd = ipsec_command(overlay, device, t)
        st.child_sas += [c for c in parsers.ipsec_sa(outputs.get(cmd, "")).child_sas if c.peer == peer]
        after = parsers.ipsec_sa(outputs.get(cmd + " detail", ""))
        st.child_sas_after += [c for c in after.child_sas if c.peer == peer]
        rl = parsers.cef(peer, outputs.get(f"show ip cef {peer}", "")).route_lookups[peer]
        if rl.interface and names.same_interface(rl.interface, dev.wan.interface):
            rl = RouteLookup(interface=dev.wan.interface, gateway=rl.gateway)  # the intent's spelling
        st.route_lookups[peer] = rl
        far = _far(t, device)
        p_max, p_over = probe_commands(overlay, t, device)
        st.probes[far] = {which: parsers.ping(outputs[cmd], far) for which, cmd in (("max", p_max), ("over", p_over))
                          if cmd in outputs}
    if LSDB in outputs:
        st.ospf_lsdb = lsdb_text.cisco_router_lsdb(outputs[LSDB])
    _parse6(overlay, device, tunnels, outputs, st)
    return st
