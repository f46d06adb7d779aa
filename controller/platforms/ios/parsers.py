"""Cisco IOS / IOS-XE show-command parsers: captured text in, vendor-neutral facts out. Pure.

Shared with the ``iosxe`` platform: plain functions, one per command, each returning a partial
``DeviceState``. TextFSM templates come from two places, always named explicitly in ``TEMPLATES``
(never through ntc-templates' index, which matches commands by prefix and hands
``show ip ospf interface Tunnel1`` to its ``brief`` template): ntc-templates where it has the
command, and grectl's own in ``templates/textfsm/`` for what it lacks (the crypto SA commands, the
tunnel lines of ``show interfaces``, the detailed ``show ip ospf interface``, ``show ip cef A``).

>>> parse_command("ping 172.16.0.2 size 1443 df-bit repeat 2",
...     "Sending 2, 1443-byte ICMP Echos to 172.16.0.2, timeout is 2 seconds:\\n"
...     "Packet sent with the DF bit set\\nMM\\nSuccess rate is 0 percent (0/2)\\n").probes
{'172.16.0.2': {'probe': DfProbe(size=1415, sent=2, received=0, error='message too long', mtu=None)}}
"""
from __future__ import annotations

import re
from functools import lru_cache
from ipaddress import IPv4Address, IPv4Interface
from pathlib import Path

import textfsm

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
from . import proposals

OWN = Path(__file__).parent / "templates" / "textfsm"


def _ntc(name: str) -> Path:
    import ntc_templates
    return Path(ntc_templates.__file__).parent / "templates" / name


# (platform, command) -> template: the one place a command meets a template
TEMPLATES: dict[tuple[str, str], Path] = {
    ("cisco_ios", "show interfaces TunnelN"): OWN / "cisco_ios_show_interfaces_tunnel.textfsm",
    ("cisco_ios", "show ip interface TunnelN"): _ntc("cisco_ios_show_ip_interface.textfsm"),
    ("cisco_ios", "show crypto ikev2 sa"): OWN / "cisco_ios_show_crypto_ikev2_sa.textfsm",
    ("cisco_ios", "show crypto isakmp sa"): OWN / "cisco_ios_show_crypto_isakmp_sa.textfsm",
    ("cisco_ios", "show crypto ipsec sa"): OWN / "cisco_ios_show_crypto_ipsec_sa.textfsm",
    ("cisco_ios", "show ip ospf neighbor"): _ntc("cisco_ios_show_ip_ospf_neighbor.textfsm"),
    ("cisco_ios", "show ip ospf interface TunnelN"): OWN / "cisco_ios_show_ip_ospf_interface.textfsm",
    ("cisco_ios", "show ip route ospf"): _ntc("cisco_ios_show_ip_route.textfsm"),
    ("cisco_ios", "show ip cef A.B.C.D"): OWN / "cisco_ios_show_ip_cef_address.textfsm",
}

ADDR = r"\d+\.\d+\.\d+\.\d+"
# the command shapes parse_command accepts -> the TEMPLATES key (ping and logging are plain regex)
# The general forms (every interface, the whole route table) print the same blocks as the ones
# grectl collects, and the parsers keep only tunnels and OSPF routes: they are accepted too. Other
# forms of a command (brief, description, ...) have another format and are refused.
_OTHER_FORMS = r"(?!(brief|description|summary|status|counters|stats|switchport|trunk|accounting)\b)"
_SHAPES = [
    (rf"sh(ow)? int(erfaces)?( {_OTHER_FORMS}(?P<if>\S+))?", "show interfaces TunnelN"),
    (rf"sh(ow)? ip int(erface)?( {_OTHER_FORMS}(?P<if>\S+))?", "show ip interface TunnelN"),
    (r"sh(ow)? cry(pto)? ikev2 sa( detail(ed)?)?", "show crypto ikev2 sa"),
    (r"sh(ow)? cry(pto)? isa(kmp)? sa( detail)?", "show crypto isakmp sa"),
    (r"sh(ow)? cry(pto)? ip(sec)? sa( (interface|peer|address|map) \S+)?( detail)?", "show crypto ipsec sa"),
    (r"sh(ow)? ip ospf nei(ghbor)?( \S+)?", "show ip ospf neighbor"),
    (r"sh(ow)? ip ospf int(erface)?( (?P<if>\S+))?", "show ip ospf interface TunnelN"),
    (r"sh(ow)? ip ro(ute)?( ospf( \d+)?)?", "show ip route ospf"),
    (rf"sh(ow)? ip cef (?P<addr>{ADDR})", "show ip cef A.B.C.D"),
    (rf"ping (?P<addr>{ADDR}) size (?P<size>\d+) df-bit( repeat \d+)?", "ping"),
    (r"sh(ow)? log(ging)?( \| .*)?", "show logging"),
]
COMMANDS = ("show interfaces [TunnelN]", "show ip interface [TunnelN]", "show crypto ikev2 sa",
            "show crypto isakmp sa", "show crypto ipsec sa [interface TunnelN | peer A.B.C.D] [detail]",
            "show ip ospf neighbor", "show ip ospf interface [TunnelN]", "show ip route [ospf]", "show ip cef A.B.C.D",
            "ping A.B.C.D size N df-bit repeat N", "show logging | include IKEV2|IKMP")


