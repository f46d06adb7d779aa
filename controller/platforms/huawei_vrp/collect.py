"""What verify runs on a Huawei VRP router and the parse of its output into a ``DeviceState``.
Pure. Own TextFSM templates in ``textfsm/``; ntc-templates only through ``NTC`` (its index sends
unknown ``display`` commands to the ``dir`` template, so it is never asked to guess).

Formats follow Huawei's documented displays (AR configuration guides' verification steps):
``display interface Tunnel0/0/N``, ``display ike sa`` (Conn-ID / Peer / Flag(s) / Phase v2:1 = IKE SA,
v2:2 = IPSec SA), ``display ipsec sa`` (per interface, ``Encapsulation mode``, ``Tunnel remote``,
``Proposal: ESP-ENCRYPT-AES-256 ESP-AUTH-SHA2-256-128``, encrypted/decrypted packet counters),
``display ospf peer``, ``display ospf interface Tunnel0/0/N``, ``display ip routing-table protocol
ospf``, ``display ip routing-table A.B.C.D``, ``ping -c C -f -s N A``.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ... import preferred, probes
from ...models import Overlay
from ...state import (
    ChildSa,
    DeviceState,
    DfProbe,
    GreTunnel,
    IkeSa,
    NextHop,
    OspfInterface,
    OspfNeighbor,
    Route,
    RouteLookup,
)
from .. import lsdb_text
from . import collect6

TEMPLATES = Path(__file__).parent / "textfsm"
# (platform, command) -> ntc-templates template; nothing else is looked up in ntc-templates
NTC = {("huawei_vrp", "display interface brief"): "huawei_vrp_display_interface_brief.textfsm"}
IKE_SA, IPSEC_SA, OSPF_PEER, OSPF_ROUTES = ("display ike sa", "display ipsec sa", "display ospf peer",
                                            "display ip routing-table protocol ospf")
IP = r"\d{1,3}(?:\.\d{1,3}){3}"
LSDB = "display ospf lsdb router"   # redundant hubs (issue 23): lsdb_text.vrp_router_lsdb
NETWORK_TYPES = {"P2P": "point-to-point", "BROADCAST": "broadcast", "NBMA": "nbma", "P2MP": "point-to-multipoint"}
PROTOCOLS = {"OSPF": "ospf", "O_ASE": "ospf", "O_NSSA": "ospf", "Static": "static", "Direct": "connected",
             "EBGP": "bgp", "IBGP": "bgp", "RIP": "rip", "ISIS": "isis", "Unr": "unreachable"}


@lru_cache(maxsize=16)
def _template_text(path: str) -> str:
    return Path(path).read_text()


def textfsm_parse(template: str, text: str) -> list[dict]:
    """Run one of our own templates (``textfsm/<template>.textfsm``) on ``text``."""
    import io

    import textfsm
    fsm = textfsm.TextFSM(io.StringIO(_template_text(str(TEMPLATES / f"{template}.textfsm"))))
    return [dict(zip(fsm.header, row)) for row in fsm.ParseText(text or "")]


def ntc_parse(platform: str, command: str, text: str) -> list[dict]:
    """ntc-templates, only for a (platform, command) in ``NTC``."""
    import io

    import textfsm
    from ntc_templates import parse as ntc
    name = NTC[(platform, command)]
    path = Path(ntc.__file__).parent / "templates" / name
    fsm = textfsm.TextFSM(io.StringIO(path.read_text()))
    return [{k.lower(): v for k, v in zip(fsm.header, row)} for row in fsm.ParseText(text or "")]


# ------------------------------------------------------------------ one command each

def parse_interface(text: str) -> dict[str, GreTunnel]:
    out = {}
    for r in textfsm_parse("display_interface", text):
        out[r["INTERFACE"]] = GreTunnel(
            name=r["INTERFACE"], admin_up=not r["STATE"].lower().startswith(("administratively", "*")),
            oper_up=r["PROTOCOL"].upper().startswith("UP"), mtu=int(r["MTU"]) if r["MTU"] else None,
            source=r["SOURCE"] or None, destination=r["DESTINATION"] or None,
            key=int(r["KEY"]) if r["KEY"].isdigit() else None)
    return out


def parse_ike_sa(text: str) -> list[IkeSa]:
    """Phase-1 rows (``vN:1``); established when the READY flag (RD) is set."""
    out = []
    for r in textfsm_parse("display_ike_sa", text):
        if r["PHASE"] != "1":
            continue
        flags = r["FLAGS"].split("|")
        out.append(IkeSa(peer=r["PEER"], version=int(r["VERSION"]), name=r["CONN_ID"],
                         state="established" if "RD" in flags else ("connecting" if "NEG" in flags else "down")))
    return out


ENCRYPT = re.compile(r"ESP-ENCRYPT-(AES|3DES|DES)-?(\d+)?")
AUTH = {"SHA1": "sha1", "SHA2-256-128": "sha256", "SHA2-256": "sha256", "SHA2-384-192": "sha384",
        "SHA2-512-256": "sha512", "MD5": "md5"}


def parse_ipsec_sa(text: str) -> list[ChildSa]:
    """``display ipsec sa``: one child SA per connection block (outbound + inbound ESP SAs)."""
    out: list[ChildSa] = []
    cur: dict | None = None

    def flush():
        if cur and cur.get("peer"):
            out.append(ChildSa(**cur))
    for line in (text or "").splitlines():
        s = line.strip()
        if s.startswith("Connection ID"):
            flush()
            cur = {"peer": "", "state": "installed", "name": s.split(":", 1)[1].strip()}
        elif cur is None:
            continue
        elif s.startswith("Encapsulation mode"):
            cur["mode"] = s.split(":", 1)[1].strip().lower()
        elif s.startswith("Tunnel remote"):
            cur["peer"] = s.split(":", 1)[1].strip()
        elif s.startswith("Proposal:") and "encryption" not in cur:
            m = ENCRYPT.search(s)
            if m:
                cur["encryption"] = {"AES": "aes-cbc", "3DES": "3des", "DES": "des"}[m.group(1)]
                cur["key_size"] = int(m.group(2)) if m.group(2) else None
            a = re.search(r"ESP-AUTH-(\S+)", s)
            cur["integrity"] = AUTH.get(a.group(1)) if a else None
        elif m := re.match(r"SA encrypted packets \(number/kilobytes\)\s*:\s*(\d+)", s):
            cur["packets_out"] = int(m.group(1))
        elif m := re.match(r"SA decrypted packets \(number/kilobytes\)\s*:\s*(\d+)", s):
            cur["packets_in"] = int(m.group(1))
    flush()
    return out


def parse_ospf_peer(text: str) -> list[OspfNeighbor]:
    return [OspfNeighbor(router_id=r["ROUTER_ID"], state=r["STATE"], interface=r["INTERFACE"], address=r["ADDRESS"])
            for r in textfsm_parse("display_ospf_peer", text)]


def parse_ospf_interface(text: str) -> dict[str, OspfInterface]:
    """``display ospf interface Tunnel0/0/N``: area, type, MTU, timers."""
    out, cur, area = {}, None, None
    for line in (text or "").splitlines():
        if m := re.match(r"^\s*Area:\s*(\S+)", line):
            area = m.group(1)
        if m := re.match(rf"^\s*Interface:\s*{IP}\s*\((\S+)\)", line):
            cur = out[m.group(1)] = OspfInterface(name=m.group(1), area=area)
            continue
        if cur is None:
            continue
        if m := re.search(r"Type:\s*(\S+)", line):
            cur.network_type = NETWORK_TYPES.get(m.group(1), m.group(1).lower())
        if m := re.search(r"MTU:\s*(\d+)", line):
            cur.mtu = int(m.group(1))
        if m := re.search(r"Hello\s+(\d+)\s*,\s*Dead\s+(\d+)", line):
            cur.hello, cur.dead = int(m.group(1)), int(m.group(2))
        if "Silent" in line or "silent" in line:
            cur.passive = True
    return out


def parse_routes(text: str) -> dict[str, list[Route]]:
    out: dict[str, list[Route]] = {}
    for r in textfsm_parse("display_ip_routing_table", text):
        route = Route(protocol=PROTOCOLS.get(r["PROTOCOL"], r["PROTOCOL"].lower()),
                      selected=r["STATUS"] != "Inactive",
                      nexthops=[NextHop(ip=r["NEXTHOP"], interface=r["INTERFACE"])])
        same = [x for x in out.get(r["PREFIX"], []) if x.protocol == route.protocol and x.selected == route.selected]
        if same and r["PREFIX"] in out:
            same[0].nexthops.extend(route.nexthops)
        else:
            out.setdefault(r["PREFIX"], []).append(route)
    return out


def parse_route_lookup(text: str) -> RouteLookup:
    rows = textfsm_parse("display_ip_routing_table", text)
    if not rows:
        return RouteLookup(error="no route")
    best = max(rows, key=lambda r: int(r["PREFIX"].split("/")[1]))
    return RouteLookup(interface=best["INTERFACE"], gateway=best["NEXTHOP"])


def parse_ping(text: str) -> dict:
    """VRP ``ping``: ``N packet(s) transmitted`` / ``N packet(s) received``; a local refusal of an
    oversized DF packet is reported when the text says so."""
    t = text or ""
    sent = re.search(r"(\d+) packet\(s\) transmitted", t)
    recv = re.search(r"(\d+) packet\(s\) received", t)
    low = t.lower()
    err = ("message too long" if ("too long" in low or "too large" in low or "fragment" in low) else None)
    mtu = re.search(r"mtu\s*[=:]?\s*(\d+)", low)
    return {"sent": int(sent.group(1)) if sent else 0, "received": int(recv.group(1)) if recv else 0,
            "error": err, "mtu": int(mtu.group(1)) if mtu else None}


def after_command(interface: str) -> str:
    return f"display ipsec sa interface {interface}"


def ping_command(far: str, size: int, count: int) -> str:
    return f"ping -c {count} -f -s {size} {far}"


COMMANDS = ["display interface Tunnel0/0/N", IKE_SA, IPSEC_SA, OSPF_PEER, "display ospf interface Tunnel0/0/N",
            OSPF_ROUTES, "display ip routing-table A.B.C.D", "ping -c C -f -s N A", "display interface brief",
            "display ospfv3 peer", "display ospfv3 interface Tunnel0/0/N", "display ipv6 routing-table protocol ospfv3",
            "ping ipv6 -c C -s N X:X::X", LSDB]


def parse_command(command: str, output: str) -> DeviceState:
    c = " ".join(command.split())
    if c.startswith("display interface") and c != "display interface brief":
        return DeviceState(gre=parse_interface(output))
    if c == "display interface brief":
        return DeviceState(gre={r["interface"]: GreTunnel(name=r["interface"], admin_up=not r["phy"].startswith("*"),
                                                          oper_up=r["protocol"].startswith("up"))
                                for r in ntc_parse("huawei_vrp", c, output)})
    if c == IKE_SA:
        return DeviceState(ike_sas=parse_ike_sa(output))
    if c.startswith(IPSEC_SA):
        return DeviceState(child_sas=parse_ipsec_sa(output))
    if c.startswith(OSPF_PEER):
        return DeviceState(ospf_neighbors=parse_ospf_peer(output))
    if c.startswith("display ospf interface"):
        return DeviceState(ospf_interfaces=parse_ospf_interface(output))
    if c.startswith("display ip routing-table") and re.fullmatch(IP, c.split()[-1]):
        return DeviceState(route_lookups={c.split()[-1]: parse_route_lookup(output)})
    if c.startswith("display ip routing-table"):
        return DeviceState(routes=parse_routes(output))
    if (six := collect6.parse_command(c, output, parse_ping)) is not None:
        return six
    if c.startswith("ping "):
        m = re.search(r"-s (\d+)", c)
        r = parse_ping(output)
        return DeviceState(probes={c.split()[-1]: {"probe": DfProbe(size=int(m.group(1)) if m else 0, **r)}})
    if c == LSDB:
        return DeviceState(ospf_lsdb=lsdb_text.vrp_router_lsdb(output))
    raise NotImplementedError(f"platform huawei_vrp has no parser for {command!r}")


def targets(overlay: Overlay, device: str, site: str | None) -> list[tuple[str, int]]:
    return probes.df_targets(overlay, device, overlay.tunnels_of(device, site))


def commands(overlay: Overlay, device: str, site: str | None) -> list[list[str]]:
    ts = overlay.tunnels_of(device, site)
    first = [f"display interface {t.end(device).interface}" for t in ts]
    first += [IKE_SA, IPSEC_SA, OSPF_PEER, OSPF_ROUTES]
    first += [f"display ospf interface {t.end(device).interface}" for t in ts]
    first += [f"display ip routing-table {p}" for p in sorted({str(t.end(device).peer_wan) for t in ts})]
    first += [LSDB] if preferred.multi_hub(overlay) else []
    second = []
    for far, size in targets(overlay, device, site):
        second += [ping_command(far, size, 2), ping_command(far, size + 1, 1)]
    first6, second6 = collect6.commands(overlay, device, site)
    second += second6 + [after_command(t.end(device).interface) for t in ts]   # the SAs again, after the probes
    return [first + first6, second]


def parse(overlay: Overlay, device: str, site: str | None, outputs: dict[str, str]) -> DeviceState:
    ts = overlay.tunnels_of(device, site)
    gre, ospf_if = {}, {}
    for t in ts:
        name = t.end(device).interface
        shown = parse_interface(outputs.get(f"display interface {name}", ""))
        gre.update({k: v for k, v in shown.items() if k == name})
        ospf_if.update(parse_ospf_interface(outputs.get(f"display ospf interface {name}", "")))
    probes = {}
    for far, size in targets(overlay, device, site):
        probes[far] = {}
        for which, n, count in (("max", size, 2), ("over", size + 1, 1)):
            probes[far][which] = DfProbe(size=n, **parse_ping(outputs.get(ping_command(far, n, count), "")))
    lookups = {p: parse_route_lookup(outputs.get(f"display ip routing-table {p}", ""))
               for p in sorted({str(t.end(device).peer_wan) for t in ts})}
    return DeviceState(
        gre=gre, ike_sas=parse_ike_sa(outputs.get(IKE_SA, "")), child_sas=parse_ipsec_sa(outputs.get(IPSEC_SA, "")),
        child_sas_after=[c for t in ts
                         for c in parse_ipsec_sa(outputs.get(after_command(t.end(device).interface), ""))],
        ospf_neighbors=parse_ospf_peer(outputs.get(OSPF_PEER, "")), ospf_interfaces=ospf_if,
        routes=parse_routes(outputs.get(OSPF_ROUTES, "")), route_lookups=lookups, probes=probes,
        ospf_lsdb=lsdb_text.vrp_router_lsdb(outputs[LSDB]) if LSDB in outputs else {},
        **collect6.state6(overlay, device, site, outputs, parse_ping))
