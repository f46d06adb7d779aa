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

The definitions directory is read as untrusted input: only regular files inside it (symlinks
resolved, none may leave it), ``#include`` only of relative paths inside it, without loops, at most
``MAX_DEPTH`` deep and ``MAX_EXPANDED`` bytes once expanded; no DTD or entity (vyos-1x has none);
every regex and ``--range`` is checked when loaded, and a regex taking over ``REGEX_SECONDS`` on a
value is an error. Every failure is a ``DefinitionError`` naming the file and what is wrong, never
quoting a file's content.

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
import signal
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from ... import safefile
from ...errors import shown
from .cli_defs import (  # noqa: F401  (the definitions' names, importable from here as before)
    _NUMBER_RANGE,
    DEFAULT_ERROR,
    MAX_DEPTH,
    MAX_EXPANDED,
    MAX_TREE_DEPTH,
    DefinitionError,
    Node,
    load,
)

REGEX_SECONDS = 2.0                  # one definition regex on one value
ILLEGAL = re.compile(r"[\s{}\[\]\"'#]")


class ValidationError(Exception):
    pass


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
    if not is_float and not all(re.fullmatch(r"[0-9]+", p) for p in parts):
        return False
    ranges = []
    for i, a in enumerate(args):
        m = _NUMBER_RANGE.fullmatch(args[i + 1]) if a == "--range" and i + 1 < len(args) else None
        if m:   # load() refused a --range that is not LOW-HIGH
            ranges.append((float(m.group(1)), float(m.group(2))))
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


_FQDN = re.compile(r"(?=.{1,253}\Z)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?)+")

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


@contextmanager
def _time_limit(seconds: float, message: str):
    """Raise ``DefinitionError(message)`` if the block runs over ``seconds`` (Python's regex engine
    checks signals while it backtracks). Only in the main thread; elsewhere the block runs unbounded."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expired(signum, frame):
        raise DefinitionError(message)
    previous = signal.signal(signal.SIGALRM, expired)
    outer, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:  # a caller's own timer goes on with what it had left
            signal.setitimer(signal.ITIMER_REAL, max(0.001, outer - (time.monotonic() - started)))


def _show(acc: list[str]) -> str:
    return f"[{' '.join(acc)}]"


class Checker:
    """Walks ``set`` lines through the reference tree of one definitions directory."""

    def __init__(self, definitions: str | Path):
        try:
            where = Path(definitions).resolve()
        except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
            raise DefinitionError(f"{safefile.printable(str(definitions))}: symlink loop or unreadable path") from None
        self.root = load(str(where))
        self.unjudged: set[str] = set()

    def _valid(self, node: Node, value: str) -> bool:
        if not node.regexes and not node.validators:
            return True
        for rx in node.regexes:
            with _time_limit(REGEX_SECONDS, f"definition regex {shown(rx)} took over {REGEX_SECONDS:g} s "
                                            "on one value (catastrophic backtracking?)"):
                if re.fullmatch(rx, value):
                    return True
        for name, arg in node.validators:
            fn = VALIDATORS.get((name.split() or [""])[0])
            if fn is None:
                self.unjudged.add(name)
                return True   # cannot judge: accept, and say so
            if fn(value, arg):
                return True
        return False

    def validate_path(self, path: list[str]) -> None:
        """``Reference_tree.validate_path`` of vyos1x-config; raises ``ValidationError(message)``."""
        step: tuple | None = (self.root, [], list(path))
        while step is not None:
            node = step[0]
            step = {"leafNode": self._leaf, "tagNode": self._tag}.get(node.kind, self._plain)(*step)

    def _leaf(self, node: Node, acc: list[str], path: list[str]) -> None:
        if not path:
            if node.valueless:
                return None
            raise ValidationError(f"Node {_show(acc)} requires a value")
        if len(path) == 1:
            if node.valueless:
                raise ValidationError(f"Node {_show(acc)} cannot have a value")
            if self._valid(node, path[0]):
                return None
            raise ValidationError(node.error)
        raise ValidationError(f"Path {_show(acc)} is too long")

    def _tag(self, node: Node, acc: list[str], path: list[str]) -> tuple | None:
        if len(path) >= 2:
            p, p2 = path[0], path[1]
            bad = ILLEGAL.search(p)
            if bad:
                raise ValidationError(f'Illegal character "{bad.group(0)}" in node name "{p}"')
            if not self._valid(node, p):
                raise ValidationError(f"{p} is not a valid child name for node {_show(acc)}")
            child = node.children.get(p2)
            if child is None:
                raise ValidationError(f"Node {_show(acc)} has no child {p2}")
            return child, acc + [p, p2], path[2:]
        if len(path) == 1:
            if self._valid(node, path[0]):
                return None
            raise ValidationError(f"Node {_show(acc)} has no child {path[0]}")
        raise ValidationError(f"Path {_show(acc)} is incomplete")

    def _plain(self, node: Node, acc: list[str], path: list[str]) -> tuple | None:
        """A plain node (and the root)."""
        if not path:
            return None
        child = node.children.get(path[0])
        if child is None:
            raise ValidationError(f"Path {_show(acc)} is incomplete")
        return child, acc + [path[0]], path[1:]

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
