"""What verify runs on a Linux router: one shell script (one SSH round trip) in three parts: the
state before the probes, the DF probes, the SAs after them. And the parse of its output into a
``DeviceState``. Pure: text in, text or state out."""
from __future__ import annotations

import json
import shlex

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
from . import lsdb, parsers

MARK = parsers.MARK
LOGS = "/run/charon.log /var/log/charon.log /var/log/syslog"


def _tunnels(overlay: Overlay, device: str, site: str | None) -> list[Tunnel]:
    """The tunnels verify judges on ``device`` (with ``--site``, its hubs' link too: ``Overlay.scoped``)."""
    if site is None:
        return overlay.tunnels_of(device)
    return [t for t in overlay.scoped(site) if device in (t.hub, t.site)]


def _peers_wan(overlay: Overlay, device: str, site: str | None) -> list[str]:
    return sorted({str(t.end(device).peer_wan) for t in _tunnels(overlay, device, site)})


def _targets(overlay: Overlay, device: str, site: str | None) -> list[tuple[str, int]]:
    """(far tunnel address, largest DF payload) per tunnel."""
    return probes.df_targets(overlay, device, _tunnels(overlay, device, site))


def state_script(peers_wan: list[str], vty_dir: str | None = None, ipv6: bool = False, with_lsdb: bool = False) -> str:
    """The state reads before the probes, few processes (each spawn is costly on small routers and
    under UML): one ip for the GRE links and the underlay lookups, one ip for the ESP packet counters
    (the kernel's, keys hidden: no IKE daemon round trip), one vtysh for OSPF and routes. The IKE
    daemon is asked once, after the probes (``sas_script``)."""
    batch = "\n".join(["link show type gre"] + [f"route get {p}" for p in peers_wan])
    # one ip process for the GRE links and the underlay lookups (one JSON array per line)
    s = [f"echo '{MARK}ip'; ip -d -j -force -batch - 2>&1 <<EOF\n{batch}\nEOF",
         f"echo '{MARK}xfrm'; ip -s xfrm state list nokeys 2>&1",
         f"echo '{MARK}frr'; {frr_read(vty_dir or VTY_DIR, FRR_SHOW_LSDB if with_lsdb else None)}"]
    if ipv6:  # a router with dual-stack tunnels: the OSPFv3 and IPv6 route reads, a section of their own
        s.append(f"echo '{MARK}frr6'; {frr_read(vty_dir or VTY_DIR, FRR_SHOW6_LSDB if with_lsdb else FRR_SHOW6)}")
    return "\n".join(s) + "\n"


VTY_DIR = "/var/run/frr"
FRR_SHOW = {"ospfd": ("show ip ospf neighbor json", "show ip ospf interface json"), "zebra": ("show ip route json",)}
# with redundant hubs (issue 23) ospfd's router LSAs too: verify proves the backup path from them
FRR_SHOW_LSDB = {**FRR_SHOW, "ospfd": FRR_SHOW["ospfd"] + (lsdb.SHOW,)}
FRR_SHOW6 = {"ospf6d": ("show ipv6 ospf6 neighbor json", "show ipv6 ospf6 interface json"),
             "zebra": ("show ipv6 route json",)}
FRR_SHOW6_LSDB = {**FRR_SHOW6, "ospf6d": FRR_SHOW6["ospf6d"] + lsdb.SHOW6}


