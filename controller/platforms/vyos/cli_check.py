"""Judge rendered VyOS ``set`` lines the way VyOS's own CLI does. Pure (reads definition files only).

VyOS builds its configuration reference tree from the XML interface definitions of the vyos-1x
repository (``interface-definitions/*.xml.in`` with ``#include <include/...>`` fragments). A
``set`` path is checked by ``Reference_tree.validate_path`` in VyOS's vyos1x-config library
(``src/reference_tree.ml``); this module is a transcription of that function, with its messages
word for word:

- ``Node [p] requires a value`` / ``Node [p] cannot have a value`` / ``Path [p] is too long``
- ``Node [p] has no child c`` / ``c is not a valid child name for node [p]`` /
  ``Path [p] is incomplete`` / ``Illegal character "c" in node name "n"``
- a value that fails every constraint: the node's ``constraintErrorMessage``, else
  ``Invalid value`` (vyos1x-config's default).

Constraints: each ``regex`` is a full match; each ``validator`` is one of VyOS's validator
programs, re-implemented here for the ones overlay configs meet (numeric, ipv4/ipv6 address,
prefix, host, fqdn ...). Several items in one constraint are OR-ed, as ``Value_checker.validate_any``
does. A validator not implemented here cannot be judged: the line is accepted and the validator
is named in ``Checker.unjudged``.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "t.xml.in").write_text('''<interfaceDefinition><node name="interfaces"><children>
... <tagNode name="tunnel"><properties><constraint><regex>tun[0-9]+</regex></constraint>
... <constraintErrorMessage>tunnel interface must be named tunN</constraintErrorMessage></properties>
... <children><leafNode name="mtu"><properties><constraint><validator name="numeric" argument="--range 68-16000"/>
... </constraint></properties></leafNode></children></tagNode></children></node></interfaceDefinition>''')
>>> c = Checker(d)
>>> c.check_line("set interfaces tunnel tun0 mtu 1476")
>>> c.check_line("set interfaces tunnel gre0 mtu 1476")
'gre0 is not a valid child name for node [interfaces tunnel]'
>>> c.check_line("set interfaces tunnel tun0 mtu 20")
'Invalid value'
>>> c.check_line("set interfaces tunnel tun0 local-ip 192.0.2.1")
'Node [interfaces tunnel] has no child local-ip'
"""
from __future__ import annotations

import ipaddress
import re
import shlex
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

INCLUDE = re.compile(r"^\s*#include\s+<([^>]+)>\s*$", re.M)
DEFAULT_ERROR = "Invalid value"   # vyos1x-config reference_tree.ml default_data.constraint_error_message
ILLEGAL = re.compile(r"[\s{}\[\]\"'#]")


@dataclass
class Node:
    kind: str                                   # node | tagNode | leafNode
    name: str
    regexes: list[str] = field(default_factory=list)
    validators: list[tuple[str, str | None]] = field(default_factory=list)
    error: str = DEFAULT_ERROR
    valueless: bool = False
    multi: bool = False
    children: dict[str, "Node"] = field(default_factory=dict)


class ValidationError(Exception):
    pass


def _definitions_dir(path: Path) -> Path:
    path = Path(path)
    sub = path / "interface-definitions"
    return sub if sub.is_dir() else path


def _expand(text: str, root: Path, depth: int = 0) -> str:
    """The C preprocessor's ``#include <include/...>``, as VyOS's build runs it."""
    if depth > 20:
        raise ValueError("include nesting too deep")

    def sub(m: re.Match) -> str:
        return _expand((root / m.group(1)).read_text(), root, depth + 1)
    return INCLUDE.sub(sub, text)


def _merge(tree: Node, elem: ET.Element) -> None:
    """Insert one XML node into the tree; a name seen before is merged (as ``Vytree.insert_maybe``)."""
    kind, name = elem.tag, elem.get("name")
    if kind not in ("node", "tagNode", "leafNode") or name is None:
        return
    node = tree.children.get(name)
    if node is None:
        node = tree.children[name] = Node(kind, name)
    props = elem.find("properties")
    if props is not None:
        for p in props:
            if p.tag == "constraint":
                for c in p:
                    if c.tag == "regex" and c.text:
                        node.regexes.append(c.text.strip())
                    elif c.tag == "validator":
                        node.validators.append((c.get("name", ""), c.get("argument")))
            elif p.tag == "constraintErrorMessage" and p.text:
                node.error = p.text.strip()
            elif p.tag == "valueless":
                node.valueless = True
            elif p.tag == "multi":
                node.multi = True
    children = elem.find("children")
    if children is not None:
        for c in children:
            _merge(node, c)


