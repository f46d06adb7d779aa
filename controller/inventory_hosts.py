"""Host and group entries (``hosts.yaml``, ``groups.yaml``, ``defaults.yaml``): each validated, then
resolved with Nornir's inheritance, with the origin of every inherited value (the file and entry
where it is written), so a problem names the place to fix."""
from __future__ import annotations

import ipaddress
import re
from ipaddress import IPv4Network
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import shown

# Every pattern matches the whole value: re.fullmatch (Python's ``$`` matches before a final
# newline); Field(pattern=...) runs pydantic-core's Rust regex, whose ``$`` is the end of the text.
HOSTNAME_RE = re.compile(r"(?=.{1,253}\Z)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                         r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?")
SCOPE_RE = re.compile(r"[A-Za-z0-9_.-]{1,15}")  # an IPv6 zone (fe80::1%eth0): an interface name
# Nornir host and group names (the keys of hosts.yaml and groups.yaml); hubs and sites are checked
# again against the overlay's NAME_RE.
ENTRY_RE = r"^[A-Za-z0-9_][A-Za-z0-9_.@+-]{0,63}$"
# Field paths whose values are never quoted in a message: keys, passwords, anything under psk.
SECRET_FIELD_RE = re.compile(r"pass|secret|psk|token|key", re.I)
MAX_DATA_DEPTH = 32


def is_entry_name(name) -> bool:
    r"""A host or group name Nornir and grectl can both print on one line.

    >>> is_entry_name("lab_linux"), is_entry_name("cisco\n"), is_entry_name(""), is_entry_name(3)
    (True, False, False, False)
    """
    return isinstance(name, str) and re.fullmatch(ENTRY_RE, name) is not None


def plain_text_problem(value, path: str = "", depth: int = 0) -> str | None:
    r"""Why a YAML value under ``data``/``connection_options`` holds text that could split a line or a
    config (a control character, a line or paragraph separator, NUL), or None. Walks keys and values.

    >>> plain_text_problem({"ios_style": "crypto-map", "n": [1, True, None]}) is None
    True
    >>> plain_text_problem({"ios_style": "crypto-map\n"})
    '.ios_style: holds a control character or line break'
    >>> plain_text_problem({"a\u2028": 1})
    "key 'a\\u2028' holds a control character or line break"
    """
    if depth > MAX_DATA_DEPTH:
        return f"{path}: nested deeper than {MAX_DATA_DEPTH} levels"
    if isinstance(value, str):
        return None if value.isprintable() else f"{path}: holds a control character or line break"
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(k, str) and not k.isprintable():
                return f"{path + ' ' if path else ''}key {shown(k)} holds a control character or line break"
            step = f".{k}" if isinstance(k, str) and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", k) else f"[{shown(k)}]"
            why = plain_text_problem(v, f"{path}{step}", depth + 1)
            if why:
                return why
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            why = plain_text_problem(v, f"{path}[{i}]", depth + 1)
            if why:
                return why
    return None