# A vty client in perl-base (essential on Debian): per daemon socket, each command is sent with
# its NUL and answered in full (to the three NULs and the status byte) before the next; the
# connection is closed only then. (nc -N half-closes at once, and the daemon drops an answer it
# has not finished writing when it sees the end of input: a long route table came back cut.)
# An answer with a status other than 0 (success) ends the script with 3. No Socket module: loading
# it (XS) doubled perl's start-up on a lab router (0.34 s of CPU against 0.19 s under load); the
# socket is opened with Linux's numbers (AF_UNIX 1, SOCK_STREAM 1, sockaddr_un = family + path).
# Where SOCK_STREAM is another number (MIPS: 2) the connect fails and vtysh answers.
VTY_CLIENT = (
    "for (@ARGV) { my ($p, @c) = split /[|]/; my $s; socket($s, 1, 1, 0) "
    "&& connect($s, pack(q(S Z*), 1, $p)) or exit 1; for my $c (@c) { syswrite($s, qq($c\\0)) or exit 1; "
    "my $b = q(); while (length($b) < 4 or substr($b, -4, 3) ne qq(\\0\\0\\0)) "
    "{ sysread($s, $b, 65536, length $b) or exit 1 } ord(substr($b, -1)) and exit 3; "
    "print substr($b, 0, -4), qq(\\n) } close $s }")


def frr_read(vty_dir: str = VTY_DIR, show: dict | None = None) -> str:
    """The FRR reads: straight from the daemons' vty sockets, in the protocol vtysh itself speaks
    to them, else vtysh. vtysh builds its whole command tree before it asks anything: about 0.25 s
    of CPU on a small router or under UML, several times what the small client costs. Without perl
    or the sockets, or on any error, vtysh answers; should the client fail after printing a part,
    vtysh's answer follows and, read by shape, the last document of each kind wins."""
    show = FRR_SHOW if show is None else show
    args = " ".join(shlex.quote("|".join((f"{vty_dir}/{d}.vty",) + cmds)) for d, cmds in show.items())
    vtysh = "vtysh " + " ".join(f"-c '{c}'" for cmds in show.values() for c in cmds)
    return f"perl -e '{VTY_CLIENT}' {args} 2>/dev/null || {vtysh}"


def sas_script(peers_wan: list[str]) -> str:
    """The IKE and ESP SAs after the probes (their counters moved). swanctl answers only if this
    router's own charon is up on its vici socket. The IKE log is read only when a peer has no
    established IKE SA (it serves only to tell an authentication failure from other reasons); the
    check runs in the shell, no process."""
    peers = " ".join(shlex.quote(p) for p in peers_wan)
    s = ["sas=$(swanctl --list-sas --raw 2>/dev/null); rc=$?",
         f"echo '{MARK}sas_after'; printf '%s\\n' \"$sas\"; echo \"{MARK}charon $rc\"",
         'up=" "',
         'while IFS= read -r l; do case "$l" in *" state=ESTABLISHED "*) r=${l#* remote-host=}; '
         'up="$up${r%% *} ";; esac; done <<EOF\n$sas\nEOF',
         f"for p in {peers}; do case \"$up\" in *\" $p \"*) ;; *) "
         f"echo '{MARK}ikelog'; for f in {LOGS}; do [ -r $f ] && tail -n 500 $f; done 2>/dev/null "
         f"| grep -E '{parsers.AUTH_FAIL}|established'; break;; esac; done"]
    return "\n".join(s) + "\n"


