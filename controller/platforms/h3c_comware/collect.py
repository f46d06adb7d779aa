"""What verify runs on an H3C Comware 7 router and the parse of its output into a ``DeviceState``.
Pure; plain line parsers (no ntc-templates: its hp_comware templates cover none of the IKE/IPsec/
OSPF displays).

Formats are the Comware 7 displays as H3C documents them (Security and Layer 3 command references'
example outputs, as recalled: [unverified] where no page was retrieved here) and the recorded
``display interface`` / ``display ip routing-table`` captures (``../shared/recorded/hp_comware``):

- ``display interface Tunnel<n>``: ``Current state: UP``, ``Line protocol state: UP``,
  ``Maximum transmission unit: 1434``, ``Tunnel source A, destination B``, ``GRE key value is N``;
- ``display ikev2 sa`` (``Tunnel ID  Local  Remote  Status``, status ``EST``/``IN-NEGO``/``DEL``) and
  the IKEv1 ``display ike sa`` (``Connection-ID  Remote  Flag  DOI``, flag ``RD`` = ready);
- ``display ipsec sa``: per policy, ``Encapsulation mode``, ``remote address``, ``Transform set:
  ESP-ENCRYPT-AES-CBC-256 ESP-AUTH-SHA256``; Comware prints no packet counters there, so the
  ESP sequence numbers (``Max received/sent sequence-number``: one per packet) stand in for them;
- ``display ospf peer`` (``Router ID  Address  Pri Dead-Time  State  Interface``),
  ``display ospf interface Tunnel<n> verbose``, ``display ip routing-table [protocol ospf | A]``;
- ``ping -f -s N -c C A``: ``-f`` "discards packets larger than the MTU ... the ICMP echo request is
  not allowed to be fragmented", ``-s`` the "length (in bytes) of an ICMP echo request (excluding
  the IP and ICMP header)", so N is ``probes.df_payload(mtu)`` as on every platform (H3C S9500
  command manual: https://manuzoid.com/manuals/En69W-H3C%20S9500%20Series%20Command%20Manual; 3Com
  MSR 30/50, the same Comware ping: http://office.manualsonline.com/manuals/mfg/3com/msr_30_1.html?p=2397;
  Comware 5-era pages: that Comware 7 keeps both meanings is [unverified]);
  ``N packet(s) transmitted, M packet(s) received``.

verify reaches the device through the ``comware_grectl`` driver's ``cli()`` (tasks/verify.py
``collect_task``: the rounds of ``commands``, then ``parse``).
"""
from __future__ import annotations

import re

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
from . import collect6, lsdb, values

IKE_SA, IKEV2_SA, IPSEC_SA, OSPF_PEER, OSPF_ROUTES = ("display ike sa", "display ikev2 sa", "display ipsec sa",
                                                      "display ospf peer", "display ip routing-table protocol ospf")
IP = r"\d{1,3}(?:\.\d{1,3}){3}"
PROTOCOLS = {"OSPF": "ospf", "O_ASE": "ospf", "O_ASE1": "ospf", "O_ASE2": "ospf", "O_NSSA": "ospf",
             "O_NSSA1": "ospf", "O_NSSA2": "ospf", "O_INTRA": "ospf", "O_INTER": "ospf", "Static": "static",
             "Direct": "connected", "BGP": "bgp", "RIP": "rip", "IS_L1": "isis", "IS_L2": "isis"}
NETWORK_TYPES = {"PTP": "point-to-point", "P2P": "point-to-point", "Broadcast": "broadcast", "NBMA": "nbma",
                 "PTMP": "point-to-multipoint", "P2MP": "point-to-multipoint"}
IKEV2_STATES = {"EST": "established", "IN-NEGO": "connecting", "DEL": "down"}


def _ifname(name: str) -> str:
    return values.canonical_interface(name)


# ------------------------------------------------------------------ one command each

def parse_interface(text: str) -> dict[str, GreTunnel]:
    out, cur = {}, None
    for line in (text or "").splitlines():
        if line and not line[0].isspace() and re.fullmatch(r"[A-Za-z][\w\-/.:]*\d", line.strip()):
            cur = out[line.strip()] = GreTunnel(name=line.strip())
        elif cur is None:
            continue
        elif m := re.fullmatch(r"Current state:\s*(.+)", line.strip()):
            cur.admin_up = not m.group(1).upper().startswith("ADMINISTRATIVELY")
            if not cur.admin_up:
                cur.oper_up = False
        elif m := re.fullmatch(r"Line protocol state:\s*(\S+).*", line.strip()):
            cur.oper_up = m.group(1).upper() == "UP" and cur.admin_up
        elif m := re.fullmatch(r"Maximum transmission unit:\s*(\d+)", line.strip()):
            cur.mtu = int(m.group(1))
        elif m := re.fullmatch(rf"Tunnel source ({IP})(?: \([^)]*\))?, destination ({IP})", line.strip()):
            cur.source, cur.destination = m.group(1), m.group(2)
        elif m := re.fullmatch(r"GRE key value is (\d+)", line.strip()):
            cur.key = int(m.group(1))
    return out


