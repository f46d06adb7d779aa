"""What verify runs on a VyOS router (op-mode commands, two rounds) and the parse of their
output into a ``DeviceState``. Pure.

Formats, as VyOS documents and prints them:
- ``show interfaces tunnel tunN``: ``ip addr`` form (VyOS docs, interfaces/tunnel.md;
  seed 004's ``show interfaces tunnel detail``); ``show interfaces [tunnel]``: the ``Codes: S - State``
  table (seed 004; ntc-templates' vyatta_vyos capture).
- ``show vpn ike sa`` / ``show vpn ipsec sa``: the tables of vyos-1x ``src/op_mode/ipsec.py``
  (VyOS docs, vpn/ipsec/site2site_ipsec.md). ``show vpn ipsec sa`` prints neither the mode nor exact
  packet counts (it rounds to K/M), so the exact numbers come from strongSwan itself:
  ``sudo swanctl --list-sas --raw`` (VyOS runs strongSwan with vici; the op-mode shell runs it).
- FRR's own text for OSPF and routes (``controller.platforms.frr_text``).
- Dual-stack tunnels (issue 22): OSPFv3 and the IPv6 table from FRR itself in JSON
  (``vtysh -c 'show ipv6 ospf6 neighbor json'``, ``... interface json``, ``show ipv6 route json``),
  VyOS running FRR's ospf6d for ``protocols ospfv3``: the Linux collector's parsers (FRR 8.4's JSON,
  proven in the UML lab on Linux; not on a VyOS router, none here); IPv6 DF pings to the far end's
  global tunnel address with the same op-mode ping (iputils picks IPv6 from the address).
- ``ping A size N do-not-fragment count C``: VyOS's op-mode ping runs iputils ping with
  ``-s N -M do``: N is the ICMP payload, as on Linux (seed 004: 1448 passes, 1449 fails with
  "Message too long, mtu=1476" on a 1476-byte tunnel).

>>> parse_ike_sa(IKE_DOC)[0].state, parse_ike_sa(IKE_DOC)[0].peer
('established', '10.0.1.2')
"""
from __future__ import annotations

import re

from ... import preferred, probes
from ...models import Overlay, Tunnel
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
from .. import frr_text
from ..linux import collect as linux_collect
from ..linux import lsdb as linux_lsdb
from ..linux import parsers as linux_parsers

IKE_DOC = """Peer ID / IP                            Local ID / IP
------------                            -------------
10.0.1.2 10.0.1.2                       10.0.2.2 10.0.2.2

    State  IKEVer  Encrypt      Hash          D-H Group      NAT-T  A-Time  L-Time
    -----  ------  -------      ----          ---------      -----  ------  ------
    up     IKEv2   AES_CBC_256  HMAC_SHA1_96  MODP_2048      no     404     27650
"""
IKE_SA, IPSEC_SA, SWANCTL, SWANCTL_AFTER = ("show vpn ike sa", "show vpn ipsec sa",
                                            "sudo swanctl --list-sas --raw", "sudo swanctl -l --raw")
OSPF_NBR, OSPF_IF, ROUTES = "show ip ospf neighbor", "show ip ospf interface", "show ip route ospf"
NOT_RUNNING = ("IPsec not initialized", "IPsec process not running", "Connecting to", "ipsec is not running")
IPIP = r"\d{1,3}(?:\.\d{1,3}){3}"


def _tunnels(overlay: Overlay, device: str, site: str | None) -> list[Tunnel]:
    return overlay.tunnels_of(device, site)


def log_command(release: str) -> str:
    return ("show log vpn ipsec" if release == "1.3" else "show log ipsec") + " | tail -n 300"


def ping_command(far: str, size: int, count: int) -> str:
    return f"ping {far} size {size} do-not-fragment count {count}"


def targets(overlay: Overlay, device: str, site: str | None) -> list[tuple[str, int]]:
    return probes.df_targets(overlay, device, _tunnels(overlay, device, site))


FRR6 = tuple(f"vtysh -c '{c}'" for c in ("show ipv6 ospf6 neighbor json", "show ipv6 ospf6 interface json",
                                          "show ipv6 route json"))


# redundant hubs (issue 23): FRR's router LSAs as JSON, read as the Linux collector reads them (its
# lsdb.parse_router_lsdb), through vtysh like the OSPFv3 reads above
LSDB = "vtysh -c 'show ip ospf database router json'"


