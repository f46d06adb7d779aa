"""From VRP's ``display current-configuration`` to grectl's intended objects: ordered system-view
commands with ``undo`` for what is no longer intended, computed with hier_config (v3) and its Huawei
VRP driver, the way the IOS platform does (issue 21, point 4). Pure: text in, commands out.

grectl owns: ``ipsec proposal grectl``, ``ike proposal 99``, ``ike peer grectl-*``, ``ipsec profile
grectl-*``, tunnel interfaces it renders or whose description starts ``grectl``, and under ``ospf``
the ``network`` lines of those tunnels' subnets. Shared lines (``ipsec authentication sha2
compatible enable``, OSPF router-id, LAN networks) are set, never undone.

What grectl adds to hier_config 3.7's VRP driver, and why:

1. *Idempotent commands* (:class:`Driver`): a single-valued line (``OVERRIDE``: ``mtu``, ``esp
   encryption-algorithm`` ...) changed in place is only set again: VRP overrides it, and an ``undo``
   first could drop a live SA. hier_config alone undoes the old line then sets the new one.
2. *Negation*: ``UNDO_BARE`` lines inside a block are undone by their keyword (``undo mtu``), the
   others by their whole text.
3. *Ownership filter* (:func:`_owned_running`), as for IOS: of the running config only grectl's
   objects, the blocks the intent renders, and in the OSPF process the intended lines, its areas
   and the ``network`` lines of grectl's tunnel subnets are handed to hier_config. An OSPF process
   or area grectl only takes lines out of stays a section in the target (no ``undo ospf``).
4. *Pre-normalised text*: VRP prints a key only in its own cipher form: the running
   ``pre-shared-key`` line of a block is replaced by the intended one before comparing (a key
   change alone never shows; see the README). The OSPF process is matched by ``ospf <id>`` (the
   router-id is part of VRP's header) and a block printed twice is read once (the last; OSPF
   blocks merged), where hier_config raises ``DuplicateChildError``.
5. *Text and order* (:func:`_emit`): one-space indentation and ``quit`` after each section, as VRP's
   system view takes them; whole objects undone first, bindings before what they name (``KINDS``),
   then stale OSPF networks under ``ospf <id>``, then the intended blocks in render order.

>>> run = "interface Tunnel0/0/2\\n description grectl: x\\n ip address 172.16.0.5 255.255.255.252\\n#"
>>> remediation(run, "interface Tunnel0/0/1\\n mtu 1400\\n#")
['undo interface Tunnel0/0/2', 'interface Tunnel0/0/1', ' mtu 1400', 'quit']
"""
from __future__ import annotations

import ipaddress
import re

from hier_config import HConfig, MatchRule, get_hconfig
from hier_config.models import IdempotentCommandsRule
from hier_config.platforms.huawei_vrp.driver import HConfigDriverHuaweiVrp

OVERRIDE = ("description", "ip address", "mtu", "tcp adjust-mss", "ospf timer hello", "ospf timer dead",
            "ospf network-type", "source", "destination", "gre key", "ipsec profile", "version", "pre-shared-key",
            "ike-proposal", "remote-address", "local-id-type", "encryption-algorithm", "dh",
            "authentication-algorithm", "integrity-algorithm", "prf", "sa duration", "esp authentication-algorithm",
            "esp encryption-algorithm", "encapsulation-mode", "transform", "proposal", "ike-peer", "tunnel-protocol",
            "authentication-method", "ospfv3 network-type", "ospfv3 timer hello", "ospfv3 timer dead", "router-id")
UNDO_BARE = ("description", "mtu", "tcp adjust-mss", "ospf timer hello", "ospf timer dead", "ospf network-type",
             "gre key", "ipsec profile", "ospfv3 network-type", "ospfv3 timer hello", "ospfv3 timer dead")
# removal order: bindings first (interfaces), then what they reference
KINDS = (("interface Tunnel", 0), ("ipsec profile grectl-", 1), ("ike peer grectl-", 2),
         ("ipsec proposal grectl", 3), ("ike proposal 99", 4), ("ospfv3 ", 5))
_LAN6 = re.compile(r"ospfv3 (\d+) area \S+")


def blocks(text: str) -> list[tuple[str, list[str]]]:
    """Top-level blocks: (header, children with their own indentation kept)."""
    out: list[tuple[str, list[str]]] = []
    for line in (text or "").splitlines():
        if not line.strip() or line.strip() == "#" or line.lstrip().startswith("!"):
            continue
        if not line[0].isspace():
            out.append((line.strip(), []))
        elif out:
            out[-1][1].append(line.rstrip())
    return out


