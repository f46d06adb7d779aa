"""Verify checks: pure. Vendor-neutral device state (``controller.state``) + the intent in, checks out.

Check names are stable (``gre.link``, ``ike.sa`` ...); failures carry reason codes in the
spirit of Batfish (IKE_PHASE1_FAILED, OSPF_HELLO_MISMATCH, RECURSIVE_ROUTING, ...; with redundant
hubs PATH_NOT_PREFERRED: a remote LAN learned through another tunnel than the preferred path's, and
OSPF_BACKUP_PATH_MISSING: a dual-homed site's OSPF database lacks its backup link or, with the
primary left out, a remote LAN; OSPF_COST_MISMATCH: a tunnel runs another OSPF cost than intended). A check
group a target cannot observe (``DeviceState.unavailable``) is reported ``n/a`` with
NOT_AVAILABLE_ON_TARGET, never as passed.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from ipaddress import IPv4Network

from . import preferred, probes, proposals
from .models import Overlay, Tunnel
from .state import ChildSa, DeviceState

GROUPS = ("gre", "ike", "ipsec", "df", "ospf", "routes", "underlay", "config")
GROUPS6 = ("df6", "ospf6", "routes6")  # dual-stack tunnels' IPv6 checks, each family its own group


def cid(name: str, family: str = "ipv4") -> str:
    """A check id with the family in it: ``ospf.neighbor`` is IPv4's, ``ospf6.neighbor`` IPv6's.

    >>> cid("ospf.neighbor"), cid("ospf.neighbor", "ipv6"), cid("routes.lan", "ipv6")
    ('ospf.neighbor', 'ospf6.neighbor', 'routes6.lan')
    """
    if family == "ipv4":
        return name
    group, _, rest = name.partition(".")
    return f"{group}6.{rest}"
CONFIG_DIFF_SHOWN = 8  # changed lines quoted in a CONFIG_DRIFT detail (masked)


@dataclass
class Check:
    device: str
    peer: str
    check: str
    status: str          # pass | fail | n/a
    observed: str = ""
    expected: str = ""
    reason: str = ""     # reason code when failed or not available
    detail: str = ""

    @property
    def group(self) -> str:
        return self.check.split(".")[0]

    def as_dict(self) -> dict:
        return asdict(self)


def expected_esp(transform: str) -> tuple[str, int]:
    """(encryption, key size) an SA of this transform reports.

    >>> expected_esp("aes128gcm16")
    ('aes-gcm-16', 128)
    >>> expected_esp("aes256-sha256")
    ('aes-cbc', 256)
    """
    e = proposals.esp(transform)
    return e.encryption, e.key_size


def _packets(children: list[ChildSa]) -> tuple[int, int]:
    inst = [c for c in children if c.state == "installed"]
    return sum(c.packets_in for c in inst), sum(c.packets_out for c in inst)


def overlapping(prefixes: list[str], networks: list[IPv4Network]) -> list[str]:
    """The prefixes that overlap any of the networks, sorted; each prefix parsed once (a hub's
    routes against every WAN was 5.8 s of a 50-site verify when parsed per pair).

    >>> overlapping(["10.0.0.0/8", "192.0.2.0/25", "198.51.100.0/24"], [IPv4Network("192.0.2.0/24")])
    ['192.0.2.0/25']
    """
    spans = [(int(n.network_address), int(n.broadcast_address)) for n in networks]
    out = []
    for p in prefixes:
        n = IPv4Network(p)
        lo, hi = int(n.network_address), int(n.broadcast_address)
        if any(lo <= top and bottom <= hi for bottom, top in spans):
            out.append(p)
    return sorted(out)


@dataclass
class End:
    """One tunnel end under judgement, and the list its checks add to."""
    overlay: Overlay
    t: Tunnel
    device: str
    st: DeviceState
    out: list

    def __post_init__(self):
        self.end = self.t.end(self.device)
        self.peer, self.peer_wan, self.intent = self.end.peer, str(self.end.peer_wan), self.overlay.intent
        self.want_mtu = self.overlay.tunnel_mtu(self.t)

    def add(self, name, ok, observed="", expected="", reason="", detail=""):
        self.out.append(Check(self.device, self.peer, name, "pass" if ok else "fail", str(observed), str(expected),
                              "" if ok else reason, "" if ok else detail))


def _gre(e: End) -> None:
    link = e.st.gre.get(e.end.interface)
    if link is None:
        e.add("gre.link", False, "absent", "present, up", "GRE_MISSING", f"no GRE tunnel {e.end.interface}")
        return
    e.add("gre.link", link.admin_up, "up" if link.admin_up else "down", "up", "GRE_DOWN",
          f"{e.end.interface} is administratively down")
    e.add("gre.endpoints", (link.source, link.destination) == (str(e.end.wan), e.peer_wan),
          f"{link.source} -> {link.destination}", f"{e.end.wan} -> {e.peer_wan}", "GRE_ENDPOINT_MISMATCH")
    e.add("gre.mtu", link.mtu == e.want_mtu, link.mtu, e.want_mtu, "GRE_MTU_MISMATCH",
          f"{e.end.interface} MTU {link.mtu}, intent {e.want_mtu}")


def _ike(e: End) -> None:
    ike = [sa for sa in e.st.ike_sas if sa.peer == e.peer_wan]
    if not e.st.daemons.get("ike", True):
        e.add("ike.sa", False, "IKE daemon not running", "established", "IKE_DAEMON_DOWN",
              "the IKE daemon is not running")
    elif not any(sa.state == "established" for sa in ike):
        key = e.peer_wan in e.st.auth_failed
        e.add("ike.sa", False, ike[0].state if ike else "none", "established",
              "IKE_PHASE1_KEY_MISMATCH" if key else "IKE_PHASE1_FAILED",
              "authentication failed: pre-shared keys differ" if key else f"no IKE SA with {e.peer_wan}")
    else:
        e.add("ike.sa", True, "established", "established")


def _ipsec(e: End) -> None:
    cs = [c for c in e.st.child_sas if c.peer == e.peer_wan]
    inst = [c for c in cs if c.state == "installed"]
    want_encr, i = expected_esp(e.intent.ipsec.transform), e.intent
    if not inst:
        e.add("ipsec.child", False, cs[0].state if cs else "none", "installed", "IPSEC_PHASE2_FAILED",
              f"no installed ESP SA with {e.peer_wan}")
        return
    c = inst[0]
    mode_ok = c.mode == i.ipsec.mode
    encr = (c.encryption, c.key_size)
    e.add("ipsec.child", mode_ok and encr == want_encr and c.protocol == "esp",
          f"{c.mode} {c.protocol} {encr[0]}/{encr[1]}", f"{i.ipsec.mode} esp {want_encr[0]}/{want_encr[1]}",
          "IPSEC_MODE_MISMATCH" if not mode_ok else "IPSEC_PROPOSAL_MISMATCH")
    before = _packets(cs)
    after = _packets([c for c in e.st.child_sas_after if c.peer == e.peer_wan])
    e.add("ipsec.counters", after[0] > before[0] and after[1] > before[1],
          f"in {before[0]}->{after[0]}, out {before[1]}->{after[1]}", "both rising", "ESP_COUNTERS_STALLED",
          "ESP packet counters did not rise under traffic")


def _ping_text(p) -> str:
    return f"{p.error}" + (f" mtu={p.mtu}" if p.mtu else "")


def _df(e: End, family: str = "ipv4") -> None:
    """The DF ping at the exact boundary (sizes are ICMP payload bytes)."""
    probe = e.st.probes_of(family).get(probes.far_address(e.t, e.device, family), {})
    size = probes.df_payload(e.want_mtu, family)
    p_max, p_over = probe.get("max"), probe.get("over")
    if p_max is not None:
        e.add(cid("df.max", family), p_max.received > 0, f"payload {size}: {p_max.received}/{p_max.sent} replies"
              + (f", {_ping_text(p_max)}" if p_max.error else ""), f"payload {size} passes",
              "DF_BOUNDARY_WRONG" if p_max.error else "DF_PING_FAILED",
              "the largest allowed DF ping did not get through")
    if p_over is not None:
        e.add(cid("df.over", family), p_over.received == 0 and p_over.error is not None,
              f"payload {size + 1}: " + (_ping_text(p_over) if p_over.error
                                         else f"{p_over.received}/{p_over.sent} replies"),
              f"payload {size + 1} fails locally: message too long, mtu={e.want_mtu}", "DF_BOUNDARY_WRONG",
              "one byte over the boundary must fail locally ('message too long'), not pass or time out")


def _ospf_neighbor(e: End, family: str = "ipv4") -> None:
    peer_rid = str(e.overlay.devices[e.peer].router_id)
    nbrs = [n for n in e.st.neighbors(family) if n.interface == e.end.interface]
    full = [n for n in nbrs if n.state == "full"]
    if full:
        e.add(cid("ospf.neighbor", family), full[0].router_id == peer_rid, f"full {full[0].router_id}",
              f"full {peer_rid}", "OSPF_ROUTER_ID_MISMATCH")
        return
    states = ",".join(n.state for n in nbrs) or "none"
    mtu_stuck = any(n.state in ("exstart", "exchange") for n in nbrs)
    e.add(cid("ospf.neighbor", family), False, states, f"full {peer_rid}",
          "OSPF_MTU_MISMATCH" if mtu_stuck else "OSPF_NO_SESSION",
          "adjacency stuck in ExStart/Exchange: MTU differs between the ends" if mtu_stuck
          else f"no OSPF neighbor on {e.end.interface}")


def _ospf_interface(e: End, family: str = "ipv4") -> None:
    ospf = e.intent.ospf
    oi = e.st.interfaces(family).get(e.end.interface)
    if oi is None:
        e.add(cid("ospf.interface", family), False, "not in OSPF", f"area {ospf.area}", "OSPF_NO_SESSION",
              f"{e.end.interface} does not run OSPF")
        return
    want = (ospf.hello, ospf.dead, str(ospf.area), "point-to-point")
    got = (oi.hello, oi.dead, oi.area, oi.network_type)
    reason = ("OSPF_HELLO_MISMATCH" if got[0] != want[0] else "OSPF_DEAD_MISMATCH" if got[1] != want[1]
              else "OSPF_AREA_MISMATCH" if got[2] != want[2] else "OSPF_NETWORK_TYPE_MISMATCH")
    e.add(cid("ospf.interface", family), got == want, f"hello {got[0]} dead {got[1]} area {got[2]} {got[3]}",
          f"hello {want[0]} dead {want[1]} area {want[2]} {want[3]}", reason)


def _ospf_cost(e: End, family: str = "ipv4") -> None:
    """Redundant hubs (issue 23): the tunnel's OSPF cost as the router runs it is the intended one
    (a backup's ``ospf.backup_cost``, else ``ospf.cost``), on both ends: a backup at the primary's
    cost would share or take the traffic (OSPF_COST_MISMATCH). Only where tunnels carry a cost and
    the target reports it (``ospf.interface`` already fails an interface not in OSPF)."""
    oi = e.st.interfaces(family).get(e.end.interface)
    if e.t.cost is None or oi is None or oi.cost is None:
        return
    e.add(cid("ospf.cost", family), oi.cost == e.t.cost, f"cost {oi.cost}", f"cost {e.t.cost}",
          "OSPF_COST_MISMATCH", f"{e.end.interface} runs OSPF{'' if family == 'ipv4' else 'v3'} cost {oi.cost}, "
          f"the intent says {e.t.cost}")


def _underlay(e: End) -> None:
    """The tunnel destination must be reached through the WAN, never a tunnel."""
    rg = e.st.route_lookups.get(e.peer_wan)
    wan_if = e.overlay.devices[e.device].wan.interface
    tunnel_ifs = {x.end(e.device).interface for x in e.overlay.tunnels_of(e.device)} | set(e.st.gre)
    if rg is None or rg.error or not rg.interface:
        e.add("underlay.route", False, rg.error if rg else "not checked", f"via {wan_if}", "UNDERLAY_UNREACHABLE",
              f"no route to the tunnel destination {e.peer_wan}")
    else:
        e.add("underlay.route", rg.interface == wan_if, f"via {rg.interface}", f"via {wan_if}",
              "RECURSIVE_ROUTING" if rg.interface in tunnel_ifs else "UNDERLAY_WRONG_INTERFACE",
              f"the tunnel destination {e.peer_wan} is routed via {rg.interface}")


# The per-tunnel-end checks, one function each, in the order they are reported.
END_CHECKS = (_gre, _ike, _ipsec, _df, _ospf_neighbor, _ospf_interface, _ospf_cost, _underlay)
# Those a dual-stack tunnel repeats for IPv6 (the tunnel, IKE, ESP and the IPv4 underlay are one).
FAMILY_CHECKS = (_df, _ospf_neighbor, _ospf_interface, _ospf_cost)


def check_end(overlay: Overlay, t: Tunnel, device: str, st: DeviceState) -> list[Check]:
    """Every per-tunnel check on one end."""
    e = End(overlay, t, device, st, [])
    for check in END_CHECKS:
        check(e)
    for family in t.families[1:]:
        for check in FAMILY_CHECKS:
            check(e, family)
    return e.out


def check_device(overlay: Overlay, device: str, st: DeviceState) -> list[Check]:
    """Per-device checks: remote LANs learned through the right tunnel; no WAN prefix in OSPF."""
    out: list[Check] = []
    dev = overlay.devices[device]
    if preferred.multi_hub(overlay):
        out += _preferred_routes(overlay, device, st)
        if dev.role == "site" and len(overlay.intent.sites[device].homes) > 1:
            out += [_backup_path(overlay, device, st, f) for f in overlay.families(device)]
    for t in ([] if preferred.multi_hub(overlay) else overlay.tunnels_of(device)):
        end = t.end(device)
        remote = [end.peer] if dev.role == "site" else [t.site]
        if dev.role == "site":  # a site also learns its hub's other sites through the hub
            remote += [x.site for x in overlay.tunnels_of(t.hub) if x.site != device]
        for r, family in ((r, f) for r in remote for f in t.families):
            proto = "ospf" if family == "ipv4" else "ospf6"
            for lan in overlay.lans_of(r, family):
                entries = [e for e in st.routes_of(family).get(str(lan), []) if e.protocol == proto and e.selected]
                via = sorted({n.interface for e in entries for n in e.nexthops if n.interface})
                ok = via == [end.interface]
                out.append(Check(device, end.peer, cid("routes.lan", family), "pass" if ok else "fail",
                                 f"{lan} via {','.join(via) or 'nothing'}", f"{lan} via {end.interface} "
                                 f"({'OSPF' if family == 'ipv4' else 'OSPFv3'})",
                                 "" if ok else ("ROUTE_MISSING" if not via else "ROUTE_WRONG_NEXTHOP"),
                                 "" if ok else f"{r}'s LAN {lan} is not learned through {end.interface}"))
    out += check_config(device, st)
    leaked = overlapping([p for p, es in st.routes.items() if any(e.protocol == "ospf" for e in es)],
                         [d.wan.address.network for d in overlay.devices.values()])
    out.append(Check(device, "-", "ospf.no_wan", "fail" if leaked else "pass", ",".join(leaked) or "none",
                     "no WAN prefix in OSPF", "RECURSIVE_ROUTING" if leaked else "",
                     f"WAN prefix(es) {', '.join(leaked)} learned via OSPF: tunnel destinations would be "
                     "routed into tunnels" if leaked else ""))
    return out


def _preferred_routes(overlay: Overlay, device: str, st: DeviceState) -> list[Check]:
    """Redundant hubs (issue 23): each remote LAN is learned through the tunnel(s) of the shortest
    intended path (a dual-homed site: its primary); through another tunnel is PATH_NOT_PREFERRED."""
    out: list[Check] = []
    families = overlay.families(device)
    for r, want in sorted(preferred.first_hops(overlay, device).items()):
        peer = preferred.peer_of(overlay, device, sorted(want)[0])
        for family in families:
            proto = "ospf" if family == "ipv4" else "ospf6"
            for lan in overlay.lans_of(r, family):
                entries = [e for e in st.routes_of(family).get(str(lan), []) if e.protocol == proto and e.selected]
                via = sorted({n.interface for e in entries for n in e.nexthops if n.interface})
                ok = set(via) == want
                out.append(Check(device, peer, cid("routes.lan", family), "pass" if ok else "fail",
                                 f"{lan} via {','.join(via) or 'nothing'}", f"{lan} via {','.join(sorted(want))} "
                                 f"({'OSPF' if family == 'ipv4' else 'OSPFv3'}, preferred path)",
                                 "" if ok else "ROUTE_MISSING" if not via else "PATH_NOT_PREFERRED",
                                 "" if ok else f"{r}'s LAN {lan} is not learned through the preferred "
                                 f"{','.join(sorted(want))}"))
    return out


def _backup_path(overlay: Overlay, site: str, st: DeviceState, family: str = "ipv4") -> Check:
    """A dual-homed site's backup is more than a Full adjacency: its OSPF database (OSPFv3's for
    IPv6) holds the link to the backup hub both ways and, without the primary, every remote LAN of
    the family (OSPF_BACKUP_PATH_MISSING)."""
    backup = overlay.intent.sites[site].homes[1]
    iface = next(t.site_end.interface for t in overlay.tunnels_of(site) if t.hub == backup)
    db, proto = (st.ospf_lsdb, "OSPF") if family == "ipv4" else (st.ospf6_lsdb, "OSPFv3")
    linked, gaps = preferred.backup_gaps(overlay, site, db, family)
    lans = sum(len(overlay.lans_of(n, family)) for n in overlay.devices if n != site)
    ok = linked and not gaps
    seen = f"{lans - len(gaps)}/{lans} remote LANs via {iface}" if linked else f"no two-way link to {backup}"
    why = (f"the {proto} database has no two-way router-LSA link between {site} and its backup hub {backup}"
           if not linked else f"without the primary, the {proto} database reaches no router advertising "
           f"{', '.join(gaps)}")
    return Check(site, backup, cid("ospf.backup", family), "pass" if ok else "fail", seen,
                 f"{lans}/{lans} remote LANs via {iface} ({proto} database, primary left out)",
                 "" if ok else "OSPF_BACKUP_PATH_MISSING", "" if ok else why)


def check_config(device: str, st: DeviceState) -> list[Check]:
    r"""The grectl-owned part of the running config equals the intent: a hub on a new key and a
    site on the old one is red at once, before any SA is re-established (established SAs outlive
    a key change, so the tunnel checks alone stay green until the next reauthentication).

    >>> check_config("tokyo", DeviceState(config_diff=""))[0].status
    'pass'
    >>> c = check_config("tokyo", DeviceState(config_diff="--- running\n+++ candidate\n-a\n+b"))[0]
    >>> c.status, c.reason, c.observed
    ('fail', 'CONFIG_DRIFT', '2 lines differ from the intent')
    """
    if st.config_diff is None and not st.config_error:
        return []
    if st.config_error:
        return [Check(device, "-", "config.intent", "fail", "not compared", "running = intent",
                      "CONFIG_UNREADABLE", st.config_error)]
    changed = [ln for ln in st.config_diff.splitlines()
               if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]
    if not changed:
        return [Check(device, "-", "config.intent", "pass", "running = intent", "running = intent")]
    shown = "; ".join(changed[:CONFIG_DIFF_SHOWN]) + (" ..." if len(changed) > CONFIG_DIFF_SHOWN else "")
    return [Check(device, "-", "config.intent", "fail", f"{len(changed)} lines differ from the intent",
                  "running = intent", "CONFIG_DRIFT", f"grectl's part of the running config differs: {shown}")]


def _not_available(checks: list[Check], st: DeviceState) -> list[Check]:
    for c in checks:
        why = st.unavailable.get(c.group) or (st.unavailable.get("ospf") if c.check == "ospf.no_wan" else None)
        if why:
            c.status, c.reason, c.detail, c.observed = "n/a", "NOT_AVAILABLE_ON_TARGET", why, "not observable"
    return checks


def evaluate(overlay: Overlay, states: dict[str, DeviceState | str], site: str | None = None) -> list[Check]:
    """``states`` maps device -> its state, or the error text that kept it from being collected."""
    checks: list[Check] = []
    for t in overlay.scoped(site):
        for device in (t.hub, t.site):
            st = states.get(device)
            if not isinstance(st, DeviceState):
                checks.append(Check(device, t.end(device).peer, "device.reachable", "fail",
                                    st or "not collected", "reachable", "DEVICE_UNREACHABLE", st or ""))
                continue
            checks += _not_available(check_end(overlay, t, device, st), st)
    for device in sorted({d for t in overlay.scoped(site) for d in (t.hub, t.site)}):
        st = states.get(device)
        if isinstance(st, DeviceState):
            checks += [c for c in _not_available(check_device(overlay, device, st), st)
                       if site is None or c.peer in (site, "-", *overlay.intent.sites[site].homes)]
    return _peer_not_available(overlay, checks, states)


def _peer_not_available(overlay: Overlay, checks: list[Check], states: dict) -> list[Check]:
    """A tunnel end cannot be judged on what its peer cannot run: a NETCONF-only target carries no
    SA or adjacency, so the other end's IKE, ESP, DF, OSPF and underlay checks toward it, and the
    routes to its LANs, are ``n/a`` (NOT_AVAILABLE_ON_TARGET), never a failure and never a pass."""
    owner = {str(lan): name for name, d in overlay.devices.items() for lan in d.lans + d.lans6}
    for c in checks:
        if c.status == "n/a":
            continue
        routes = c.check in ("routes.lan", "routes6.lan")
        other = owner.get(c.expected.split(" ")[0]) if routes else c.peer
        st = states.get(other)
        if other == c.device or not isinstance(st, DeviceState):
            continue
        why = st.unavailable.get("ospf" if routes else c.group)
        if why and c.group != "config":
            c.status, c.reason, c.observed = "n/a", "NOT_AVAILABLE_ON_TARGET", "not observable"
            c.detail = f"peer {other} cannot take part: {why}"
    return checks