def ping_script(targets: list[tuple[str, int]], tmp: str = "/run") -> str:
    """(far address, max payload): the DF pings.
    One byte over: iputils ping per tunnel, all at once (each waits out its timeout even when the
    kernel refuses the packet at once), each to its own file, exit status appended after `wait`.
    The largest payload: with fping, one process per payload size probes every tunnel at once
    (a hub with 50 tunnels starts 1 process, not 50; fping cannot say why a probe failed, so it
    does not serve the over probe); without fping, iputils ping like the over probe."""
    if not targets:
        return ""
    d = f"{shlex.quote(tmp)}/grectl-verify.$$"
    s = []
    for i, (far, size) in enumerate(targets):
        s.append(f"ping -n -c 1 -W 1 -M do -s {size + 1} {shlex.quote(far)} >{d}.{far}.over 2>&1 & o{i}=$!")
    by_size: dict[int, list[str]] = {}
    for far, size in targets:
        by_size.setdefault(size, []).append(shlex.quote(far))
    s.append('w=; if command -v fping >/dev/null 2>&1; then')
    for size, fars in sorted(by_size.items()):
        # a tunnel with no reply gets one iputils ping more (all at once, each to its file): it
        # names the reason fping does not print, and is one more probe for replies that came late
        s += [f"r=$(fping -M -b {size} -c 3 -p 200 -t 3000 {' '.join(fars)} 2>&1)",
              f"echo '{MARK}fping.max.{size}'; printf '%s\\n' \"$r\"",
              'while IFS= read -r l; do case "$l" in *" : xmt/rcv/%loss = "*/0/*) f=${l%% *}; '
              f'ping -n -c 1 -W 2 -M do -s {size} "$f" >"{d}.$f.maxwhy" 2>&1 & w="$w $!";; esac; done <<EOF\n$r\nEOF']
    s.append("for p in $w; do wait $p; done")
    s.append("else")
    s += [f"ping -n -c 3 -i 0.2 -W 3 -M do -s {size} {shlex.quote(far)} >{d}.{far}.max 2>&1 & m{i}=$!"
          for i, (far, size) in enumerate(targets)]
    s += [f"wait $m{i}; echo rc=$? >>{d}.{far}.max" for i, (far, _) in enumerate(targets)]
    s.append("fi")
    s += [f"wait $o{i}; echo rc=$? >>{d}.{far}.over" for i, (far, _) in enumerate(targets)]
    s.append(f"for f in {d}.*; do [ -e \"$f\" ] || continue; echo \"{MARK}${{f#{d}.}}\"; "
             f"while IFS= read -r l; do echo \"$l\"; done <$f; done")
    s.append(f"rm -f {d}.*")
    return "\n".join(s) + "\n"


def ping6_script(targets: list[tuple[str, int]], tmp: str = "/run") -> str:
    """(far IPv6 address, max payload): the IPv6 DF pings, iputils only (one byte over and the
    largest, all at once, each to its file), in sections ``6.<far>.max`` and ``6.<far>.over``."""
    if not targets:
        return ""
    d = f"{shlex.quote(tmp)}/grectl-verify6.$$"
    s = []
    for i, (far, size) in enumerate(targets):
        q = shlex.quote(far)
        s += [f"ping -6 -n -c 1 -W 1 -M do -s {size + 1} {q} >{d}.{q}.over 2>&1 & o{i}=$!",
              f"ping -6 -n -c 3 -i 0.2 -W 3 -M do -s {size} {q} >{d}.{q}.max 2>&1 & m{i}=$!"]
    for i, (far, _) in enumerate(targets):
        q = shlex.quote(far)
        s += [f"wait $o{i}; echo rc=$? >>{d}.{q}.over", f"wait $m{i}; echo rc=$? >>{d}.{q}.max"]
    s.append(f"for f in {d}.*; do [ -e \"$f\" ] || continue; echo \"{MARK}6.${{f#{d}.}}\"; "
             f"while IFS= read -r l; do echo \"$l\"; done <$f; done")
    s.append(f"rm -f {d}.*")
    return "\n".join(s) + "\n"


def _probes6(sec: dict[str, str], targets: list[tuple[str, int]]) -> dict[str, dict[str, DfProbe]]:
    out = {}
    for far, size in targets:
        out[far] = {}
        for which, n in (("max", size), ("over", size + 1)):
            r = parsers.parse_ping_result(sec.get(f"6.{far}.{which}", ""))
            out[far][which] = DfProbe(size=n, sent=r["sent"], received=r["received"], error=r["error"], mtu=r["mtu"])
    return out


def _ipv6(overlay: Overlay, device: str, site: str | None) -> bool:
    return any("ipv6" in t.families for t in _tunnels(overlay, device, site))