def _kind(header: str) -> int | None:
    for prefix, order in KINDS:
        if header == prefix or header.startswith(prefix):
            return order
    return None


def _owned(header: str, children: list[str], intended_headers: set[str]) -> bool:
    k = _kind(header)
    if k is None:
        return False
    if k == 0:
        return header in intended_headers or any(c.strip().startswith("description grectl") for c in children)
    if k == 5:  # the intent's OSPFv3 process (same number as its OSPF one): goes with the last IPv6 LAN
        return any(h.split()[:2] == ["ospf", header.split()[1]] for h in intended_headers)
    return True


def _lan6_lines(header: str, children: list[str], intended_headers: set[str]) -> list[str]:
    """On someone's (non-tunnel) interface, grectl's lines: ``ospfv3 <the process> area A``."""
    if not header.startswith("interface ") or header.startswith("interface Tunnel"):
        return []
    procs = {h.split()[1] for h in intended_headers if h.split()[:1] == ["ospf"]}
    return [c for c in children if (m := _LAN6.fullmatch(c.strip())) and m.group(1) in procs]


def _key(line: str) -> str | None:
    s = line.strip()
    return next((k for k in sorted(OVERRIDE, key=len, reverse=True) if s == k or s.startswith(k + " ")), None)


def _subnet(children: list[str]):
    for c in children:
        m = re.match(r"\s*ip address (\S+) (\S+)", c)
        if m:
            return ipaddress.ip_interface(f"{m.group(1)}/{m.group(2)}").network
    return None


class Driver(HConfigDriverHuaweiVrp):
    """hier_config's VRP driver with grectl's rules: a single-valued line is overridden in place
    (idempotent), and an ``UNDO_BARE`` line inside a block is undone by its keyword."""

    def swap_negation(self, child):
        if child.text.startswith(self.negation_prefix):
            return super().swap_negation(child)
        k = _key(child.text) if child.depth() > 1 else None
        child.text = f"{self.negation_prefix}{k if k in UNDO_BARE else child.text}"
        return child

    @staticmethod
    def _instantiate_rules():
        rules = HConfigDriverHuaweiVrp._instantiate_rules()
        idem = [IdempotentCommandsRule(match_rules=(MatchRule(startswith=""), MatchRule(startswith=(k + " ",))))
                for k in OVERRIDE]
        return rules.model_copy(update={"idempotent_commands": rules.idempotent_commands + idem})


def _ospf(header: str) -> bool:
    return header.startswith("ospf ")


def _text(pairs) -> str:
    return "".join(h + "\n" + "".join(c + "\n" for c in cs) for h, cs in pairs)


def _tunnel_nets(owned: list[tuple[str, list[str]]], want: list[tuple[str, list[str]]]) -> set:
    return {_subnet(c) for h, c in owned + want if h.startswith("interface Tunnel")} - {None}


def _owned_running(run, want, full: bool) -> tuple[dict[str, list[str]], list[str], list[tuple]]:
    """grectl's part of running, one block per header; the owned headers, once per time printed; and
    per OSPF block as printed, its process and (area, network line) pairs grectl may undo."""
    want_by = dict(want)
    owned = [(h, c) for h, c in run if _owned(h, c, set(want_by))]
    nets = _tunnel_nets(owned, want)
    out: dict[str, list[str]] = {}
    stale: list[tuple] = []
    for h, c in run:
        if _ospf(h):
            wh = next((x for x in want_by if x.split()[:2] == h.split()[:2]), h)
            wanted = {x.strip() for x in want_by.get(wh, [])}
            mine = [x for x in c if _ospf_line_owned(x, wanted, nets, full)]
            if wh in out:  # printed twice: the first block is what the process has, later ones add stale lines
                mine = [x for x in mine if x.strip() not in wanted or x.strip().startswith("area ")]
            out[wh] = _merge_ospf(out.get(wh, []), mine)
            stale.append((wh, _networks(mine, wanted)))
        elif h.startswith("interface ") and not h.startswith("interface Tunnel"):
            lines = _lan6_lines(h, c, set(want_by))
            if lines or h in want_by:
                out[h] = lines if full else [x for x in lines if x.strip() in {y.strip() for y in want_by.get(h, [])}]
        elif h in want_by or (full and _owned(h, c, set(want_by))):
            out[h] = c
    return out, [h for h, _c in owned], stale


def _networks(lines: list[str], wanted: set[str]) -> list[tuple[str, str]]:
    """(area, line) of the unwanted ``network`` lines under an area."""
    area, found = None, []
    for x in lines:
        if x.strip().startswith("area "):
            area = x.strip()
        elif area and x.strip().startswith("network ") and x.strip() not in wanted:
            found.append((area, x.strip()))
    return found


