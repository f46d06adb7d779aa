"""From Comware's ``display current-configuration`` to grectl's intended objects: ordered
system-view commands, ``undo`` for what is no longer intended, never a replace. Pure.

A small engine rather than hier_config: the installed hier_config has only a Comware 5 driver
(``Platform.HP_COMWARE5``), which knows neither IKEv2 keychain sub-views (``peer``) nor
``interface Tunnel<n> mode gre``; grectl's ownership filter is the bigger half either way.

grectl owns: ``ipsec transform-set grectl``, ``ikev2 proposal grectl``, ``ikev2 policy grectl``,
``acl advanced name grectl-*``, ``ikev2 keychain grectl-*``, ``ikev2 profile grectl-*``,
``ipsec policy grectl <seq> isakmp``, tunnel interfaces it renders or whose description starts
``grectl``; on any other interface only the line ``ipsec apply policy grectl``; under ``ospf`` only
the ``network`` lines of its tunnels' subnets. Shared lines (router-id, LAN networks, areas) are set,
never undone.

>>> run = "interface Tunnel2 mode gre\\n description grectl: x\\n ip address 172.16.0.5 255.255.255.252\\n#"
>>> remediation(run, "interface Tunnel1 mode gre\\n mtu 1400\\n#")
['undo interface Tunnel2', 'interface Tunnel1 mode gre', ' mtu 1400', 'quit']
"""
from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

# leaves whose value a new line replaces (no undo of the old one first)
OVERRIDE = ("description", "ip address", "mtu", "tcp mss", "ospf timer hello", "ospf timer dead",
            "ospf network-type", "source", "destination", "gre key", "encapsulation-mode", "protocol",
            "esp encryption-algorithm", "esp authentication-algorithm", "encryption", "integrity", "prf", "dh",
            "proposal", "rule 0", "address", "identity address", "pre-shared-key", "keychain", "identity local",
            "match remote identity", "sa duration time-based", "sa duration", "transform-set", "security acl",
            "local-address", "remote-address", "ikev2-profile", "ipsec apply policy", "dpd interval",
            "ipv6 mtu", "ospf cost", "ospfv3 cost", "ospfv3 network-type", "ospfv3 timer hello", "ospfv3 timer dead",
            "router-id")
# leaves undone by their keyword alone
UNDO_BARE = ("description", "mtu", "tcp mss", "ospf timer hello", "ospf timer dead", "ospf network-type",
             "gre key", "ipsec apply policy", "source", "destination", "sa duration time-based", "rule 0",
             "dpd interval", "ipv6 mtu", "ospf cost", "ospfv3 cost", "ospfv3 network-type", "ospfv3 timer hello",
             "ospfv3 timer dead", "router-id")
# removal order of whole objects: bindings first, then what they reference
KINDS = (("interface Tunnel", 0), ("ipsec policy grectl ", 1), ("ikev2 profile grectl-", 2),
         ("ikev2 keychain grectl-", 3), ("acl advanced name grectl-", 4), ("ikev2 policy grectl", 5),
         ("ikev2 proposal grectl", 6), ("ipsec transform-set grectl", 7), ("ospfv3 ", 8))
APPLY = "ipsec apply policy grectl"
_LAN6 = re.compile(r"ospfv3 (\d+) area \S+")


@dataclass
class Node:
    line: str
    children: list["Node"] = field(default_factory=list)
    shared: bool = False     # a container grectl shares (WAN interface, ospf, area): never undone itself


def tree(text: str) -> list[Node]:
    """Configuration text as a tree by indentation (``#`` separators and blank lines dropped)."""
    root: list[tuple[int, Node]] = [(-1, Node(""))]
    for raw in (text or "").splitlines():
        if not raw.strip() or raw.strip() == "#":
            continue
        depth = len(raw) - len(raw.lstrip(" "))
        while root[-1][0] >= depth:
            root.pop()
        node = Node(raw.strip())
        root[-1][1].children.append(node)
        root.append((depth, node))
    return root[0][1].children


def _kind(line: str) -> int | None:
    return next((order for prefix, order in KINDS if line.startswith(prefix) or line == prefix.strip()), None)


def _head(line: str) -> str:
    """What identifies a top-level block: ``ospf 1`` for ``ospf 1 router-id ...``."""
    return " ".join(line.split()[:2]) if line.startswith("ospf ") else line


def _key(line: str) -> str | None:
    return next((k for k in sorted(OVERRIDE, key=len, reverse=True) if line == k or line.startswith(k + " ")), None)


def _same(a: str, b: str) -> bool:
    # Comware prints a configured key as ``pre-shared-key ciphertext $c$3$...``, never as written
    if a.startswith("pre-shared-key") and b.startswith("pre-shared-key"):
        return True
    if a.startswith("ipv6 address ") and b.startswith("ipv6 address "):
        return a.lower() == b.lower()     # IPv6 is printed in one case, written in another
    return a == b