def parse_ikev2_sa(text: str) -> list[IkeSa]:
    out = []
    for line in (text or "").splitlines():
        m = re.fullmatch(rf"\s*(\d+)\s+({IP})(?:/\d+)?\s+({IP})(?:/\d+)?\s+(\S+)\s*", line)
        if m:
            out.append(IkeSa(peer=m.group(3), version=2, name=m.group(1),
                             state=IKEV2_STATES.get(m.group(4).upper(), m.group(4).lower())))
    return out


def parse_ike_sa(text: str) -> list[IkeSa]:
    """IKEv1 ``display ike sa``: established when the flag is ``RD`` (ready)."""
    out = []
    for line in (text or "").splitlines():
        m = re.fullmatch(rf"\s*(\d+)\s+({IP})\s+(\S+)\s+\S+\s*", line)
        if m:
            flags = m.group(3).split("|")
            out.append(IkeSa(peer=m.group(2), version=1, name=m.group(1),
                             state="established" if "RD" in flags else "connecting"))
    return out


ENCRYPT = re.compile(r"ESP-ENCRYPT-(AES-CBC|AES-GCM|3DES-CBC|DES-CBC|AES)-?(\d+)?")
AUTH = {"SHA1": "sha1", "SHA256": "sha256", "SHA384": "sha384", "SHA512": "sha512", "MD5": "md5"}


def _transform(text: str) -> dict:
    """``ESP-ENCRYPT-AES-CBC-256 ESP-AUTH-SHA256`` in neutral terms."""
    out: dict = {}
    if e := ENCRYPT.search(text):
        out["encryption"] = {"AES-CBC": "aes-cbc", "AES": "aes-cbc", "AES-GCM": "aes-gcm-16",
                             "3DES-CBC": "3des", "DES-CBC": "des"}[e.group(1)]
        out["key_size"] = int(e.group(2)) if e.group(2) else None
    a = re.search(r"ESP-AUTH-(\S+)", text)
    out["integrity"] = AUTH.get(a.group(1)) if a else None
    return out


SA_FIELDS = ((re.compile(r"Encapsulation mode:\s*(\S+)"), "mode", str.lower),
             (re.compile(rf"remote address:\s*({IP})"), "peer", str),
             (re.compile(r"Max received sequence-number:\s*(\d+)"), "packets_in", int),
             (re.compile(r"Max sent sequence-number:\s*(\d+)"), "packets_out", int))


def parse_ipsec_sa(text: str) -> list[ChildSa]:
    """One child SA per policy block (its inbound and outbound ESP SAs)."""
    out: list[ChildSa] = []
    cur: dict | None = None
    for line in (text or "").splitlines():
        s = line.strip()
        if m := re.fullmatch(r"IPsec policy:\s*(\S+)", s):
            if cur and cur["peer"] and cur["state"]:
                out.append(ChildSa(**cur))
            cur = {"peer": "", "state": "", "name": m.group(1)}
        elif cur is None:
            continue
        elif m := re.fullmatch(r"Sequence number:\s*(\d+)", s):
            cur["name"] = f"{cur['name']}-{m.group(1)}"
        elif s in ("[Inbound ESP SAs]", "[Outbound ESP SAs]"):
            cur["state"] = cur["state"] or "installed"
        elif (m := re.fullmatch(r"Transform set:\s*(.+)", s)) and "encryption" not in cur:
            cur.update(_transform(m.group(1)))
        elif (m := re.fullmatch(r"Status:\s*(\S+)", s)) and m.group(1).lower() != "active":
            cur["state"] = m.group(1).lower()
        else:
            for rx, key, conv in SA_FIELDS:
                if m := rx.fullmatch(s):
                    cur[key] = conv(m.group(1))
    if cur and cur["peer"] and cur["state"]:
        out.append(ChildSa(**cur))
    return out