def _probes(sec: dict[str, str], targets: list[tuple[str, int]]) -> dict[str, dict[str, DfProbe]]:
    fping = {}  # (which, size) -> that fping run's output
    for name, text in sec.items():
        parts = name.split(".")
        if parts[0] == "fping" and len(parts) == 3 and parts[2].isdigit():
            fping[(parts[1], int(parts[2]))] = text
    probes = {}
    for far, size in targets:
        probes[far] = {}
        for which, n in (("max", size), ("over", size + 1)):
            if which == "max" and (which, n) in fping:
                r = parsers.parse_fping(fping[(which, n)], far)
                why = parsers.parse_ping(sec.get(f"{far}.maxwhy", ""), 1)
                if not r["received"] and why["error"]:  # refused locally: say so, with the MTU named
                    r = {**r, "error": why["error"], "mtu": why["mtu"]}
                elif not r["received"]:  # the explaining ping is one more probe: all fping's were late
                    r = {**r, "sent": r["sent"] + why["sent"], "received": why["received"]}
            else:
                r = parsers.parse_ping_result(sec.get(f"{far}.{which}", ""))
            probes[far][which] = DfProbe(size=n, sent=r["sent"], received=r["received"], error=r["error"],
                                         mtu=r["mtu"])
    return probes


def commands(overlay: Overlay, device: str, site: str | None) -> list[list[str]]:
    """One round trip: the state, then the DF pings, then the SAs (their counters moved)."""
    peers, six = _peers_wan(overlay, device, site), _ipv6(overlay, device, site)
    targets6 = probes.df_targets6(overlay, device, _tunnels(overlay, device, site)) if six else []
    state = state_script(peers, ipv6=six, with_lsdb=preferred.multi_hub(overlay))
    return [[state + ping_script(_targets(overlay, device, site)) + ping6_script(targets6) + sas_script(peers)]]


def _child_sas(sas: list[dict], before: dict[int, dict] | None = None) -> list[ChildSa]:
    """The child SAs of ``swanctl --list-sas``; with ``before`` (the kernel's counters per SPI, read
    before the probes), each SA's packet counts are those of before. An SA the before read lacks
    keeps its own counts: that its counters moved is then not proven."""
    def spi(c: dict, key: str) -> int | None:
        try:
            return int(str(c.get(key, "")), 16)
        except ValueError:
            return None

    out = []
    for sa in sas:
        for c in sa.get("child-sas", {}).values():
            integ = c.get("integ-alg")
            pin, pout = int(c.get("packets-in", 0) or 0), int(c.get("packets-out", 0) or 0)
            if before is not None:
                pin = before.get(spi(c, "spi-in"), {}).get("packets", pin)
                pout = before.get(spi(c, "spi-out"), {}).get("packets", pout)
            out.append(ChildSa(
                peer=sa.get("remote-host", ""), name=c.get("name"), state=c.get("state", "unknown"),
                mode=c.get("mode"), protocol=c.get("protocol", "esp"),
                encryption=parsers.ENCR.get(c.get("encr-alg", ""), (c.get("encr-alg") or "").lower() or None),
                key_size=int(c["encr-keysize"]) if str(c.get("encr-keysize", "")).isdigit() else None,
                integrity=parsers.INTEG.get(integ, integ.lower()) if integ else None,
                packets_in=pin, packets_out=pout))
    return out