@lru_cache(maxsize=None)
def _template_text(path: Path) -> str:
    return path.read_text()


def fsm(key: str, output: str, platform: str = "cisco_ios") -> list[dict]:
    """Rows (lower-case keys) of the template named for ``(platform, key)`` in ``TEMPLATES``."""
    import io
    t = textfsm.TextFSM(io.StringIO(_template_text(TEMPLATES[(platform, key)])))
    try:
        rows = t.ParseText(output or "")
    except textfsm.TextFSMError:  # a template that refuses unknown lines: not this command's output
        return []
    return [dict(zip((h.lower() for h in t.header), row)) for row in rows]


def _int(v) -> int | None:
    try:
        return int(v, 0) if isinstance(v, str) and v.lower().startswith("0x") else int(v)
    except (TypeError, ValueError):
        return None


def _area(v: str | None) -> str | None:
    if v is None or v == "":
        return None
    return str(IPv4Address(int(v))) if v.isdigit() else v


# ---------------------------------------------------------------- one function per command
def interfaces(output: str) -> DeviceState:
    """``show interfaces TunnelN``: admin/oper state, endpoints, GRE key (IP MTU: ``ip_interface``)."""
    gre = {}
    for r in fsm("show interfaces TunnelN", output):
        if not r["interface"].startswith("Tunnel"):
            continue
        src = r["tunnel_source"] if re.fullmatch(ADDR, r["tunnel_source"] or "") else None
        gre[r["interface"]] = GreTunnel(
            name=r["interface"], admin_up="administratively" not in r["link_status"],
            oper_up=r["protocol_status"].startswith("up"), source=src,
            destination=r["tunnel_destination"] or None, key=_int(r["key"]))
    return DeviceState(gre=gre)


def ip_interface(output: str) -> DeviceState:
    """``show ip interface TunnelN``: the IP MTU (``ip mtu``), which is what grectl sets."""
    return DeviceState(gre={r["interface"]: GreTunnel(name=r["interface"], mtu=_int(r["mtu"]),
                                                      admin_up="administratively" not in r["link_status"],
                                                      oper_up=r["protocol_status"].startswith("up"))
                            for r in fsm("show ip interface TunnelN", output) if r["interface"].startswith("Tunnel")})


_IKEV2_STATE = {"READY": "established", "IN-NEG": "connecting", "DELETE": "deleting"}


def ikev2_sa(output: str) -> DeviceState:
    sas = []
    for r in fsm("show crypto ikev2 sa", output):
        line = (f"Encr: {r['encryption']}, keysize: {r['keysize']}, PRF: {r['prf']}, Hash: {r['hash']}, "
                f"DH Grp:{r['dh_group']}") if r["encryption"] else ""
        sas.append(IkeSa(peer=r["remote"], version=2, name=f"tunnel-id {r['tunnel_id']}",
                         state=_IKEV2_STATE.get(r["status"].upper(), r["status"].lower() or "unknown"),
                         proposal=proposals.parse_ikev2_sa(line)))
    return DeviceState(ike_sas=sas)