def _merge_ospf(a: list[str], b: list[str]) -> list[str]:
    """Two blocks of one OSPF process as one: areas merged, lines in order."""
    if not a:
        return b
    areas: dict[str, list[str]] = {}
    cur = None
    for x in a + b:
        if x.strip().startswith("area "):
            cur = areas.setdefault(x, [])
        elif cur is not None and x not in cur:
            cur.append(x)
    return [y for area, xs in areas.items() for y in [area, *xs]]


def _ospf_line_owned(line: str, wanted: set[str], nets: set, full: bool) -> bool:
    s = line.strip()
    if s in wanted or s.startswith("area "):
        return True
    m = re.fullmatch(r"network (\S+) (\S+)", s)
    return bool(full and m and ipaddress.ip_network(f"{m.group(1)}/{m.group(2)}", strict=False) in nets)


def _target(want, have: dict[str, list[str]]) -> list[tuple[str, list[str]]]:
    """The intended blocks, plus each running OSPF process and area as a section (lines only go)."""
    target = [(h, list(c)) for h, c in want]
    heads = {h for h, _c in target}
    target += [(h, []) for h in have if h.startswith("interface ") and not h.startswith("interface Tunnel")
               and h not in heads]  # someone's interface: only grectl's lines go, never the interface
    for h, c in have.items():
        if _ospf(h):
            w = next((wc for wh, wc in target if wh == h), None)
            if w is None:
                w = []
                target.append((h, w))
            areas = {x.strip() for x in w}
            w += [x for x in c if x.strip().startswith("area ") and x.strip() not in areas]
    return target


def remediation(running: str, intended: str, full: bool = True) -> list[str]:
    run, want = blocks(running), blocks(intended)
    have, printed, stale = _owned_running(run, want, full)
    want_by = dict(want)
    for h, c in have.items():  # VRP prints keys in its own cipher form: the intended line stands for it
        psk = [x for x in want_by.get(h, []) if x.strip().startswith("pre-shared-key")]
        if psk:
            have[h] = [psk[0] if x.strip().startswith("pre-shared-key") else x for x in c]
    driver = Driver()
    running_tree = get_hconfig(driver, _text(have.items()))
    rem = running_tree.config_to_get_to(get_hconfig(driver, _text(_target(want, have))))
    return _emit(rem, running_tree, printed, stale)


# ---------------------------------------------------------------- text and order
def _emit(rem: HConfig, running_tree: HConfig, printed: list[str], stale: list[tuple]) -> list[str]:
    """Whole objects undone (bindings first), stale OSPF networks, then the intended blocks. A block
    the running config prints twice is undone once per print, as the device listed it."""
    gone = {c.text for c in rem.children if c.text.startswith("undo ") and not c.children}
    undo = [f"undo {h}" for h in sorted(printed, key=_kind) if f"undo {h}" in gone]
    last = [u for u in undo if u.startswith("undo ospfv3 ")]  # after every interface's OSPFv3 line went
    out = [u for u in undo if u not in last]
    undone = {(c.text, area.text, x.text.removeprefix("undo ")) for c in rem.children if _ospf(c.text)
              for area in c.children for x in area.children if x.text.startswith("undo ")}
    for process, pairs in stale:
        mine = [(a, x) for a, x in pairs if (process, a, x) in undone]
        if mine:
            out += _section(" ".join(process.split()[:2]),
                            [(a, [f"undo {x}" for b, x in mine if b == a]) for a in sorted({a for a, _ in mine})])
    later: list[list[str]] = []
    for c in rem.children:
        if c.text in gone:
            continue
        if _ospf(c.text) and running_tree.get_child(equals=c.text) is not None:
            add = _ospf_additions(c)
            if add:
                later.append(_section(c.text, add))
        elif c.new_in_config:
            later.append([c.text, *(" " * (x.depth() - 1) + x.text for x in c.all_children())]
                         + (["quit"] if c.children else []))
        else:
            later.append(_section(c.text, [(x.text, [y.text for y in x.children]) for x in c.children]))
    return out + [line for part in later for line in part] + last


def _ospf_additions(ospf) -> list[tuple[str, list[str]]]:
    """(area, added lines) in order."""
    add = [(area.text, [x.text for x in area.children if not x.text.startswith("undo ")]) for area in ospf.children]
    return [(a, xs) for a, xs in add if xs]


def _section(header: str, children: list[tuple[str, list[str]]]) -> list[str]:
    out = [header]
    for text, below in children:
        out.append(" " + text)
        if below:
            out += ["  " + x for x in below] + [" quit"]
    return out + ["quit"]