def parse(overlay: Overlay, device: str, site: str | None, outputs: dict[str, str]) -> DeviceState:
    tunnels = _tunnels(overlay, device, site)
    peers = _peers_wan(overlay, device, site)
    sec = parsers.parse_sections("\n".join(outputs.values()))
    charon = next((k for k in sec if k.startswith("charon ")), "charon 1")
    nbr, ospfif, routes = parsers.frr_documents(sec.get("frr", ""))
    ip_docs = [d for d in parsers.json_documents(sec.get("ip", "")) if isinstance(d, list)]
    # told apart by shape: a route lookup answers objects with "dst", the link list never does
    routes_found = [d for d in ip_docs if d and isinstance(d[0], dict) and "dst" in d[0]]
    links = json.dumps(next((d for d in ip_docs if d not in routes_found), []))
    rg = parsers.route_gets(peers, routes_found, sec.get("ip", ""))
    sas = parsers.parse_vici_raw(sec.get("sas_after", ""))
    by_name = {t.end(device).peer: str(t.end(device).peer_wan) for t in tunnels}
    failed = parsers.auth_failed(sec.get("ikelog", ""), by_name)
    probes = _probes(sec, _targets(overlay, device, site))
    return DeviceState(
        gre={n: GreTunnel(name=n, admin_up=g["admin_up"], oper_up=g["lower_up"], source=g["local"],
                          destination=g["remote"], mtu=g["mtu"], key=int(g["key"]) if g.get("key") else None)
             for n, g in parsers.parse_gre_links(links).items()},
        ike_sas=[IkeSa(peer=sa.get("remote-host", ""), state=sa.get("state", "unknown"), name=sa.get("name"),
                       version=int(sa["version"]) if str(sa.get("version", "")).isdigit() else None)
                 for sa in sas],
        child_sas=_child_sas(sas, parsers.parse_xfrm_counters(sec.get("xfrm", ""))),
        child_sas_after=_child_sas(sas),
        ospf_neighbors=[OspfNeighbor(**n) for n in parsers.parse_ospf_neighbors(json.dumps(nbr))],
        ospf_interfaces={k: OspfInterface(name=k, area=v["area"], hello=v["hello"], dead=v["dead"],
                                          network_type=parsers.NETWORK_TYPES.get(v["network_type"],
                                                                                 v["network_type"]),
                                          mtu=v["mtu"], passive=v["passive"], up=v["up"], cost=v["cost"])
                         for k, v in parsers.parse_ospf_interfaces(json.dumps(ospfif)).items()},
        routes={p: [Route(protocol=e["protocol"] or "unknown", selected=e["selected"],
                          nexthops=[NextHop(ip=n["ip"], interface=n["interface"]) for n in e["nexthops"]])
                    for e in es] for p, es in parsers.parse_routes(json.dumps(routes)).items()},
        route_lookups={p: RouteLookup(interface=r.get("dev"), gateway=r.get("gateway"), error=r.get("error"))
                       for p, r in rg.items()},
        probes=probes,
        ospf_lsdb=lsdb.parse_router_lsdb(sec.get("frr", "")),
        **_state6(overlay, device, site, sec),
        daemons={"ike": charon == "charon 0"},
        auth_failed=sorted(by_name[p] for p in failed if p in by_name))


def _interface(name: str, v: dict) -> OspfInterface:
    return OspfInterface(name=name, area=v["area"], hello=v["hello"], dead=v["dead"], network_type=v["network_type"],
                         mtu=v["mtu"], passive=v["passive"], up=v["up"], cost=v["cost"])


def _state6(overlay: Overlay, device: str, site: str | None, sec: dict[str, str]) -> dict:
    """The IPv6 facts of a router with dual-stack tunnels (none otherwise: the state is as before)."""
    if not _ipv6(overlay, device, site):
        return {}
    nbr, ifaces, routes = parsers.frr6_documents(sec.get("frr6", ""))
    return dict(
        ospf6_neighbors=[OspfNeighbor(**n) for n in parsers.parse_ospf6_neighbors(json.dumps(nbr))],
        ospf6_interfaces={k: _interface(k, v) for k, v in parsers.parse_ospf6_interfaces(json.dumps(ifaces)).items()},
        routes6={p: [Route(protocol=e["protocol"] or "unknown", selected=e["selected"],
                           nexthops=[NextHop(ip=n["ip"], interface=n["interface"]) for n in e["nexthops"]])
                     for e in es] for p, es in parsers.parse_routes(json.dumps(routes)).items()},
        probes6=_probes6(sec, probes.df_targets6(overlay, device, _tunnels(overlay, device, site))),
        ospf6_lsdb=lsdb.parse_ospf6_lsdb(sec.get("frr6", "")))