def isakmp_sa(output: str, local: set[str] | frozenset = frozenset()) -> DeviceState:
    """``show crypto isakmp sa``: ``dst src`` follow who initiated; the peer is the one not in
    ``local`` (this router's addresses), else ``dst``."""
    sas = []
    for r in fsm("show crypto isakmp sa", output):
        peer = r["src"] if r["dst"] in local else r["dst"]
        st = r["state"].upper()
        state = "established" if st == "QM_IDLE" and r["status"].upper() != "STALE" else \
            ("connecting" if st.startswith(("MM_", "AG_")) else st.lower())
        sas.append(IkeSa(peer=peer, version=1, state=state, name=f"conn-id {r['conn_id']}"))
    return DeviceState(ike_sas=sas)


def ipsec_sa(output: str) -> DeviceState:
    """``show crypto ipsec sa ...``: one child SA per protected flow; installed when both an inbound
    and an outbound ESP SA are ACTIVE. Packets: ``#pkts decaps`` in, ``#pkts encaps`` out."""
    out = []
    for r in fsm("show crypto ipsec sa", output):
        ins, outs = r["in_status"], r["out_status"]
        if any(s.upper().startswith("ACTIVE") for s in ins) and any(s.upper().startswith("ACTIVE") for s in outs):
            state = "installed"
        elif not r["in_spi"] and not r["out_spi_list"]:
            state = "none"
        else:
            state = (ins or outs)[0].split("(")[0].lower()
        settings = " ".join(r["in_settings"] + r["out_settings"]).lower()
        mode = "transport" if "transport" in settings else "tunnel" if "tunnel" in settings else None
        esp = proposals.parse_transform((r["in_transform"] or r["out_transform"] or [""])[0])
        out.append(ChildSa(peer=r["peer"] or r["remote_endpt"], state=state, mode=mode,
                           encryption=esp.encryption if esp else None, key_size=esp.key_size if esp else None,
                           integrity=esp.integrity if esp else None,
                           packets_in=_int(r["pkts_decaps"]) or 0, packets_out=_int(r["pkts_encaps"]) or 0,
                           name=r["interface"] or None))
    return DeviceState(child_sas=out)


def ospf_neighbor(output: str) -> DeviceState:
    return DeviceState(ospf_neighbors=[OspfNeighbor(router_id=r["neighbor_id"], state=r["state"],
                                                    interface=r["interface"], address=r["ip_address"])
                                       for r in fsm("show ip ospf neighbor", output)])


def ospf_interface(output: str) -> DeviceState:
    out = {}
    for r in fsm("show ip ospf interface TunnelN", output):
        if not r["area"]:
            continue  # "OSPF not enabled on ..." or a brief table: not this command's detail form
        addr = IPv4Interface(r["ip_address"]) if r["ip_address"] else None
        out[r["interface"]] = OspfInterface(
            name=r["interface"], area=_area(r["area"]), hello=_int(r["hello"]), dead=_int(r["dead"]),
            network_type=r["network_type"].lower().replace("_", "-") if r["network_type"] else None,
            passive=bool(r["passive"]), up=r["protocol_status"].startswith("up"))
        del addr
    return DeviceState(ospf_interfaces=out)


def routes_ospf(output: str) -> DeviceState:
    routes: dict[str, list[Route]] = {}
    for r in fsm("show ip route ospf", output):
        if r["protocol"] != "O":
            continue
        prefix = f"{r['network']}/{r['prefix_length']}"
        hop = NextHop(ip=r["nexthop_ip"] or None, interface=r["nexthop_if"] or None)
        same = routes.setdefault(prefix, [])
        if same:
            same[0].nexthops.append(hop)  # ECMP: continuation lines of one route
        else:
            same.append(Route(protocol="ospf", nexthops=[hop]))
    return DeviceState(routes=routes)


