"""Patterns match whole values (issue 19 part 1): every string field of the raw models, and every
name used as a mapping key, is refused with its file and field when it carries a line break,
a control character or a Unicode line separator, anywhere (trailing, leading, inside).

The walk goes through ``inventory.load`` on a private copy of the example inventory, so the message
is the one ``grectl validate`` prints. Python's ``$`` matches before a final newline; pydantic's
``Field(pattern=...)`` runs a Rust regex whose ``$`` does not: both are pinned here.
"""
from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from controller import inventory, models
from controller.errors import InventoryError
from tests.conftest import edit_yaml

# The hostile endings: every character Python's str.splitlines() breaks on, NUL, tab.
BREAKS = {
    "lf": "\n", "cr": "\r", "crlf": "\r\n", "nul": "\x00", "ls": "\u2028", "ps": "\u2029",
    "nel": "\x85", "vt": "\x0b", "ff": "\x0c", "tab": "\t", "fs": "\x1c", "gs": "\x1d", "rs": "\x1e",
    "esc": "\x1b", "del": "\x7f",
}


def _set(inv: Path, file: str, dotted: str, value) -> None:
    edit_yaml(inv / file, {dotted: value})


def _rename(inv: Path, file: str, dotted: str, new: str) -> None:
    """Rename the mapping key at ``dotted`` (top level when it has no dot), keeping its order."""
    path = inv / file
    doc = yaml.safe_load(path.read_text()) or {}
    *parents, last = dotted.split(".")
    parent = doc
    for p in parents:
        parent = parent[p]
    items = [(new if k == last else k, v) for k, v in parent.items()]
    parent.clear()
    parent.update(items)
    path.write_text(yaml.safe_dump(doc, sort_keys=False))