def targets6(overlay: Overlay, device: str, site: str | None) -> list[tuple[str, int]]:
    """IPv6 DF targets with a global far address (a link-local one needs an interface: not probed)."""
    return [(far, size) for far, size in probes.df_targets6(overlay, device, _tunnels(overlay, device, site))
            if "%" not in far]


def _six(overlay: Overlay, device: str, site: str | None) -> bool:
    return any("ipv6" in t.families for t in _tunnels(overlay, device, site))


def commands(overlay: Overlay, device: str, site: str | None, release: str) -> list[list[str]]:
    ts = _tunnels(overlay, device, site)
    first = [f"show interfaces tunnel {t.end(device).interface}" for t in ts]
    first += [IKE_SA, IPSEC_SA, SWANCTL, OSPF_NBR, OSPF_IF, ROUTES, log_command(release)]
    first += [f"show ip route {p}" for p in sorted({str(t.end(device).peer_wan) for t in ts})]
    first += list(FRR6) if _six(overlay, device, site) else []
    first += [LSDB] if preferred.multi_hub(overlay) else []
    second = []
    for far, size in targets(overlay, device, site) + targets6(overlay, device, site):
        second += [ping_command(far, size, 2), ping_command(far, size + 1, 1)]
    second.append(SWANCTL_AFTER)
    return [first, second]


# ------------------------------------------------------------------ parsers (one command each)

def parse_interface_detail(text: str) -> dict[str, GreTunnel]:
    """``show interfaces tunnel tunN`` / ``... detail``: the ``ip addr`` form."""
    out, cur = {}, None
    for line in (text or "").splitlines():
        m = re.match(r"^(?:\d+:\s+)?(\S+?)(?:@\S+)?:\s+<([^>]*)>.*?\bmtu (\d+)", line)
        if m:
            flags = m.group(2).split(",")
            cur = out[m.group(1)] = GreTunnel(name=m.group(1), admin_up="UP" in flags,
                                              oper_up="LOWER_UP" in flags, mtu=int(m.group(3)))
            continue
        m = re.match(rf"^\s*link/gre ({IPIP}) peer ({IPIP})", line)
        if m and cur is not None:
            cur.source, cur.destination = m.group(1), m.group(2)
    return out


def parse_interfaces_table(text: str) -> list[dict]:
    """``show interfaces [tunnel]``: the ``Interface IP Address S/L Description`` table."""
    rows: list[dict] = []
    for line in (text or "").splitlines():
        if not line.strip() or line.startswith(("Codes:", "Interface", "---")):
            continue
        m = re.fullmatch(r"(\S+)\s+(\S+)\s+([uDA])/([uDA])\s*(.*?)\s*", line)
        if m:
            rows.append({"interface": m.group(1), "ip_address": [m.group(2)], "status": f"{m.group(3)}/{m.group(4)}",
                         "description": m.group(5)})
        elif rows and re.fullmatch(r"\s+(\S+)\s*", line):
            rows[-1]["ip_address"].append(line.strip())
    return rows


def _ike_state(word: str) -> str:
    return {"up": "established", "down": "down"}.get(word.lower(), word.lower())


def parse_ike_sa(text: str) -> list[IkeSa]:
    """``show vpn ike sa`` (VyOS 1.3 and 1.4+ print the same two-level table)."""
    out, peer = [], None
    for line in (text or "").splitlines():
        if not line.strip() or set(line.strip()) <= {"-", " "} or line.startswith("Peer ID"):
            continue
        if not line[0].isspace():
            words = line.split()
            peer = words[1] if len(words) >= 2 else words[0]
            continue
        words = line.split()
        if peer and words[0] not in ("State", "-----") and len(words) >= 5:
            ver = re.match(r"IKEv(\d)", words[1])
            out.append(IkeSa(peer=peer, state=_ike_state(words[0]), version=int(ver.group(1)) if ver else None,
                             proposal="/".join(words[2:5])))
    return out


ENC = re.compile(r"^(AES_GCM_16|AES_GCM_12|AES_GCM_8|AES_CBC|CHACHA20_POLY1305|3DES_CBC)_?(\d+)?")


def _proposal(text: str) -> tuple[str | None, int | None, str | None]:
    parts = text.split("/")
    m = ENC.match(parts[0])
    if not m:
        return None, None, None
    enc = linux_parsers.ENCR.get(m.group(1))
    integ = next((linux_parsers.INTEG[p] for p in parts[1:] if p in linux_parsers.INTEG), None)
    return enc, int(m.group(2)) if m.group(2) else (256 if enc == "chacha20-poly1305" else None), integ