@lru_cache(maxsize=4)
def load(definitions: str) -> Node:
    """The reference tree built from every ``*.xml.in`` of a vyos-1x ``interface-definitions`` dir."""
    d = _definitions_dir(Path(definitions))
    files = sorted(d.glob("*.xml.in"))
    if not files:
        raise FileNotFoundError(f"{d}: no VyOS interface definitions (*.xml.in) here")
    root = Node("node", "")
    for f in files:
        text = _expand(f.read_text(), d)
        xml = ET.fromstring(text.split("?>", 1)[1] if text.lstrip().startswith("<?xml") else text)
        for c in xml:
            _merge(root, c)
    return root


# ------------------------------------------------------------------ validators (VyOS's programs)

def _numeric(value: str, arg: str | None) -> bool:
    args = (arg or "").split()
    allow_range = "--allow-range" in args
    is_float = "--float" in args
    parts = value.split("-", 1) if allow_range and re.fullmatch(r"\d+-\d+", value) else [value]
    try:
        nums = [float(p) if is_float else int(p, 10) for p in parts]
    except ValueError:
        return False
    if not is_float and not all(re.fullmatch(r"\d+", p) for p in parts):
        return False
    ranges = []
    for i, a in enumerate(args):
        if a == "--range" and i + 1 < len(args):
            lo, hi = args[i + 1].split("-", 1)
            ranges.append((float(lo), float(hi)))
    for n in nums:
        if "--positive" in args and n <= 0:
            return False
        if "--non-negative" in args and n < 0:
            return False
        if ranges and not any(lo <= n <= hi for lo, hi in ranges):
            return False
    return True


def _addr(value: str, version: int | None) -> bool:
    try:
        a = ipaddress.ip_address(value)
    except ValueError:
        return False
    return version is None or a.version == version


def _prefix(value: str, version: int | None, strict: bool) -> bool:
    if "/" not in value:
        return False
    try:
        n = ipaddress.ip_network(value, strict=strict)
    except ValueError:
        return False
    return version is None or n.version == version


def _host(value: str, version: int | None) -> bool:
    """An address with a prefix length that is not the network address (VyOS ``ip-host``)."""
    if "/" not in value:
        return False
    try:
        i = ipaddress.ip_interface(value)
    except ValueError:
        return False
    if version is not None and i.version != version:
        return False
    return i.version == 6 or i.network.prefixlen >= 31 or i.ip != i.network.network_address


# /etc/protocols keywords (netbase) VyOS's ip-protocol validator accepts, besides 0-255 and "all"
IP_PROTOCOLS = {"all", "ip", "icmp", "igmp", "ggp", "ipencap", "st", "tcp", "egp", "igp", "pup", "udp", "hmp",
                "xns-idp", "rdp", "iso-tp4", "dccp", "xtp", "ddp", "idpr-cmtp", "ipv6", "ipv6-route", "ipv6-frag",
                "idrp", "rsvp", "gre", "esp", "ah", "skip", "ipv6-icmp", "ipv6-nonxt", "ipv6-opts", "rspf", "vmtp",
                "eigrp", "ospf", "ax.25", "ipip", "etherip", "encap", "pim", "ipcomp", "vrrp", "l2tp", "isis",
                "sctp", "fc", "mobility-header", "udplite", "mpls-in-ip", "manet", "hip", "shim6", "wesp", "rohc",
                "ethernet", "tcp_udp"}


def _ip_protocol(value: str, arg: str | None) -> bool:
    v = value[1:] if value.startswith("!") else value
    return v in IP_PROTOCOLS or (v.isdigit() and 0 <= int(v) <= 255)


_FQDN = re.compile(r"(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?)+")

