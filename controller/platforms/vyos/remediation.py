"""From VyOS's running configuration (``show configuration commands``: one ``set`` line per leaf)
to the intended grectl objects: ordered ``delete`` and ``set`` commands, and the commit-confirm
session plan. Pure.

grectl owns, and only ever deletes under:
- tunnel interfaces it renders, and any ``interfaces tunnel tunN`` whose description starts ``grectl``;
- ``vpn ipsec ike-group grectl``, ``esp-group grectl``, ``authentication psk grectl-*``, site-to-site
  peers named ``grectl-*`` (1.4+) or described ``grectl...`` (1.3 names peers by address);
- OSPF: ``interface tunN`` / ``passive-interface-exclude tunN`` of those tunnels, and ``area A
  network P`` for P the subnet of one of those tunnels;
- OSPFv3 (dual-stack, issue 22): every ``protocols ospfv3 interface X`` (OSPFv3 is the overlay's own
  IGP for IPv6: its tunnels and IPv6 LANs), so a LAN that goes back to IPv4 only leaves OSPFv3.
Shared leaves it sets (``vpn ipsec interface``, OSPF router-id, ``passive-interface default``, LAN
networks) are set, never deleted. A ``--site`` piece (``full=False``) deletes only inside objects the
piece renders.

Why not hier_config's VyOS driver (``Platform.VYOS``, 3.7.1), measured on the doctest below: it
diffs leaf by leaf, so it sends ``delete interfaces tunnel tun1 mtu '1442'`` before setting the new
MTU (a ``set`` of a single-value leaf already replaces it: one more line in a commit-confirm
session) and removes a tunnel leaf by leaf (``delete interfaces tunnel tun2 description ...``)
where grectl deletes the whole ``tunnel tun2`` node it owns; the ownership rules below are the
larger half either way, so the diff of leaves stays these few lines.

>>> run = "set interfaces tunnel tun1 mtu '1442'\\nset interfaces tunnel tun2 description 'grectl: x'"
>>> remediation(run, "set interfaces tunnel tun1 mtu '1400'", full=True)
['delete interfaces tunnel tun2', "set interfaces tunnel tun1 mtu '1400'"]
"""
from __future__ import annotations

import ipaddress
import math
import shlex

MULTI = {"address", "id", "interface", "network", "passive-interface-exclude"}   # multi-valued leaves we use
OBJECT_DEPTH = {("interfaces", "tunnel"): 3, ("vpn", "ipsec", "ike-group"): 4, ("vpn", "ipsec", "esp-group"): 4,
                ("vpn", "ipsec", "authentication", "psk"): 5, ("vpn", "ipsec", "site-to-site", "peer"): 5,
                ("protocols", "ospf", "interface"): 4, ("protocols", "ospfv3", "interface"): 4}


def words(line: str) -> tuple[str, ...] | None:
    try:
        w = shlex.split(line)
    except ValueError:
        return None
    return tuple(w[1:]) if w and w[0] == "set" else None


def quote(ws: tuple[str, ...], verb: str = "set") -> str:
    """VyOS's own form: the leaf value single-quoted (as ``show configuration commands`` prints it),
    a ``'`` inside shell-quoted so vbash reads the value back exactly; node names bare. A ``delete``
    names a value bare when it is a plain word, shell-quoted otherwise (a value read from the
    running config never splits the line or reaches the shell).

    >>> print(quote(("interfaces", "tunnel", "tun1", "description", "it's")))
    set interfaces tunnel tun1 description 'it'"'"'s'
    >>> quote(("protocols", "ospf", "area", "0.0.0.0", "network", "10.0.0.0/30"), "delete")
    'delete protocols ospf area 0.0.0.0 network 10.0.0.0/30'
    >>> quote(("vpn", "ipsec", "authentication", "psk", "grectl-x", "id", "a; reboot"), "delete")
    "delete vpn ipsec authentication psk grectl-x id 'a; reboot'"
    """
    from .values import NODE_NAME, vbash_quote
    if not ws:
        return verb
    words = [w if NODE_NAME.fullmatch(w) else vbash_quote(w) for w in ws]
    if verb == "set" and _has_value(ws):
        words[-1] = vbash_quote(ws[-1])
    return f"{verb} {' '.join(words)}"


_VALUELESS = {("passive", "disable"), ("disable-mobike",), ("force-udp-encapsulation",),
              ("no-default-link-local",)}


def _has_value(ws: tuple[str, ...]) -> bool:
    if ws[:3] == ("protocols", "ospfv3", "interface") and ws[-1] == "passive" and len(ws) == 5:
        return False  # OSPFv3's valueless passive leaf
    return not any(ws[-len(v):] == v for v in _VALUELESS)


def _root(ws: tuple[str, ...]) -> tuple[str, ...] | None:
    for prefix, depth in OBJECT_DEPTH.items():
        if ws[:len(prefix)] == prefix and len(ws) >= depth:
            return ws[:depth]
    return None


