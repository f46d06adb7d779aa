"""Verify checks: pure. Parsed device state + the intent in, a list of checks out.

Check names are stable (``gre.link``, ``ike.sa`` ...); failures carry reason codes in the
spirit of Batfish (IKE_PHASE1_FAILED, OSPF_HELLO_MISMATCH, RECURSIVE_ROUTING, ...).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from ipaddress import IPv4Network

from .models import Overlay, Tunnel

# strongSwan encr-alg names per ESP transform prefix
_ENCR = {"gcm16": "AES_GCM_16", "gcm12": "AES_GCM_12", "gcm8": "AES_GCM_8", "-": "AES_CBC",
         "chacha20poly1305": "CHACHA20_POLY1305"}


@dataclass
class Check:
    device: str
    peer: str
    check: str
    status: str          # pass | fail
    observed: str = ""
    expected: str = ""
    reason: str = ""     # reason code when failed
    detail: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def expected_encr(transform: str) -> tuple[str, str]:
    """(encr-alg, encr-keysize) strongSwan reports for a transform.

    >>> expected_encr("aes128gcm16")
    ('AES_GCM_16', '128')
    >>> expected_encr("aes256-sha256")
    ('AES_CBC', '256')
    """
    if transform == "chacha20poly1305":
        return _ENCR[transform], "256"
    size = transform[3:6]
    for k, v in _ENCR.items():
        if k in transform:
            return v, size
    return "?", size


def _children(sas: list[dict], conn: str, child: str) -> list[dict]:
    return [c for sa in sas if sa.get("name") == conn for c in sa.get("child-sas", {}).values()
            if c.get("name") == child]


def _packets(sas: list[dict], conn: str, child: str) -> tuple[int, int]:
    cs = [c for c in _children(sas, conn, child) if c.get("state") == "INSTALLED"]
    return (sum(int(c.get("packets-in", 0)) for c in cs), sum(int(c.get("packets-out", 0)) for c in cs))


def check_end(overlay: Overlay, t: Tunnel, device: str, st: dict) -> list[Check]:
    """Every per-tunnel check on one end. ``st`` is the parsed state of ``device``."""
    end = t.end(device)
    peer = end.peer
    i = overlay.intent
    out: list[Check] = []

    def add(name, ok, observed="", expected="", reason="", detail=""):
        out.append(Check(device, peer, name, "pass" if ok else "fail", str(observed), str(expected),
                         "" if ok else reason, "" if ok else detail))

    # GRE
    link = st["gre"].get(end.interface)
    want_mtu = overlay.tunnel_mtu(t)
    if link is None:
        add("gre.link", False, "absent", "present, up", "GRE_MISSING", f"no GRE link {end.interface}")
    else:
        add("gre.link", link["admin_up"], "up" if link["admin_up"] else "down", "up", "GRE_DOWN",
            f"{end.interface} is administratively down")
        add("gre.endpoints", (link["local"], link["remote"]) == (str(end.wan), str(end.peer_wan)),
            f"{link['local']} -> {link['remote']}", f"{end.wan} -> {end.peer_wan}", "GRE_ENDPOINT_MISMATCH")
        add("gre.mtu", link["mtu"] == want_mtu, link["mtu"], want_mtu, "GRE_MTU_MISMATCH",
            f"{end.interface} MTU {link['mtu']}, intent {want_mtu}")

    # IPsec
    sas, conn, child = st["sas"], peer, f"gre-{peer}"
    ike = [sa for sa in sas if sa.get("name") == conn]
    established = [sa for sa in ike if sa.get("state") == "ESTABLISHED"
                   and sa.get("remote-host") == str(end.peer_wan)]
    if not st["charon"]:
        add("ike.sa", False, "charon not running", "ESTABLISHED", "IKE_DAEMON_DOWN",
            "the IKE daemon (charon) is not running")
    elif not established:
        key = peer in st.get("auth_failed", [])
        add("ike.sa", False, ike[0].get("state", "none") if ike else "none", "ESTABLISHED",
            "IKE_PHASE1_KEY_MISMATCH" if key else "IKE_PHASE1_FAILED",
            "authentication failed: pre-shared keys differ" if key else f"no IKE SA with {end.peer_wan}")
    else:
        add("ike.sa", True, "ESTABLISHED", "ESTABLISHED")
    cs = _children(sas, conn, child)
    inst = [c for c in cs if c.get("state") == "INSTALLED"]
    want_encr = expected_encr(i.ipsec.transform)
    if not inst:
        add("ipsec.child", False, cs[0].get("state") if cs else "none", "INSTALLED", "IPSEC_PHASE2_FAILED",
            f"no INSTALLED child SA {child}")
    else:
        c = inst[0]
        mode_ok = c.get("mode", "").lower() == i.ipsec.mode
        encr = (c.get("encr-alg"), c.get("encr-keysize"))
        ok = mode_ok and encr == want_encr and c.get("protocol") == "ESP"
        add("ipsec.child", ok, f"{c.get('mode')} {c.get('protocol')} {encr[0]}/{encr[1]}",
            f"{i.ipsec.mode.upper()} ESP {want_encr[0]}/{want_encr[1]}",
            "IPSEC_MODE_MISMATCH" if not mode_ok else "IPSEC_PROPOSAL_MISMATCH")
        before, after = _packets(sas, conn, child), _packets(st["sas_after"], conn, child)
        moved = after[0] > before[0] and after[1] > before[1]
        add("ipsec.counters", moved, f"in {before[0]}->{after[0]}, out {before[1]}->{after[1]}",
            "both rising", "ESP_COUNTERS_STALLED", "ESP packet counters did not rise under traffic")

    # DF ping at the exact boundary
    ping = st["ping"].get(t.site, {})
    size = want_mtu - 28
    p_max, p_over = ping.get("max"), ping.get("over")
    if p_max is not None:
        add("df.max", p_max["received"] > 0, f"-s {size}: {p_max['received']}/{p_max['sent']} replies"
            + (f", {p_max['error']} mtu={p_max['mtu']}" if p_max["error"] else ""), f"-s {size} passes",
            "DF_BOUNDARY_WRONG" if p_max["error"] else "DF_PING_FAILED",
            "the largest allowed DF ping did not get through")
    if p_over is not None:
        ok = p_over["received"] == 0 and p_over["error"] is not None
        add("df.over", ok, f"-s {size + 1}: " + (f"{p_over['error']} mtu={p_over['mtu']}" if p_over["error"]
                                                  else f"{p_over['received']}/{p_over['sent']} replies"),
            f"-s {size + 1} fails locally: message too long, mtu={want_mtu}", "DF_BOUNDARY_WRONG",
            "one byte over the boundary must fail with 'message too long', not pass or time out")

    # OSPF
    peer_rid = str(overlay.devices[peer].router_id)
    nbrs = [n for n in st["ospf_neighbors"] if n["interface"] == end.interface]
    full = [n for n in nbrs if n["state"] == "Full"]
    if full:
        add("ospf.neighbor", full[0]["router_id"] == peer_rid, f"Full {full[0]['router_id']}",
            f"Full {peer_rid}", "OSPF_ROUTER_ID_MISMATCH")
    else:
        states = ",".join(n["state"] for n in nbrs) or "none"
        mtu_stuck = any(n["state"] in ("ExStart", "Exchange") for n in nbrs)
        add("ospf.neighbor", False, states, f"Full {peer_rid}",
            "OSPF_MTU_MISMATCH" if mtu_stuck else "OSPF_NO_SESSION",
            "adjacency stuck in ExStart/Exchange: MTU differs between the ends" if mtu_stuck
            else f"no OSPF neighbor on {end.interface}")
    oi = st["ospf_interfaces"].get(end.interface)
    if oi is None:
        add("ospf.interface", False, "not in OSPF", f"area {i.ospf.area}", "OSPF_NO_SESSION",
            f"{end.interface} does not run OSPF")
    else:
        want = (i.ospf.hello, i.ospf.dead, str(i.ospf.area), "POINTOPOINT")
        got = (oi["hello"], oi["dead"], oi["area"], oi["network_type"])
        reason = ("OSPF_HELLO_MISMATCH" if got[0] != want[0] else "OSPF_DEAD_MISMATCH" if got[1] != want[1]
                  else "OSPF_AREA_MISMATCH" if got[2] != want[2] else "OSPF_NETWORK_TYPE_MISMATCH")
        add("ospf.interface", got == want, f"hello {got[0]} dead {got[1]} area {got[2]} {got[3]}",
            f"hello {want[0]} dead {want[1]} area {want[2]} {want[3]}", reason)

    # underlay: the tunnel destination must be reached through the WAN, never a tunnel
    rg = st["route_get"].get(str(end.peer_wan), {"error": "not checked"})
    wan_if = overlay.devices[device].wan.interface
    if "error" in rg:
        add("underlay.route", False, rg["error"], f"via {wan_if}", "UNDERLAY_UNREACHABLE",
            f"no route to the tunnel destination {end.peer_wan}")
    else:
        add("underlay.route", rg["dev"] == wan_if, f"via {rg['dev']}", f"via {wan_if}",
            "RECURSIVE_ROUTING" if (rg["dev"] or "").startswith("gre") else "UNDERLAY_WRONG_INTERFACE",
            f"the tunnel destination {end.peer_wan} is routed via {rg['dev']}")
    return out


def check_device(overlay: Overlay, device: str, st: dict) -> list[Check]:
    """Per-device checks: remote LANs learned through the right tunnel; no WAN prefix in OSPF."""
    out: list[Check] = []
    routes = st["routes"]
    dev = overlay.devices[device]
    for t in overlay.tunnels_of(device):
        end = t.end(device)
        remote = [end.peer] if dev.role == "site" else [t.site]
        if dev.role == "site":  # a site also learns its hub's other sites through the hub
            remote += [x.site for x in overlay.tunnels_of(t.hub) if x.site != device]
        for r in remote:
            for lan in overlay.devices[r].lans:
                entries = [e for e in routes.get(str(lan), []) if e["protocol"] == "ospf" and e["selected"]]
                via = sorted({n["interface"] for e in entries for n in e["nexthops"] if n["interface"]})
                ok = via == [end.interface]
                out.append(Check(device, end.peer, "routes.lan", "pass" if ok else "fail",
                                 f"{lan} via {','.join(via) or 'nothing'}", f"{lan} via {end.interface} (OSPF)",
                                 "" if ok else ("ROUTE_MISSING" if not via else "ROUTE_WRONG_NEXTHOP"),
                                 "" if ok else f"{r}'s LAN {lan} is not learned through {end.interface}"))
    wans = [IPv4Network(d.wan.address.network) for d in overlay.devices.values()]
    leaked = sorted(p for p, es in routes.items() if any(e["protocol"] == "ospf" for e in es)
                    and any(IPv4Network(p).overlaps(w) for w in wans))
    out.append(Check(device, "-", "ospf.no_wan", "fail" if leaked else "pass", ",".join(leaked) or "none",
                     "no WAN prefix in OSPF", "RECURSIVE_ROUTING" if leaked else "",
                     f"WAN prefix(es) {', '.join(leaked)} learned via OSPF: tunnel destinations would be "
                     "routed into tunnels" if leaked else ""))
    return out


def evaluate(overlay: Overlay, states: dict[str, dict], site: str | None = None) -> list[Check]:
    checks: list[Check] = []
    for t in overlay.scoped(site):
        for device in (t.hub, t.site):
            st = states.get(device)
            if st is None or st.get("error"):
                checks.append(Check(device, t.end(device).peer, "device.reachable", "fail",
                                    (st or {}).get("error", "not collected"), "reachable", "DEVICE_UNREACHABLE",
                                    (st or {}).get("error", "")))
                continue
            checks += check_end(overlay, t, device, st)
    for device in sorted({d for t in overlay.scoped(site) for d in (t.hub, t.site)}):
        st = states.get(device)
        if st is not None and not st.get("error"):
            checks += [c for c in check_device(overlay, device, st)
                       if site is None or c.peer in (site, "-", overlay.intent.sites[site].hub)]
    return checks