class HostEntry(BaseModel):
    """A Nornir SimpleInventory host or group, as far as grectl reads it."""
    model_config = ConfigDict(extra="forbid")
    hostname: str | None = Field(None, strict=True)
    platform: str | None = Field(None, strict=True, pattern=r"^[a-z][a-z0-9_]{0,31}$")
    port: int | None = Field(None, ge=1, le=65535, strict=True)
    username: str | None = Field(None, strict=True, pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}$")
    password: str | None = Field(None, strict=True)
    groups: list[str] = []  # each must name a group in groups.yaml (whose names match ENTRY_RE)
    data: dict[str, Any] = {}
    connection_options: dict[str, Any] = {}

    @field_validator("hostname")
    @classmethod
    def _hostname(cls, v: str | None) -> str | None:
        if v is None:
            return v
        if not v.isascii() or not v.isprintable() or any(c.isspace() for c in v):
            raise ValueError("must be an IP address or a DNS name (letters, digits, dashes, dots); "
                             "no spaces, control characters or line breaks")
        try:
            ip = ipaddress.ip_address(v)
        except ValueError:
            if not HOSTNAME_RE.fullmatch(v) or v.replace(".", "").isdigit():
                raise ValueError("must be an IP address or a DNS name (letters, digits, dashes, dots)") from None
            return v
        if "%" in v and not SCOPE_RE.fullmatch(v.split("%", 1)[1]):
            raise ValueError("the IPv6 zone after '%' must be an interface name")
        if ip.is_multicast or ip.is_unspecified or ip == ipaddress.ip_address("255.255.255.255") \
                or (ip.version == 4 and ip in IPv4Network("0.0.0.0/8")):
            raise ValueError(f"management address {ip} is not a unicast host address")
        return v

    @field_validator("data", "connection_options")
    @classmethod
    def _plain(cls, v: dict) -> dict:
        why = plain_text_problem(v)
        if why:
            raise ValueError(why)
        return v

    @field_validator("password")
    @classmethod
    def _password(cls, v: str | None) -> str | None:
        if v is not None and not v.isprintable():
            raise ValueError("holds a control character")
        return v


def _loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _is_secret_field(loc: tuple) -> bool:
    return any(isinstance(p, str) and SECRET_FIELD_RE.search(p) for p in loc)