# (file, how: "set" a value at dotted path / "key" rename the key at dotted path, dotted, base value,
#  where the message must point: file and field text)
FIELDS = [
    # overlay.yaml: names (mapping keys) and every string value
    ("overlay.yaml", "key", "sites.osaka", "osaka", "sites"),
    ("overlay.yaml", "key", "hubs.tokyo", "tokyo", "hubs"),
    ("overlay.yaml", "set", "sites.osaka.hub", "tokyo", "sites.osaka.hub"),
    ("overlay.yaml", "set", "sites.osaka.wan.interface", "wan0", "sites.osaka.wan.interface"),
    ("overlay.yaml", "set", "hubs.tokyo.wan.interface", "wan0", "hubs.tokyo.wan.interface"),
    ("overlay.yaml", "set", "sites.osaka.wan.address", "198.51.100.6/30", "sites.osaka.wan.address"),
    ("overlay.yaml", "set", "sites.osaka.wan.gateway", "198.51.100.5", "sites.osaka.wan.gateway"),
    ("overlay.yaml", "set", "sites.osaka.lans", ["10.1.2.0/24"], "sites.osaka.lans[0]"),
    ("overlay.yaml", "set", "sites.osaka.router_id", "10.9.9.9", "sites.osaka.router_id"),
    ("overlay.yaml", "set", "tunnel_pool", "172.16.0.0/24", "tunnel_pool"),
    ("overlay.yaml", "set", "ike.proposal", "aes256-sha256-x25519", "ike.proposal"),
    ("overlay.yaml", "set", "ipsec.transform", "aes128gcm16", "ipsec.transform"),
    ("overlay.yaml", "set", "ipsec.mode", "transport", "ipsec.mode"),
    ("overlay.yaml", "set", "ospf.area", "0.0.0.0", "ospf.area"),
    ("overlay.yaml", "set", "lab.name", "grectl", "lab.name"),
    ("overlay.yaml", "set", "lab.mgmt_network", "172.31.255.0/24", "lab.mgmt_network"),
    ("overlay.yaml", "set", "psk", {"env": "GRECTL_SAFE_CORE_PSK"}, "psk.env"),
    ("overlay.yaml", "set", "psk", {"file": "secrets/psk.txt"}, "psk"),
    ("overlay.yaml", "set", "sites.osaka.psk", {"env": "GRECTL_SAFE_CORE_PSK"}, "sites.osaka.psk.env"),
    ("overlay.yaml", "set", "sites.osaka.psk", {"file": "secrets/psk.txt"}, "sites.osaka.psk"),
    # hosts.yaml: host names (keys) and every field
    ("hosts.yaml", "key", "osaka", "osaka", re.compile(r"hosts\.yaml: [\"'].*: host name must match")),
    ("hosts.yaml", "set", "osaka.hostname", "172.31.255.12", "osaka.hostname"),
    ("hosts.yaml", "set", "osaka.hostname", "osaka-mgmt.example", "osaka.hostname"),
    ("hosts.yaml", "set", "osaka.platform", "linux", "osaka.platform"),
    ("hosts.yaml", "set", "osaka.username", "root", "osaka.username"),
    ("hosts.yaml", "set", "osaka.password", "not-a-real-password", "osaka.password"),
    ("hosts.yaml", "set", "osaka.groups", ["lab_linux"], "osaka.groups"),
    ("hosts.yaml", "set", "osaka.data.role", "site", "osaka.data"),
    ("hosts.yaml", "set", "osaka.data", {"ios_style": "crypto-map"}, "osaka.data"),
    ("hosts.yaml", "set", "osaka.connection_options", {"netmiko": {"extras": {"x": "y"}}},
     "osaka.connection_options"),
    # groups.yaml: group names (keys) and fields
    ("groups.yaml", "key", "lab_linux", "lab_linux", re.compile(r"groups\.yaml: [\"'].*: group name must match")),
    ("groups.yaml", "set", "lab_linux.platform", "linux", "lab_linux.platform"),
    ("groups.yaml", "set", "lab_linux.username", "root", "lab_linux.username"),
    ("groups.yaml", "set", "lab_linux.hostname", "172.31.255.99", "lab_linux.hostname"),
    ("groups.yaml", "set", "lab_linux.data", {"vyos_release": "1.4"}, "lab_linux.data"),
    # defaults.yaml
    ("defaults.yaml", "set", "platform", "linux", "platform"),
    ("defaults.yaml", "set", "username", "root", "username"),
    ("defaults.yaml", "set", "hostname", "172.31.255.99", "hostname"),
    ("defaults.yaml", "set", "data", {"ios_style": "crypto-map"}, "data"),
]


def _hostile(value, brk: str, where: str):
    """``value`` with ``brk`` added at ``where`` (trailing/leading/inside); lists and dicts: their
    first string (or, for dicts, the first string value) gets it."""
    if isinstance(value, list):
        return [_hostile(value[0], brk, where)] + value[1:]
    if isinstance(value, dict):
        k, v = next(iter(value.items()))
        return {k: _hostile(v, brk, where), **{a: b for a, b in value.items() if a != k}}
    if where == "trailing":
        return value + brk
    if where == "leading":
        return brk + value
    return value[:2] + brk + value[2:]


CASES = [pytest.param(f, how, dotted, base, field, brk, where,
                      id=f"{f}:{how}:{dotted}:{name}:{where}")
         for f, how, dotted, base, field in FIELDS
         for name, brk in BREAKS.items()
         for where in ("trailing", "inside")]
CASES += [pytest.param(f, how, dotted, base, field, "\n", "leading", id=f"{f}:{how}:{dotted}:lf:leading")
          for f, how, dotted, base, field in FIELDS]