def _owned_roots(running: list[tuple], intended: list[tuple]) -> set[tuple]:
    roots = {r for r in (_root(w) for w in intended) if r}
    for w in running:
        r = _root(w)
        if r is None:
            continue
        name = r[-1]
        if r[:3] in (("vpn", "ipsec", "ike-group"), ("vpn", "ipsec", "esp-group")) and name == "grectl":
            roots.add(r)
        elif r[:4] in (("vpn", "ipsec", "authentication", "psk"), ("vpn", "ipsec", "site-to-site", "peer")) \
                and name.startswith("grectl-"):
            roots.add(r)
        elif r[:3] == ("protocols", "ospfv3", "interface"):
            roots.add(r)  # OSPFv3 runs only on grectl's tunnels and IPv6 LANs: a LAN's goes with it
        elif "description" in w and len(w) > len(r) and w[len(r)] == "description" and w[-1].startswith("grectl"):
            roots.add(r)
    tunnels = {r[2] for r in roots if r[:2] == ("interfaces", "tunnel")}
    roots |= {("protocols", "ospf", "interface", t) for t in tunnels}
    return roots


def remediation(running: str, intended: str, full: bool = True) -> list[str]:
    """Ordered commands: deletes (whole objects first, then stale values), then sets."""
    run = [w for w in (words(x) for x in running.splitlines()) if w]
    want = [w for w in (words(x) for x in intended.splitlines()) if w]
    roots = _owned_roots(run, want)
    if not full:
        present = {r for r in (_root(w) for w in want) if r}
        roots &= present | {("protocols", "ospf", "interface", r[2]) for r in present if r[0] == "interfaces"}
    tunnels = {r[2] for r in roots if r[:2] == ("interfaces", "tunnel")}
    subnets = _tunnel_subnets(run + want, tunnels)
    deletes = _deletes(run, want, roots, tunnels, subnets)
    sets = [quote(w) for w in want if w not in set(run)]
    return deletes + sets


def _tunnel_subnets(lines: list[tuple], tunnels: set[str]) -> set:
    """The tunnel subnets of owned tunnel interfaces, as they run or are intended."""
    subnets = set()
    for w in lines:
        if w[:2] == ("interfaces", "tunnel") and len(w) == 5 and w[2] in tunnels and w[3] == "address":
            try:
                subnets.add(ipaddress.ip_interface(w[4]).network)
            except ValueError:
                pass
    return subnets


def _line_owned(w: tuple, roots: set[tuple], tunnels: set[str], subnets: set) -> bool:
    owned = _root(w) in roots
    if w[:3] == ("protocols", "ospf", "passive-interface-exclude") and len(w) == 4 and w[3] in tunnels:
        owned = True
    if w[:3] == ("protocols", "ospf", "area") and len(w) == 6 and w[4] == "network":
        try:
            owned = ipaddress.ip_network(w[5]) in subnets
        except ValueError:
            owned = False
    return owned


def _deletes(run: list[tuple], want: list[tuple], roots: set[tuple], tunnels: set[str], subnets: set) -> list[str]:
    want_set = set(want)
    want_paths = {w[:-1] for w in want}
    deletes: list[str] = []
    seen_roots: set[tuple] = set()
    for w in run:
        if w in want_set or not _line_owned(w, roots, tunnels, subnets):
            continue
        r = _root(w)
        if r is not None and not any(x[:len(r)] == r for x in want):
            if r not in seen_roots:
                seen_roots.add(r)
                deletes.append("delete " + " ".join(r))
            continue
        if w[:-1] in want_paths and w[-2] not in MULTI and _has_value(w):
            continue  # a single-valued leaf the set below overwrites
        deletes.append(quote(w, "delete"))
    return deletes


def minutes(seconds: int) -> int:
    """VyOS's commit-confirm counts minutes: round the timeout up, at least 1."""
    return max(1, math.ceil(seconds / 60))


def deploy_plan(commands: list[str], confirm_timeout: int) -> dict[str, list[str]]:
    """The sessions of one change with netmiko's ``vyos`` device type: ``apply`` on the first session
    (configure, the remediation, commit-confirm N, leave), ``confirm`` on a fresh session opened
    after the controller reached the router again, ``abort`` when anything in ``apply`` failed before
    the commit. Without ``confirm`` in N minutes VyOS restores the previous configuration (1.4: by a
    reboot into the saved config; 1.5 can be told ``commit-confirm action rollback``)."""
    if not commands:
        return {"apply": [], "confirm": [], "abort": []}
    return {"apply": ["configure", *commands, "compare", f"commit-confirm {minutes(confirm_timeout)}", "exit"],
            "confirm": ["configure", "confirm", "save", "exit"],
            "abort": ["discard", "exit discard"]}