def _count(v: str) -> int:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([KMGT]?)", v.strip())
    if not m:
        return 0
    return int(float(m.group(1)) * {"": 1, "K": 10**3, "M": 10**6, "G": 10**9, "T": 10**12}[m.group(2)])


def parse_ipsec_sa(text: str) -> list[ChildSa]:
    """``show vpn ipsec sa``: one row per child SA (state up/down; packets rounded by VyOS)."""
    out = []
    for line in (text or "").splitlines():
        if line.startswith(("Connection", "---")) or not line.strip():
            continue
        cols = re.split(r"\s{2,}", line.strip())
        if len(cols) < 8:
            continue
        name, state, _up, _bytes, packets, remote, _rid, proposal = cols[:8]
        pin, _, pout = packets.partition("/")
        enc, size, integ = _proposal(proposal)
        out.append(ChildSa(peer=remote, name=name, state="installed" if state == "up" else state,
                           encryption=enc, key_size=size, integrity=integ,
                           packets_in=_count(pin), packets_out=_count(pout)))
    return out


def ike_daemon_up(text: str) -> bool:
    return not any(s.lower() in (text or "").lower() for s in NOT_RUNNING)


def parse_command(command: str, output: str) -> DeviceState:
    """The partial state one command shows (``grectl parse vyos "COMMAND" FILE``)."""
    c = " ".join(command.split())
    if c.startswith("show interfaces tunnel tun") or c in ("show interfaces tunnel detail",):
        return DeviceState(gre=parse_interface_detail(output))
    if c in ("show interfaces", "show interfaces tunnel"):
        return DeviceState(gre={r["interface"]: GreTunnel(name=r["interface"], admin_up=r["status"][0] != "A",
                                                          oper_up=r["status"] == "u/u")
                                for r in parse_interfaces_table(output)})
    if c == IKE_SA:
        return DeviceState(ike_sas=parse_ike_sa(output), daemons={"ike": ike_daemon_up(output)})
    if c == IPSEC_SA:
        return DeviceState(child_sas=parse_ipsec_sa(output))
    if c in (SWANCTL, SWANCTL_AFTER):
        sas = linux_parsers.parse_vici_raw(output)
        return DeviceState(child_sas=linux_collect._child_sas(sas))
    if c == OSPF_NBR:
        return DeviceState(ospf_neighbors=[OspfNeighbor(**n) for n in frr_text.parse_ospf_neighbors(output)])
    if c == OSPF_IF:
        return DeviceState(ospf_interfaces={k: OspfInterface(name=k, **v)
                                            for k, v in frr_text.parse_ospf_interfaces(output).items()})
    if c.startswith("show ip route ") and re.fullmatch(IPIP, c.split()[-1]):
        r = frr_text.parse_route_lookup(output)
        return DeviceState(route_lookups={c.split()[-1]: RouteLookup(interface=r.get("dev"), gateway=r.get("gateway"),
                                                                     error=r.get("error"))})
    if c in ("show ip route", ROUTES):
        return DeviceState(routes=_routes(output))
    if c.startswith(("show log ipsec", "show log vpn ipsec")):
        # connections (not addresses: the log names them) whose latest event is an auth failure
        names = sorted(set(re.findall(r"<([^|>]+)\|", output or "")))
        return DeviceState(auth_failed=linux_parsers.auth_failed(output, {n: f"<{n}|" for n in names}))
    if c.startswith("ping "):
        m = re.search(r"size (\d+)", c)
        r = linux_parsers.parse_ping(output, 0)
        far = c.split()[1]
        return DeviceState(probes={far: {"probe": DfProbe(size=int(m.group(1)) if m else 0, sent=r["sent"],
                                                         received=r["received"], error=r["error"], mtu=r["mtu"])}})
    raise NotImplementedError(f"platform vyos has no parser for {command!r}")


COMMANDS = ["show interfaces tunnel tunN", "show interfaces tunnel", "show interfaces", IKE_SA, IPSEC_SA, SWANCTL,
            OSPF_NBR, OSPF_IF, ROUTES, "show ip route A.B.C.D", "ping A size N do-not-fragment count C", LSDB]


def _routes(text: str) -> dict[str, list[Route]]:
    return {p: [Route(protocol=e["protocol"], selected=e["selected"],
                      nexthops=[NextHop(ip=n["ip"], interface=n["interface"]) for n in e["nexthops"]])
                for e in es] for p, es in frr_text.parse_routes(text).items()}