@pytest.fixture
def offline(monkeypatch):
    """No name lookup leaves the machine: only localhost resolves."""
    def getaddrinfo(host, port, *args, **kwargs):
        if host == "localhost":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 0))]
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    monkeypatch.setattr(inventory.socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(inventory, "_resolved", {})


SEPARATORS = re.compile(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029\x00]")


@pytest.mark.parametrize("file,how,dotted,base,field,brk,where", CASES)
def test_hostile_character_refused_with_file_and_field(inv, offline, monkeypatch, file, how, dotted, base,
                                                         field, brk, where):
    monkeypatch.setenv("GRECTL_SAFE_CORE_PSK", "safe-core-test-key-0123456789")
    if how == "key":
        _rename(inv, file, dotted, _hostile(base, brk, where))
    elif isinstance(base, dict) and dotted.endswith("psk") and "env" in base:
        _set(inv, file, dotted, {"env": _hostile(base["env"], brk, where)})
    elif isinstance(base, dict) and dotted.endswith("psk"):
        _set(inv, file, dotted, {"file": _hostile(base["file"], brk, where)})
    else:
        _set(inv, file, dotted, _hostile(base, brk, where))
    with pytest.raises(InventoryError) as e:
        inventory.load(inv)
    problems = e.value.problems
    if isinstance(field, re.Pattern):  # a name quoted the way repr quotes it
        assert any(field.search(p) for p in problems), problems
    else:
        assert any(f"{file}: {field}" in p for p in problems), problems
    for p in problems:  # each problem is one line: no character of the class survives into it
        assert not SEPARATORS.search(p), repr(p)
        assert "\t" not in p, repr(p)


# ----------------------------------------------------------------- the regex engines themselves

PATTERN_FIELDS = [  # (model, field values that validate) — each gets every hostile ending
    (models.PskRef, {"env": "GRECTL_PSK"}),
    (models.Lab, {"name": "grectl"}),
    (models.Wan, {"interface": "GigabitEthernet0/0/1", "address": "198.51.100.2/30"}),
    (inventory.HostEntry, {"platform": "linux"}),
    (inventory.HostEntry, {"username": "admin"}),
    (inventory.HostEntry, {"hostname": "router1.example"}),
    (inventory.HostEntry, {"hostname": "192.0.2.1"}),
    (inventory.HostEntry, {"hostname": "fe80::1%eth0"}),
]


@pytest.mark.parametrize("model,good", PATTERN_FIELDS, ids=lambda x: getattr(x, "__name__", str(x)))
def test_field_pattern_accepts_the_plain_value(model, good):
    assert model.model_validate(good) is not None


@pytest.mark.parametrize("brk", list(BREAKS.values()), ids=list(BREAKS))
@pytest.mark.parametrize("model,good", PATTERN_FIELDS, ids=lambda x: getattr(x, "__name__", str(x)))
def test_field_pattern_refuses_a_trailing_break(model, good, brk):
    """pydantic's Rust regex: ``$`` is the end of the text, so a trailing newline is refused."""
    field = next(k for k in good if k not in ("address",))
    with pytest.raises(ValidationError) as e:
        model.model_validate({**good, field: good[field] + brk})
    assert e.value.errors()[0]["loc"][0] == field


@pytest.mark.parametrize("brk", list(BREAKS.values()), ids=list(BREAKS))
@pytest.mark.parametrize("check", [models.is_name, inventory.is_entry_name,
                                   lambda v: inventory.HOSTNAME_RE.fullmatch(v) is not None,
                                   lambda v: models.TOKEN_RE.fullmatch(v) is not None],
                         ids=["NAME_RE", "ENTRY_RE", "HOSTNAME_RE", "TOKEN_RE"])
def test_python_patterns_match_whole_values(check, brk):
    assert check("kobe")
    assert not check("kobe" + brk)
    assert not check(brk + "kobe")


@pytest.mark.parametrize("brk", list(BREAKS.values()), ids=list(BREAKS))
def test_site_hub_reference_pattern(brk):
    with pytest.raises(ValidationError):
        models.Site.model_validate({"id": 1, "hub": "tokyo" + brk, "lans": ["10.0.0.0/24"],
                                    "wan": {"interface": "eth0", "address": "198.51.100.2/30"}})


@pytest.mark.parametrize("token", ["aes256\n", "aes256\r", "aes 256", "aes256;reboot", "aes256`x`",
                                   "$(reboot)", "aes256'", 'aes256"', "aes256#", "aes256!", "aes256?",
                                   "aes256\\", "ａｅｓ", "", " aes256", "aes256 ", "x" * 257,
                                   "]]>]]>", "&amp;"])
def test_tokens_refused(token):
    with pytest.raises(ValueError):
        models.check_token(token)


def test_no_python_match_with_dollar_in_core_files():
    """The rule itself: no ``re.match``/``re.search`` whose pattern ends in ``$`` in the files this
    part owns (a Python ``$`` accepts a trailing newline)."""
    root = Path(__file__).resolve().parents[2]
    files = [root / "controller" / f for f in ("models.py", "inventory.py", "secrets.py", "errors.py",
                                                "yamlio.py", "allocate.py")]
    files += sorted((root / "controller" / "platforms" / "linux").glob("*.py"))
    bad = []
    for f in files:
        text = f.read_text()
        # a Python pattern anchored with a final `$` (re.compile/match/search; Field(pattern=) is Rust)
        bad += [f"{f.name}: {m.group(0)}" for m in
                re.finditer(r"re\.(?:compile|match|search)\(\s*r?([\"'])[^\"'\n]*\$\1", text)]
    assert not bad, bad


# ----------------------------------------------------------------- the other hostile classes

# every field that is a name, an identifier, an address or a keyword: none of these may pass
STRICT_FIELDS = [f for f in FIELDS if not any(s in f[2] for s in ("data", "connection_options", "password"))
                 and not (f[2].endswith("psk") and "file" in f[3])]
HOSTILE_TEXT = {
    "squote": "'", "dquote": '"', "backtick": "`id`", "rsquo": "\u2019", "ldquo": "\u201c", "backslash": "\\",
    "question": "?", "bang": "!", "hash": "#", "semicolon": ";", "subshell": "$(reboot)", "cdata": "]]>]]>",
    "entity": "&amp;", "charref": "&#10;", "lt": "<x/>", "brace": "}", "pipe": "|", "space": " x",
    "eacute": "\u00e9", "cjk": "\u9375", "fullwidth": "\uff41", "zwsp": "\u200b", "bom": "\ufeff",
    "long": "x" * 300,
}


@pytest.mark.parametrize("suffix", list(HOSTILE_TEXT.values()), ids=list(HOSTILE_TEXT))
@pytest.mark.parametrize("file,how,dotted,base,field", STRICT_FIELDS,
                         ids=[f"{f[0]}:{f[1]}:{f[2]}" for f in STRICT_FIELDS])
def test_hostile_text_refused_with_file_and_field(inv, offline, monkeypatch, file, how, dotted, base, field,
                                                  suffix):
    test_hostile_character_refused_with_file_and_field(inv, offline, monkeypatch, file, how, dotted, base,
                                                       field, suffix, "trailing")


@pytest.mark.parametrize("file,how,dotted,base,field", [f for f in STRICT_FIELDS if f[1] == "set"
                                                        and isinstance(f[3], str)],
                         ids=[f"{f[0]}:{f[2]}" for f in STRICT_FIELDS if f[1] == "set" and isinstance(f[3], str)])
@pytest.mark.parametrize("value", ["", " ", "  leading", "trailing  "], ids=["empty", "space", "lead", "trail"])
def test_empty_and_blank_values_refused(inv, offline, monkeypatch, file, how, dotted, base, field, value):
    monkeypatch.setenv("GRECTL_SAFE_CORE_PSK", "safe-core-test-key-0123456789")
    _set(inv, file, dotted, value.replace("leading", base).replace("trailing", base))
    with pytest.raises(InventoryError) as e:
        inventory.load(inv)
    want = f"{file}: {field}"
    assert any(want in p for p in e.value.problems), e.value.problems