def parse_ospf_peer(text: str) -> list[OspfNeighbor]:
    out = []
    for line in (text or "").splitlines():
        m = re.fullmatch(rf"\s*({IP})\s+({IP})\s+\d+\s+\d+\s+(\S+?)(?:/\s*\S+)?\s+(\S+)\s*", line)
        if m:
            out.append(OspfNeighbor(router_id=m.group(1), address=m.group(2), state=m.group(3).lower(),
                                    interface=_ifname(m.group(4))))
    return out


def parse_ospf_interface(text: str) -> dict[str, OspfInterface]:
    out, cur, area = {}, None, None
    for line in (text or "").splitlines():
        s = line.strip()
        if m := re.fullmatch(r"Area:\s*(\S+).*", s):
            area = m.group(1)
        elif m := re.fullmatch(rf"Interface:\s*{IP}\s*\((\S+)\).*", s):
            name = _ifname(m.group(1))
            cur = out[name] = OspfInterface(name=name, area=area)
        elif cur is not None:
            if m := re.search(r"Type:\s*(\S+)", s):
                cur.network_type = NETWORK_TYPES.get(m.group(1), m.group(1).lower())
            if m := re.search(r"MTU:\s*(\d+)", s):
                cur.mtu = int(m.group(1))
            if m := re.search(r"Hello\s+(\d+)\s*,\s*Dead\s+(\d+)", s):
                cur.hello, cur.dead = int(m.group(1)), int(m.group(2))
            if "silent" in s.lower():
                cur.passive = True
    return out


ROW = re.compile(rf"(?P<prefix>{IP}/\d+)?\s+(?P<proto>[A-Za-z_0-9]+)\s+\d+\s+\d+\s+(?P<nh>{IP})\s+(?P<intf>\S+)")
ECMP = re.compile(rf"\s+(?P<nh>{IP})\s+(?P<intf>\S+)")


def _rows(text: str):
    """(prefix, protocol, next hop, interface) of each route line, continuation lines included."""
    prefix = proto = None
    for line in (text or "").splitlines():
        if m := ROW.fullmatch(line.rstrip()):
            prefix = m.group("prefix") or prefix
            proto = m.group("proto")
            yield prefix, proto, m.group("nh"), m.group("intf")
        elif prefix and (m := ECMP.fullmatch(line.rstrip())):
            yield prefix, proto, m.group("nh"), m.group("intf")


def parse_routes(text: str) -> dict[str, list[Route]]:
    out: dict[str, list[Route]] = {}
    for prefix, proto, nh, intf in _rows(text):
        protocol = PROTOCOLS.get(proto, proto.lower())
        hop = NextHop(ip=nh, interface=_ifname(intf))
        same = [r for r in out.get(prefix, []) if r.protocol == protocol]
        if same:
            same[0].nexthops.append(hop)
        else:
            out.setdefault(prefix, []).append(Route(protocol=protocol, nexthops=[hop]))
    return out


def parse_route_lookup(text: str) -> RouteLookup:
    rows = list(_rows(text))
    if not rows:
        return RouteLookup(error="no route")
    best = max(rows, key=lambda r: int(r[0].split("/")[1]))
    return RouteLookup(interface=_ifname(best[3]), gateway=best[2])


def parse_ping(text: str) -> dict:
    t = text or ""
    sent = re.search(r"(\d+) packet\(s\) transmitted", t)
    recv = re.search(r"(\d+) packet\(s\) received", t)
    low = t.lower()
    err = "message too long" if any(w in low for w in ("too big", "too large", "too long", "fragment")) else None
    mtu = re.search(r"mtu\s*[=:]?\s*(\d+)", low)
    return {"sent": int(sent.group(1)) if sent else 0, "received": int(recv.group(1)) if recv else 0,
            "error": err, "mtu": int(mtu.group(1)) if mtu else None}


def ping_command(far: str, size: int, count: int) -> str:
    return f"ping -f -s {size} -c {count} {far}"


def after_command(wan: str) -> str:
    return f"display ipsec sa interface {wan}"


COMMANDS = ["display interface Tunnel<n>", IKEV2_SA, IKE_SA, IPSEC_SA, OSPF_PEER,
            "display ospf interface Tunnel<n> verbose", OSPF_ROUTES, "display ip routing-table [A.B.C.D]",
            "ping -f -s N -c C A", collect6.PEER6, "display ospfv3 interface Tunnel<n>", collect6.ROUTES6,
            "ping ipv6 -c C -s N X:X::X", lsdb.SHOW]