def parse(overlay: Overlay, device: str, site: str | None, outputs: dict[str, str], release: str) -> DeviceState:
    ts = _tunnels(overlay, device, site)
    gre: dict[str, GreTunnel] = {}
    for t in ts:
        name = t.end(device).interface
        gre.update({k: v for k, v in parse_interface_detail(outputs.get(f"show interfaces tunnel {name}", "")).items()
                    if k == name})
    raw = linux_parsers.parse_vici_raw(outputs.get(SWANCTL, ""))
    ike_text = outputs.get(IKE_SA, "")
    ike = parse_ike_sa(ike_text)
    if not ike and raw:
        ike = [IkeSa(peer=sa.get("remote-host", ""), state=sa.get("state", "unknown"), name=sa.get("name"),
                     version=int(sa["version"]) if str(sa.get("version", "")).isdigit() else None) for sa in raw]
    children = linux_collect._child_sas(raw) if raw else parse_ipsec_sa(outputs.get(IPSEC_SA, ""))
    after = linux_collect._child_sas(linux_parsers.parse_vici_raw(outputs.get(SWANCTL_AFTER, "")))
    by_peer = {t.end(device).peer: str(t.end(device).peer_wan) for t in ts}
    conns = {**{f"grectl-{p}": w for p, w in by_peer.items()}, **{f"peer-{w}-tunnel-1": w for w in by_peer.values()}}
    failed = linux_parsers.auth_failed(outputs.get(log_command(release), ""), conns)
    lookups = {}
    for wan in sorted(set(by_peer.values())):
        r = frr_text.parse_route_lookup(outputs.get(f"show ip route {wan}", ""))
        lookups[wan] = RouteLookup(interface=r.get("dev"), gateway=r.get("gateway"), error=r.get("error"))
    return DeviceState(
        **_state6(overlay, device, site, outputs), probes=_probes(targets(overlay, device, site), outputs),
        gre=gre, ike_sas=ike, child_sas=children, child_sas_after=after,
        ospf_neighbors=[OspfNeighbor(**n) for n in frr_text.parse_ospf_neighbors(outputs.get(OSPF_NBR, ""))],
        ospf_interfaces={k: OspfInterface(name=k, **v)
                         for k, v in frr_text.parse_ospf_interfaces(outputs.get(OSPF_IF, "")).items()},
        routes=_routes(outputs.get(ROUTES, "")), route_lookups=lookups,
        daemons={"ike": ike_daemon_up(ike_text)},
        auth_failed=sorted({conns[p] for p in failed}),
        ospf_lsdb=linux_lsdb.parse_router_lsdb(outputs[LSDB]) if LSDB in outputs else {})


def _probes(targets: list[tuple[str, int]], outputs: dict[str, str]) -> dict[str, dict[str, DfProbe]]:
    out = {}
    for far, size in targets:
        out[far] = {}
        for which, n, count in (("max", size, 2), ("over", size + 1, 1)):
            r = linux_parsers.parse_ping(outputs.get(ping_command(far, n, count), ""), 0)
            out[far][which] = DfProbe(size=n, sent=r["sent"], received=r["received"], error=r["error"], mtu=r["mtu"])
    return out


def _state6(overlay: Overlay, device: str, site: str | None, outputs: dict[str, str]) -> dict:
    """The IPv6 facts (FRR's JSON, read as the Linux collector reads it); none without dual-stack tunnels."""
    if not _six(overlay, device, site):
        return {}
    import json
    nbr, ifaces, routes = linux_parsers.frr6_documents("\n".join(outputs.get(c, "") for c in FRR6))
    return dict(
        ospf6_neighbors=[OspfNeighbor(**n) for n in linux_parsers.parse_ospf6_neighbors(json.dumps(nbr))],
        ospf6_interfaces={k: linux_collect._interface(k, v)
                          for k, v in linux_parsers.parse_ospf6_interfaces(json.dumps(ifaces)).items()},
        routes6={p: [Route(protocol=e["protocol"] or "unknown", selected=e["selected"],
                           nexthops=[NextHop(ip=n["ip"], interface=n["interface"]) for n in e["nexthops"]])
                     for e in es] for p, es in linux_parsers.parse_routes(json.dumps(routes)).items()},
        probes6=_probes(targets6(overlay, device, site), outputs))