def _pydantic_problems(path: Path, err: ValidationError, prefix: tuple = ()) -> list[str]:
    """One line per error. A value is quoted only cut short, and never for a secret field."""
    lines = []
    for e in err.errors():
        loc = prefix + tuple(p for p in e["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        kind, msg = e["type"], e["msg"]
        secret = _is_secret_field(loc)
        if kind == "extra_forbidden":
            msg = "unknown field"
        elif kind == "missing":
            msg = "missing field"
        elif kind == "value_error" and re.match(r"Value error, [.\[][^:]*: ", msg):
            # a problem deep inside data/connection_options: its path belongs to the field path
            inner, _, msg = msg[len("Value error, "):].partition(": ")
            lines.append(f"{path}: {_loc(loc)}{inner}: {msg}")
            continue
        elif kind == "string_pattern_mismatch" and len(msg) > 120:
            msg = "holds characters or a form not allowed here"
        elif secret:
            msg = f"{msg} (value not shown: secret field)"
        elif not isinstance(e.get("input"), (dict, list)):
            msg = f"{msg} (got {shown(e['input'])})"
        lines.append(f"{path}: {_loc(loc)}: {msg}")
    return lines


def _hosts(inv: Path, raw: dict) -> tuple[dict[str, HostEntry], list[str], dict[str, dict[str, str]]]:
    """Validate host/group entries and resolve hostname/platform with Nornir's inheritance.

    Also returns the origins: host -> {"platform"|"hostname"|"port"|"data.<key>": "<file>: <entry
    path>"}, where each inherited value is written, so a problem names that file and entry."""
    entries, problems = _entries(inv, raw)
    try:
        defaults = HostEntry.model_validate(raw.get("defaults") or {})
    except ValidationError as e:
        problems += _pydantic_problems(inv / "defaults.yaml", e)
        defaults = HostEntry()
    problems += _unknown_groups(inv, entries)
    problems += _group_cycles(inv, entries["groups"])
    if problems:
        return {}, problems, {}
    tree = _Inheritance(inv, entries["groups"], defaults)
    resolved, all_origins = {}, {}
    for name, entry in entries["hosts"].items():
        resolved[name], all_origins[name] = tree.resolve(name, entry)
    return resolved, problems, all_origins


def _entries(inv: Path, raw: dict) -> tuple[dict[str, dict[str, HostEntry]], list[str]]:
    """hosts.yaml and groups.yaml entries, each validated; the problems of those that are not."""
    problems: list[str] = []
    entries: dict[str, dict[str, HostEntry]] = {"hosts": {}, "groups": {}}
    for kind in ("hosts", "groups"):
        for name, body in (raw.get(kind) or {}).items():
            if not is_entry_name(name):
                what = "host" if kind == "hosts" else "group"
                problems.append(f"{inv / f'{kind}.yaml'}: {shown(name)}: {what} name must match {ENTRY_RE} "
                                "(letters, digits, _ . @ + -; no spaces, quotes or line breaks)")
                continue
            try:
                entries[kind][name] = HostEntry.model_validate(body or {})
            except ValidationError as e:
                problems += _pydantic_problems(inv / f"{kind}.yaml", e, (name,))
    return entries, problems


def _unknown_groups(inv: Path, entries: dict[str, dict[str, HostEntry]]) -> list[str]:
    return [f"{inv / f'{kind}.yaml'}: {name}.groups: unknown group {shown(g)}"
            for kind in ("hosts", "groups") for name, entry in entries[kind].items()
            for g in entry.groups if g not in entries["groups"]]


class _Inheritance:
    """Nornir's inheritance over validated entries, with where each value is written."""

    def __init__(self, inv: Path, groups: dict[str, HostEntry], defaults: HostEntry):
        self.groups, self.defaults = groups, defaults
        self.hf, self.gf, self.df = inv / "hosts.yaml", inv / "groups.yaml", inv / "defaults.yaml"

    def inherit(self, entry: HostEntry, where: str, attr: str, seen: frozenset = frozenset()):
        """(value, origin): the entry's own, else its groups' depth first in order."""
        if getattr(entry, attr) is not None:
            return getattr(entry, attr), f"{where}.{attr}"
        for g in entry.groups:
            if g not in seen:
                v, origin = self.inherit(self.groups[g], f"{self.gf}: {g}", attr, seen | {g})
                if v is not None:
                    return v, origin
        return None, None

    def data_of(self, entry: HostEntry, where: str, seen: frozenset = frozenset()) -> dict:
        """Nornir's data inheritance: the host's own keys, then its groups in order, then defaults.
        key -> (value, origin)."""
        merged: dict = {}
        for g in reversed(entry.groups):  # earlier groups win
            if g not in seen:
                merged.update(self.data_of(self.groups[g], f"{self.gf}: {g}", seen | {g}))
        merged.update({k: (v, f"{where}.data.{k}") for k, v in entry.data.items()})
        return merged

    def resolve(self, name: str, entry: HostEntry) -> tuple[HostEntry, dict[str, str]]:
        hf, df, defaults = self.hf, self.df, self.defaults
        origins: dict[str, str] = {}
        values: dict = {}
        for attr, fallback in (("hostname", name), ("platform", None), ("port", 22)):
            v, origin = self.inherit(entry, f"{hf}: {name}", attr)
            if v is None and getattr(defaults, attr) is not None:
                v, origin = getattr(defaults, attr), f"{df}: {attr}"
            if v is None:
                v, origin = fallback, f"{hf}: {name}.{attr}"
            values[attr], origins[attr] = v, origin
        data = {k: (v, f"{df}: data.{k}") for k, v in defaults.data.items()}
        data.update(self.data_of(entry, f"{hf}: {name}"))
        origins.update({f"data.{k}": origin for k, (_, origin) in data.items()})
        resolved = HostEntry.model_construct(  # already validated piece by piece
            groups=entry.groups, data={k: v for k, (v, _) in data.items()}, **values)
        return resolved, origins


def _group_cycles(inv: Path, groups: dict[str, HostEntry]) -> list[str]:
    """Groups that (through other groups) are members of themselves: Nornir would recurse forever."""
    found: set[tuple[str, ...]] = set()
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    for root in sorted(groups):
        if root in state:
            continue
        path, stack = [root], [iter(groups[root].groups)]
        state[root] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif nxt in groups and state.get(nxt) == 1:
                cycle = path[path.index(nxt):]
                i = cycle.index(min(cycle))
                found.add(tuple(cycle[i:] + cycle[:i]))
            elif nxt in groups and nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(groups[nxt].groups))
    return [f"{inv / 'groups.yaml'}: {c[0]}.groups: group cycle {' -> '.join(c + (c[0],))}" for c in sorted(found)]