def parse_command(command: str, output: str) -> DeviceState:
    c = " ".join(command.split())
    if c.startswith("display interface"):
        return DeviceState(gre=parse_interface(output))
    if c == IKEV2_SA:
        return DeviceState(ike_sas=parse_ikev2_sa(output))
    if c == IKE_SA:
        return DeviceState(ike_sas=parse_ike_sa(output))
    if c.startswith(IPSEC_SA):
        return DeviceState(child_sas=parse_ipsec_sa(output))
    if c.startswith(OSPF_PEER):
        return DeviceState(ospf_neighbors=parse_ospf_peer(output))
    if c.startswith("display ospf interface"):
        return DeviceState(ospf_interfaces=parse_ospf_interface(output))
    if (six := collect6.parse_command(c, output, parse_ping)) is not None:
        return six
    if c == lsdb.SHOW:
        return DeviceState(ospf_lsdb=lsdb.parse_router_lsdb(output))
    if c.startswith("display ip routing-table") and re.fullmatch(IP, c.split()[-1]):
        return DeviceState(route_lookups={c.split()[-1]: parse_route_lookup(output)})
    if c.startswith("display ip routing-table"):
        return DeviceState(routes=parse_routes(output))
    if c.startswith("ping ") and re.fullmatch(IP, c.split()[-1]):
        m = re.search(r"-s (\d+)", c)
        return DeviceState(probes={c.split()[-1]: {"probe": DfProbe(size=int(m.group(1)) if m else 0,
                                                                   **parse_ping(output))}})
    raise NotImplementedError(f"platform h3c_comware has no parser for {command!r}")


def targets(overlay: Overlay, device: str, site: str | None) -> list[tuple[str, int]]:
    return probes.df_targets(overlay, device, overlay.tunnels_of(device, site))


def commands(overlay: Overlay, device: str, site: str | None) -> list[list[str]]:
    ts = overlay.tunnels_of(device, site)
    first = [f"display interface {t.end(device).interface}" for t in ts]
    first += [IKEV2_SA, IPSEC_SA, OSPF_PEER, OSPF_ROUTES]
    first += [f"display ospf interface {t.end(device).interface} verbose" for t in ts]
    first += [f"display ip routing-table {p}" for p in sorted({str(t.end(device).peer_wan) for t in ts})]
    second = []
    for far, size in targets(overlay, device, site):
        second += [ping_command(far, size, 2), ping_command(far, size + 1, 1)]
    first6, second6 = collect6.commands(overlay, device, site)
    second += second6
    if preferred.multi_hub(overlay):
        first6.append(lsdb.SHOW)     # the backup path in the OSPF database (ospf.backup, issue 23)
    if ts:
        second.append(after_command(overlay.devices[device].wan.interface))   # the SAs again, after the probes
    return [first + first6, second]


def parse(overlay: Overlay, device: str, site: str | None, outputs: dict[str, str]) -> DeviceState:
    ts = overlay.tunnels_of(device, site)
    gre, ospf_if = {}, {}
    for t in ts:
        name = t.end(device).interface
        shown = parse_interface(outputs.get(f"display interface {name}", ""))
        gre.update({k: v for k, v in shown.items() if k == name})
        ospf_if.update(parse_ospf_interface(outputs.get(f"display ospf interface {name} verbose", "")))
    found = {}
    for far, size in targets(overlay, device, site):
        found[far] = {which: DfProbe(size=n, **parse_ping(outputs.get(ping_command(far, n, count), "")))
                      for which, n, count in (("max", size, 2), ("over", size + 1, 1))}
    lookups = {p: parse_route_lookup(outputs.get(f"display ip routing-table {p}", ""))
               for p in sorted({str(t.end(device).peer_wan) for t in ts})}
    after = outputs.get(after_command(overlay.devices[device].wan.interface), "")
    return DeviceState(
        gre=gre, ike_sas=parse_ikev2_sa(outputs.get(IKEV2_SA, "")), child_sas=parse_ipsec_sa(outputs.get(IPSEC_SA, "")),
        child_sas_after=parse_ipsec_sa(after), ospf_neighbors=parse_ospf_peer(outputs.get(OSPF_PEER, "")),
        ospf_interfaces=ospf_if, routes=parse_routes(outputs.get(OSPF_ROUTES, "")), route_lookups=lookups,
        probes=found, ospf_lsdb=lsdb.parse_router_lsdb(outputs.get(lsdb.SHOW, "")),
        **collect6.state6(overlay, device, site, outputs, parse_ping))
