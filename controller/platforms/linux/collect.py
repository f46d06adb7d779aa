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
    """The state reads, few processes (each spawn is costly on small routers and under UML).
    The IKE log is read only when a peer has no established IKE SA (it serves only to tell an
    authentication failure from other reasons); the check runs in the shell, no process."""
    peers = " ".join(shlex.quote(p) for p in peers_wan)
    s = [f"echo '{MARK}gre'; ip -d -j link show type gre",
         # swanctl answers only if this router's own charon is up on its vici socket
         "sas=$(swanctl --list-sas --raw 2>/dev/null); rc=$?",
         f"echo '{MARK}sas'; printf '%s\\n' \"$sas\"; echo \"{MARK}charon $rc\"",
         'up=" "',
         'while IFS= read -r l; do case "$l" in *" state=ESTABLISHED "*) r=${l#* remote-host=}; '
         'up="$up${r%% *} ";; esac; done <<EOF\n$sas\nEOF',
         f"for p in {peers}; do case \"$up\" in *\" $p \"*) ;; *) "
         f"echo '{MARK}ikelog'; for f in {LOGS}; do [ -r $f ] && tail -n 500 $f; done 2>/dev/null "
         f"| grep -E '{parsers.AUTH_FAIL}|established'; break;; esac; done",
         f"echo '{MARK}frr'; vtysh -c 'show ip ospf neighbor json' -c 'show ip ospf interface json' "
         f"-c 'show ip route json'"]
    if peers_wan:
        batch = "\n".join(f"route get {p}" for p in peers_wan)
        s.append(f"echo '{MARK}rg'; ip -force -j -batch - 2>&1 <<EOF\n{batch}\nEOF")
    return "\n".join(s) + "\n"


def ping_script(targets: list[tuple[str, int]], tmp: str = "/run") -> str:
    """(far address, max payload): both DF pings of every tunnel at once, one process each (no
    subshell: a hub with 50 tunnels starts 100 processes, not 150); then the SAs again. Each
    ping's output goes to its own file, its exit status is appended after `wait` for it."""
    d = f"{shlex.quote(tmp)}/grectl-verify.$$"
    s, waits = [], []
    for i, (far, size) in enumerate(targets):
        q = shlex.quote(far)
        s.append(f"ping -n -c 3 -i 0.2 -W 3 -M do -s {size} {q} >{d}.{far}.max 2>&1 & m{i}=$!")
        s.append(f"ping -n -c 1 -W 1 -M do -s {size + 1} {q} >{d}.{far}.over 2>&1 & o{i}=$!")
        waits.append(f"wait $m{i}; echo rc=$? >>{d}.{far}.max; wait $o{i}; echo rc=$? >>{d}.{far}.over")
    s += waits
    s.append(f"for f in {d}.*; do [ -e \"$f\" ] || continue; echo \"{MARK}${{f#{d}.}}\"; "
             f"while IFS= read -r l; do echo \"$l\"; done <$f; done")
    s.append(f"echo '{MARK}sas_after'; swanctl --list-sas --raw 2>/dev/null")
    if targets:
        s.append(f"rm -f {d}.*")
    return "\n".join(s) + "\n"


def commands(overlay: Overlay, device: str, site: str | None) -> list[list[str]]:
    """One round trip: the state, then the DF pings, then the SAs again (their counters moved)."""
    return [[state_script(_peers_wan(overlay, device, site)) + ping_script(_targets(overlay, device, site))]]


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
    sec = sec2 = parsers.parse_sections("\n".join(outputs.values()))
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