def cef(address: str, output: str) -> DeviceState:
    """``show ip cef A``: the interface the device forwards ``A`` through (``error`` if none)."""
    rows = fsm("show ip cef A.B.C.D", output)
    r = rows[0] if rows else {"interface": [], "nexthop": [], "no_route": "no route", "prefix": ""}
    if r["no_route"] or not r["interface"]:
        return DeviceState(route_lookups={address: RouteLookup(error=r["no_route"] or "no route")})
    return DeviceState(route_lookups={address: RouteLookup(interface=r["interface"][0],
                                                            gateway=(r["nexthop"] or [None])[0])})


_SENDING = re.compile(rf"Sending (\d+), (\d+)-byte ICMP Echos to ({ADDR})")
_RATE = re.compile(r"Success rate is \d+ percent \((\d+)/(\d+)\)")


def ping(output: str, address: str | None = None, size: int | None = None) -> DfProbe:
    """``ping A size N df-bit``: IOS counts the whole datagram (``size`` = payload + 28); a ``M``
    in the reply line is 'could not fragment', reported as the neutral 'message too long'."""
    m = _SENDING.search(output or "")
    total = int(m.group(2)) if m else size
    sent = int(m.group(1)) if m else 0
    rate = _RATE.search(output or "")
    received = int(rate.group(1)) if rate else 0
    if rate:
        sent = int(rate.group(2))
    marks = "".join(ln.strip() for ln in (output or "").splitlines() if re.fullmatch(r"\s*[!.MUQ?&C]+\s*", ln))
    error = None
    if "M" in marks:
        error = "message too long"
    elif re.search(r"^%", output or "", re.M):
        error = next(ln.strip() for ln in output.splitlines() if ln.startswith("%"))
    return DfProbe(size=(total or 28) - 28, sent=sent, received=received, error=error)


_AUTH = re.compile(rf"(IKMP_BAD_MESSAGE|[Aa]uth(entication)? (exchange )?fail\w*|AUTH_FAIL\w*).*?({ADDR})"
                   rf"|({ADDR}).*?(IKMP_BAD_MESSAGE|[Aa]uth(entication)? (exchange )?fail\w*|AUTH_FAIL\w*)")
_UP = re.compile(rf"(IKEV2-5-SA_UP|IKMP_\w*SA_UP|SA UP|[Ee]stablished).*?({ADDR})|({ADDR}).*?(SA_UP|[Ee]stablished)")


def auth_failures(output: str) -> list[str]:
    """Peers whose latest IKE event in the log is an authentication failure (PSK mismatch:
    IKEv1 ``%CRYPTO-4-IKMP_BAD_MESSAGE``, IKEv2 authentication failures)."""
    last: dict[str, bool] = {}
    for ln in (output or "").splitlines():
        if m := _AUTH.search(ln):
            last[m.group(4) or m.group(5)] = True
        elif m := _UP.search(ln):
            last[m.group(2) or m.group(3)] = False
    return sorted(p for p, failed in last.items() if failed)


# ---------------------------------------------------------------- grectl parse
def shape(command: str) -> tuple[str, dict] | None:
    c = " ".join(command.split())
    for pattern, key in _SHAPES:
        m = re.fullmatch(pattern, c, re.I)
        if m:
            return key, {k: v for k, v in m.groupdict().items() if v}
    return None


def parse_command(command: str, output: str) -> DeviceState:
    """The facts one captured command output yields (``grectl parse ios "COMMAND" FILE``)."""
    found = shape(command)
    if found is None:
        raise NotImplementedError(f"platform ios has no parser for {command!r}")
    key, args = found
    if key == "ping":
        return DeviceState(probes={args["addr"]: {"probe": ping(output, args["addr"], int(args["size"]))}})
    if key == "show logging":
        return DeviceState(auth_failed=auth_failures(output))
    if key == "show ip cef A.B.C.D":
        return cef(args["addr"], output)
    return {"show interfaces TunnelN": interfaces, "show ip interface TunnelN": ip_interface,
            "show crypto ikev2 sa": ikev2_sa, "show crypto isakmp sa": isakmp_sa, "show crypto ipsec sa": ipsec_sa,
            "show ip ospf neighbor": ospf_neighbor, "show ip ospf interface TunnelN": ospf_interface,
            "show ip route ospf": routes_ospf}[key](output)