VALIDATORS = {
    "numeric": _numeric,
    "ipv4-address": lambda v, a: _addr(v, 4), "ipv6-address": lambda v, a: _addr(v, 6),
    "ip-address": lambda v, a: _addr(v, None), "ipv4": lambda v, a: _addr(v, 4) or _prefix(v, 4, False),
    "ipv6": lambda v, a: _addr(v, 6) or _prefix(v, 6, False),
    "ipv4-prefix": lambda v, a: _prefix(v, 4, True), "ipv6-prefix": lambda v, a: _prefix(v, 6, True),
    "ip-prefix": lambda v, a: _prefix(v, None, True),
    "ipv4-host": lambda v, a: _host(v, 4), "ipv6-host": lambda v, a: _host(v, 6),
    "ip-host": lambda v, a: _host(v, None), "ip-cidr": lambda v, a: _prefix(v, None, False),
    "fqdn": lambda v, a: bool(_FQDN.fullmatch(v)), "ip-protocol": _ip_protocol,
}


class Checker:
    """Walks ``set`` lines through the reference tree of one definitions directory."""

    def __init__(self, definitions: str | Path):
        self.root = load(str(Path(definitions).resolve()))
        self.unjudged: set[str] = set()

    def _valid(self, node: Node, value: str) -> bool:
        if not node.regexes and not node.validators:
            return True
        for rx in node.regexes:
            if re.fullmatch(rx, value):
                return True
        for name, arg in node.validators:
            fn = VALIDATORS.get(name.split()[0])
            if fn is None:
                self.unjudged.add(name)
                return True   # cannot judge: accept, and say so
            if fn(value, arg):
                return True
        return False

    def validate_path(self, path: list[str]) -> None:
        """``Reference_tree.validate_path`` of vyos1x-config; raises ``ValidationError(message)``."""
        def show(acc):
            return f"[{' '.join(acc)}]"
        node, acc, path = self.root, [], list(path)
        while True:
            if node.kind == "leafNode":
                if not path:
                    if node.valueless:
                        return
                    raise ValidationError(f"Node {show(acc)} requires a value")
                if len(path) == 1:
                    if node.valueless:
                        raise ValidationError(f"Node {show(acc)} cannot have a value")
                    if self._valid(node, path[0]):
                        return
                    raise ValidationError(node.error)
                raise ValidationError(f"Path {show(acc)} is too long")
            if node.kind == "tagNode":
                if len(path) >= 2:
                    p, p2 = path[0], path[1]
                    bad = ILLEGAL.search(p)
                    if bad:
                        raise ValidationError(f'Illegal character "{bad.group(0)}" in node name "{p}"')
                    if not self._valid(node, p):
                        raise ValidationError(f"{p} is not a valid child name for node {show(acc)}")
                    child = node.children.get(p2)
                    if child is None:
                        raise ValidationError(f"Node {show(acc)} has no child {p2}")
                    node, acc, path = child, acc + [p, p2], path[2:]
                    continue
                if len(path) == 1:
                    if self._valid(node, path[0]):
                        return
                    raise ValidationError(f"Node {show(acc)} has no child {path[0]}")
                raise ValidationError(f"Path {show(acc)} is incomplete")
            # plain node (and the root)
            if not path:
                return
            child = node.children.get(path[0])
            if child is None:
                raise ValidationError(f"Path {show(acc)} is incomplete")
            node, acc, path = child, acc + [path[0]], path[1:]

    def check_line(self, line: str) -> str | None:
        """VyOS's message for a ``set`` line its CLI would refuse, or None."""
        try:
            words = shlex.split(line)
        except ValueError as e:
            return f"cannot split line: {e}"
        if not words or words[0] != "set":
            return None if not words or words[0] in ("delete", "#") else f"not a set line: {words[0]}"
        try:
            self.validate_path(words[1:])
        except ValidationError as e:
            return str(e)
        return None

    def check(self, text: str) -> list[tuple[int, str, str]]:
        """(line number, line, message) for every ``set`` line VyOS would refuse."""
        out = []
        for n, line in enumerate(text.splitlines(), 1):
            s = line.strip()
            if not s or s.startswith("#"):
                continue
            msg = self.check_line(s)
            if msg:
                out.append((n, s, msg))
        return out


def check_text(text: str, definitions: str | Path) -> list[tuple[int, str, str]]:
    return Checker(definitions).check(text)
