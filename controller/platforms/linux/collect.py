"""What verify runs on a Linux router: two shell scripts (one SSH round trip each), and the
parse of their output into a ``DeviceState``. Pure: text in, text or state out."""
from __future__ import annotations

import json
import shlex

from ...models import Overlay, Tunnel
from ...state import (ChildSa, DeviceState, DfProbe, GreTunnel, IkeSa, NextHop, OspfInterface,
                      OspfNeighbor, Route, RouteLookup)
from . import parsers

MARK = parsers.MARK
LOGS = "/run/charon.log /var/log/charon.log /var/log/syslog"


def _tunnels(overlay: Overlay, device: str, site: str | None) -> list[Tunnel]:
    return overlay.tunnels_of(device, site)


def _peers_wan(overlay: Overlay, device: str, site: str | None) -> list[str]:
    return sorted({str(t.end(device).peer_wan) for t in _tunnels(overlay, device, site)})


def _targets(overlay: Overlay, device: str, site: str | None) -> list[tuple[str, int]]:
    """(far tunnel address, largest DF payload) per tunnel."""
    return [(str(t.end(t.site if device == t.hub else t.hub).address.ip), overlay.tunnel_mtu(t) - 28)
            for t in _tunnels(overlay, device, site)]


def state_script(peers_wan: list[str]) -> str:
    """One round trip, few processes (each spawn is costly on small routers and under UML)."""
    s = [f"echo '{MARK}gre'; ip -d -j link show type gre",
         # swanctl answers only if this router's own charon is up on its vici socket
         f"echo '{MARK}sas'; swanctl --list-sas --raw 2>/dev/null; echo \"{MARK}charon $?\"",
         f"echo '{MARK}ikelog'; for f in {LOGS}; do [ -r $f ] && tail -n 500 $f; done 2>/dev/null "
         f"| grep -E '{parsers.AUTH_FAIL}|established'",
         f"echo '{MARK}frr'; vtysh -c 'show ip ospf neighbor json' -c 'show ip ospf interface json' "
         f"-c 'show ip route json'"]
    if peers_wan:
        batch = "\\n".join(f"route get {p}" for p in peers_wan)
        s.append(f"echo '{MARK}rg'; printf '{batch}\\n' | ip -force -j -batch - 2>&1")
    return "\n".join(s) + "\n"


def ping_script(targets: list[tuple[str, int]]) -> str:
    """(far address, max payload): both DF pings per tunnel, tunnels in parallel; then the SAs again."""
    s = ["d=$(mktemp -d /run/grectl-verify.XXXXXX)"]
    for far, size in targets:
        q = shlex.quote(far)
        s.append(f"( ping -n -c 3 -i 0.2 -W 3 -M do -s {size} {q} >$d/{far}.max 2>&1; echo rc=$? >>$d/{far}.max;"
                 f" ping -n -c 1 -W 1 -M do -s {size + 1} {q} >$d/{far}.over 2>&1; echo rc=$? >>$d/{far}.over ) &")
    s.append("wait")
    s.append(f"for f in $d/*; do echo \"{MARK}${{f##*/}}\"; while IFS= read -r l; do echo \"$l\"; done <$f; done")
    s.append(f"echo '{MARK}sas_after'; swanctl --list-sas --raw 2>/dev/null")
    s.append("rm -rf $d")
    return "\n".join(s) + "\n"


def commands(overlay: Overlay, device: str, site: str | None) -> list[list[str]]:
    return [[state_script(_peers_wan(overlay, device, site))],
            [ping_script(_targets(overlay, device, site))]]


def _child_sas(sas: list[dict]) -> list[ChildSa]:
    out = []
    for sa in sas:
        for c in sa.get("child-sas", {}).values():
            integ = c.get("integ-alg")
            out.append(ChildSa(
                peer=sa.get("remote-host", ""), name=c.get("name"), state=c.get("state", "unknown"),
                mode=c.get("mode"), protocol=c.get("protocol", "esp"),
                encryption=parsers.ENCR.get(c.get("encr-alg", ""), (c.get("encr-alg") or "").lower() or None),
                key_size=int(c["encr-keysize"]) if str(c.get("encr-keysize", "")).isdigit() else None,
                integrity=parsers.INTEG.get(integ, integ.lower()) if integ else None,
                packets_in=int(c.get("packets-in", 0) or 0), packets_out=int(c.get("packets-out", 0) or 0)))
    return out


def parse(overlay: Overlay, device: str, site: str | None, outputs: dict[str, str]) -> DeviceState:
    tunnels = _tunnels(overlay, device, site)
    peers = _peers_wan(overlay, device, site)
    state_out, ping_out = (list(outputs.values()) + ["", ""])[:2]
    sec, sec2 = parsers.parse_sections(state_out), parsers.parse_sections(ping_out)
    charon = next((k for k in sec if k.startswith("charon ")), "charon 1")
    nbr, ospfif, routes = parsers.frr_documents(sec.get("frr", ""))
    rg = parsers.route_gets(peers, parsers.json_documents(sec.get("rg", "")), sec.get("rg", ""))
    sas = parsers.parse_vici_raw(sec.get("sas", ""))
    by_name = {t.end(device).peer: str(t.end(device).peer_wan) for t in tunnels}
    failed = parsers.auth_failed(sec.get("ikelog", ""), by_name)
    probes = {}
    for far, _size in _targets(overlay, device, site):
        probes[far] = {}
        for which in ("max", "over"):
            r = parsers.parse_ping_result(sec2.get(f"{far}.{which}", ""))
            size = next(s for f, s in _targets(overlay, device, site) if f == far) + (which == "over")
            probes[far][which] = DfProbe(size=size, sent=r["sent"], received=r["received"], error=r["error"],
                                         mtu=r["mtu"])
    return DeviceState(
        gre={n: GreTunnel(name=n, admin_up=g["admin_up"], oper_up=g["lower_up"], source=g["local"],
                          destination=g["remote"], mtu=g["mtu"], key=int(g["key"]) if g.get("key") else None)
             for n, g in parsers.parse_gre_links(sec.get("gre", "")).items()},
        ike_sas=[IkeSa(peer=sa.get("remote-host", ""), state=sa.get("state", "unknown"), name=sa.get("name"),
                       version=int(sa["version"]) if str(sa.get("version", "")).isdigit() else None)
                 for sa in sas],
        child_sas=_child_sas(sas),
        child_sas_after=_child_sas(parsers.parse_vici_raw(sec2.get("sas_after", ""))),
        ospf_neighbors=[OspfNeighbor(**n) for n in parsers.parse_ospf_neighbors(json.dumps(nbr))],
        ospf_interfaces={k: OspfInterface(name=k, area=v["area"], hello=v["hello"], dead=v["dead"],
                                          network_type=parsers.NETWORK_TYPES.get(v["network_type"],
                                                                                 v["network_type"]),
                                          mtu=v["mtu"], passive=v["passive"], up=v["up"])
                         for k, v in parsers.parse_ospf_interfaces(json.dumps(ospfif)).items()},
        routes={p: [Route(protocol=e["protocol"] or "unknown", selected=e["selected"],
                          nexthops=[NextHop(ip=n["ip"], interface=n["interface"]) for n in e["nexthops"]])
                    for e in es] for p, es in parsers.parse_routes(json.dumps(routes)).items()},
        route_lookups={p: RouteLookup(interface=r.get("dev"), gateway=r.get("gateway"), error=r.get("error"))
                       for p, r in rg.items()},
        probes=probes,
        daemons={"ike": charon == "charon 0"},
        auth_failed=sorted(by_name[p] for p in failed if p in by_name))