def _undo(node: Node) -> str:
    line = node.line
    if line.startswith("interface "):
        return "undo " + " ".join(line.split()[:2])              # undo interface Tunnel7 (no mode)
    if line.startswith("ipsec policy "):
        return "undo " + " ".join(line.split()[:4])              # undo ipsec policy grectl 7
    k = _key(line)
    return f"undo {k}" if k in UNDO_BARE else f"undo {line}"


def _subnet(node: Node):
    for c in node.children:
        m = re.fullmatch(r"ip address (\S+) (\S+)", c.line)
        if m:
            return ipaddress.ip_interface(f"{m.group(1)}/{m.group(2)}").network
    return None


def _network(line: str):
    m = re.fullmatch(r"network (\S+) (\S+)", line)
    return ipaddress.ip_network(f"{m.group(1)}/{m.group(2)}", strict=False) if m else None


def owned(running: list[Node], intended: list[Node]) -> list[Node]:
    """The part of ``running`` grectl owns (containers it shares keep only its own lines)."""
    want_heads = {_head(n.line) for n in intended}
    # the OSPFv3 process grectl owns has its OSPF process's number: the intent's, or with nothing
    # intended (the driver's read of grectl's part) those of the OSPF processes running
    heads = want_heads if intended else {_head(n.line) for n in running}
    procs = {h.split()[1] for h in heads if h.split()[:1] == ["ospf"] and len(h.split()) > 1}
    tunnels = [n for n in running if n.line.startswith("interface Tunnel") and (
        n.line in want_heads or any(c.line.startswith("description grectl") for c in n.children))]
    nets = {_subnet(n) for n in tunnels + [n for n in intended if n.line.startswith("interface Tunnel")]} - {None}
    out = []
    for n in running:
        k = _kind(n.line)
        if k == 0:
            if n in tunnels:
                out.append(n)
        elif k == 8:    # the intent's OSPFv3 process (the OSPF one's number): goes with the last IPv6 LAN
            if n.line.split()[1:2] and n.line.split()[1] in procs:
                out.append(n)
        elif k is not None:
            out.append(n)
        elif n.line.startswith("interface "):
            # someone's interface: grectl's policy binding and its OSPFv3 line (an IPv6 LAN)
            mine = [c for c in n.children if c.line == APPLY or (
                (m := _LAN6.fullmatch(c.line)) and m.group(1) in procs)]
            if mine or n.line in want_heads:
                out.append(Node(n.line, mine, shared=True))
        elif n.line.startswith("ospf "):
            # every line is seen (so an intended LAN network already there is not re-sent); only
            # the tunnels' network lines may be undone
            areas = [Node(a.line, [Node(c.line, shared=_network(c.line) not in nets) for c in a.children],
                          shared=True) for a in n.children if a.line.startswith("area ")]
            out.append(Node(n.line, areas, shared=True))
    return out


def _emit(node: Node, indent: str) -> list[str]:
    out = [indent + node.line]
    for c in node.children:
        out += _emit(c, indent + " ")
    return out + ([indent + "quit"] if node.children else [])


def _diff(run: list[Node], want: list[Node], indent: str, full: bool, top: bool = False,
          shared: bool = False) -> list[str]:
    """Lines taking ``run`` to ``want``; a --site piece (not ``full``) undoes nothing outside the
    objects it renders (top level, or inside a container grectl shares)."""
    match = _head if top else (lambda s: s)
    out: list[str] = []
    want_keys = {_key(w.line) for w in want if not w.children} - {None}
    gone = [r for r in run if not any(_same(match(r.line), match(w.line)) for w in want)]
    for r in sorted(gone, key=lambda n: _kind(n.line) or 0) if top else gone:
        if r.shared:
            sub = _diff(r.children, [], indent + " ", full, shared=True)
            if sub:
                out += [indent + r.line, *sub, indent + "quit"]
        elif full or not (top or shared):
            if not r.children and _key(r.line) in want_keys:
                continue                                  # the intended line replaces it
            out.append(indent + _undo(r))
    for w in want:
        r = next((r for r in run if _same(match(r.line), match(w.line))), None)
        if r is None:
            out += _emit(w, indent)
        elif w.children or r.children:
            sub = _diff(r.children, w.children, indent + " ", full, shared=r.shared)
            if sub:
                out += [indent + w.line, *sub, indent + "quit"]
    return out


def remediation(running: str, intended: str, full: bool = True) -> list[str]:
    want = tree(intended)
    out = _diff(owned(tree(running), want), want, "", full, top=True)
    last = [c for c in out if c.startswith("undo ospfv3 ")]   # after every interface's OSPFv3 line went
    return [c for c in out if c not in last] + last
