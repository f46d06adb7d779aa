"""The Linux router config document: parse, dump, merge. Pure and stdlib-only,
because the same file runs on the router (uploaded next to the agent).

A document has three sections, each introduced by a ``[name]`` line::

    [tunnels]
    gre-osaka local 198.51.100.2 remote 198.51.100.6 ttl 64 key 0 mtu 1442 address 172.16.0.1/30
    [swanctl]
    connections { ... }
    secrets { ... }
    [frr]
    hostname tokyo
    ...

>>> doc = parse("[tunnels]\\ngre-a local 1.1.1.1 remote 2.2.2.2 ttl 64 key 0 mtu 1400 address 10.0.0.1/30\\n")
>>> doc.tunnels["gre-a"]["mtu"]
'1400'
>>> dump(parse(dump(doc))) == dump(doc)
True
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

SECTIONS = ("tunnels", "swanctl", "frr")
# link_local / address6: a dual-stack tunnel's IPv6 addresses (issue 22); absent: IPv6 stays off on it
TUNNEL_KEYS = ("local", "remote", "ttl", "key", "mtu", "address", "link_local", "address6")
# FRR noise that is not configuration
_FRR_SKIP = re.compile(r"^(!.*|end|exit|Building configuration\.\.\.|Current configuration:|frr version .*)$")


@dataclass
class Doc:
    tunnels: dict[str, dict[str, str]] = field(default_factory=dict)
    connections: dict[str, str] = field(default_factory=dict)   # name -> block text
    secrets: dict[str, str] = field(default_factory=dict)       # name -> block text
    frr: list[tuple[str, list[str]]] = field(default_factory=list)  # (header, body lines)


# ------------------------------------------------------------------ secrets
# One definition of placeholders and masking (controller/secretforms.py); on the router it is
# shipped next to this file and imported flat.
try:
    from controller.secretforms import (  # noqa: F401
        PLACEHOLDER_RE,
        SECRET_LINE_RE,
        SECRET_RE,
        clear_secrets,
        fingerprint,
        mask,
        placeholder,
        unmask,
    )
except ImportError:  # on the router
    from secretforms import (  # noqa: F401
        PLACEHOLDER_RE,
        SECRET_LINE_RE,
        SECRET_RE,
        clear_secrets,
        fingerprint,
        mask,
        placeholder,
        unmask,
    )


# ------------------------------------------------------------------ tunnels

def parse_tunnel(line: str) -> tuple[str, dict[str, str]]:
    words = line.split()
    name, rest = words[0], words[1:]
    if len(rest) % 2:
        raise ValueError(f"tunnel line needs key/value pairs: {line!r}")
    attrs = dict(zip(rest[::2], rest[1::2]))
    unknown = set(attrs) - set(TUNNEL_KEYS)
    if unknown:
        raise ValueError(f"unknown tunnel attribute(s) {sorted(unknown)} in {line!r}")
    return name, attrs


def dump_tunnel(name: str, attrs: dict[str, str]) -> str:
    return " ".join([name] + [f"{k} {attrs[k]}" for k in TUNNEL_KEYS if k in attrs])


# ------------------------------------------------------------------ swanctl

def _blocks(text: str) -> dict[str, dict[str, str]]:
    """Top-level swanctl sections -> {child name: child block text (normalised indentation)}."""
    out: dict[str, dict[str, str]] = {}
    lines = [ln.strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith("#")]
    i = 0
    while i < len(lines):
        m = re.fullmatch(r"([\w.-]+)\s*\{", lines[i])
        if not m:
            raise ValueError(f"swanctl: expected 'section {{', got {lines[i]!r}")
        section = out.setdefault(m.group(1), {})
        i += 1
        while i < len(lines) and lines[i] != "}":
            m2 = re.fullmatch(r"([\w.-]+)\s*\{", lines[i])
            if not m2:
                raise ValueError(f"swanctl: expected a named block, got {lines[i]!r}")
            name, depth, body = m2.group(1), 1, []
            i += 1
            while depth:
                if i >= len(lines):
                    raise ValueError("swanctl: unbalanced braces")
                ln = lines[i]
                depth += ln.count("{") - ln.count("}")
                if depth:
                    body.append(ln)
                i += 1
            section[name] = _indent(body)
        i += 1
    return out


def _indent(body: list[str]) -> str:
    out, level = [], 2
    for ln in body:
        if ln.startswith("}"):
            level -= 1
        out.append("  " * level + ln)
        if ln.endswith("{"):
            level += 1
    return "\n".join(out)


def dump_swanctl(connections: dict[str, str], secrets: dict[str, str]) -> str:
    parts = []
    for title, blocks in (("connections", connections), ("secrets", secrets)):
        if not blocks:
            continue
        parts.append(title + " {")
        for name in sorted(blocks):
            parts += [f"  {name} {{", blocks[name], "  }"]
        parts.append("}")
    return "\n".join(parts)


# ------------------------------------------------------------------ frr

def parse_frr(text: str) -> list[tuple[str, list[str]]]:
    """FRR config -> ordered (header, body) blocks. Top-level one-liners have an empty body."""
    blocks: list[tuple[str, list[str]]] = []
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line.strip() or _FRR_SKIP.fullmatch(line.strip()):
            continue
        if line.startswith(" ") and blocks:
            blocks[-1][1].append(line.strip())
        else:
            blocks.append((line.strip(), []))
    return blocks


def _natural(line: str) -> tuple:
    return tuple((0, int(w), "") if w.isdigit() else (1, 0, w) for w in re.split(r"[./ ]", line))


def canonical_frr(blocks: list[tuple[str, list[str]]]) -> list[tuple[str, list[str]]]:
    """One order for equal configs: one-liners as given, interfaces by name, then the rest as given;
    lines inside a block in natural order (FRR's own print order does not matter)."""
    ones = [(h, b) for h, b in blocks if not b and not h.startswith(("interface ", "router "))]
    ifaces = sorted(((h, b) for h, b in blocks if h.startswith("interface ")), key=lambda x: _natural(x[0]))
    rest = [(h, b) for h, b in blocks if (h, b) not in ones and not h.startswith("interface ")]
    return [(h, sorted(b, key=_natural)) for h, b in ones + ifaces + rest]


def dump_frr(blocks: list[tuple[str, list[str]]]) -> str:
    out = []
    for header, body in canonical_frr(blocks):
        out.append(header)
        if body or header.startswith(("interface ", "router ")):
            out += [" " + b for b in body] + ["exit", "!"]
    return "\n".join(out)


def _line_key(line: str) -> str:
    """Lines in a router block that may repeat (network, passive-interface) key on their argument."""
    words = line.split()
    if words[:1] in (["network"], ["passive-interface"], ["area"]):
        return " ".join(words[:2])
    if words[:1] == ["no"]:
        return " ".join(words[:3])
    return " ".join(w for w in words if not re.fullmatch(r"[\d./:]+", w))


def merge_frr(base: list[tuple[str, list[str]]], part: list[tuple[str, list[str]]]):
    out = [(h, list(b)) for h, b in base]
    index = {h: i for i, (h, _) in enumerate(out)}
    for header, body in part:
        if header not in index:
            index[header] = len(out)
            out.append((header, list(body)))
            continue
        if header.startswith("interface "):
            out[index[header]] = (header, list(body))
            continue
        merged = list(out[index[header]][1])
        keys = {_line_key(ln): j for j, ln in enumerate(merged)}
        for ln in body:
            k = _line_key(ln)
            if k in keys:
                merged[keys[k]] = ln
            else:
                keys[k] = len(merged)
                merged.append(ln)
        out[index[header]] = (header, merged)
    return out


# ------------------------------------------------------------------ document

def parse(text: str) -> Doc:
    doc, section, chunks = Doc(), None, {s: [] for s in SECTIONS}
    for line in text.splitlines():
        m = re.fullmatch(r"\[(\w+)\]\s*", line)
        if m:
            if m.group(1) not in SECTIONS:
                raise ValueError(f"unknown section [{m.group(1)}]")
            section = m.group(1)
            continue
        if section is None:
            if line.strip() and not line.startswith(("!", "#")):
                raise ValueError(f"text before the first section: {line!r}")
            continue
        chunks[section].append(line)
    for line in chunks["tunnels"]:
        if line.strip() and not line.startswith(("!", "#")):
            name, attrs = parse_tunnel(line)
            doc.tunnels[name] = attrs
    sw = _blocks("\n".join(chunks["swanctl"]))
    unknown = set(sw) - {"connections", "secrets"}
    if unknown:
        raise ValueError(f"swanctl: unsupported section(s) {sorted(unknown)}")
    doc.connections, doc.secrets = sw.get("connections", {}), sw.get("secrets", {})
    doc.frr = parse_frr("\n".join(chunks["frr"]))
    return doc


def dump(doc: Doc) -> str:
    out = ["[tunnels]"] + [dump_tunnel(n, doc.tunnels[n]) for n in sorted(doc.tunnels)]
    out += ["[swanctl]", dump_swanctl(doc.connections, doc.secrets)]
    out += ["[frr]", dump_frr(doc.frr)]
    return "\n".join(x for x in out if x != "") + "\n"


def section_text(doc: Doc, section: str) -> str:
    if section == "tunnels":
        return "\n".join(dump_tunnel(n, doc.tunnels[n]) for n in sorted(doc.tunnels))
    if section == "swanctl":
        return dump_swanctl(doc.connections, doc.secrets)
    return dump_frr(doc.frr)


# ------------------------------------------------------------------ running state (from raw reads)

# FRR lines that are the box's, not the overlay's
_FRR_NOT_OURS = ("log ", "line vty", "no ipv6 forwarding", "ip forwarding")


def gre_links(ip_addr_json: str) -> dict[str, dict[str, str]]:
    """GRE links from `ip -d -j addr show` (link details and addresses in one read).

    >>> gre_links('[{"ifname": "gre-a", "mtu": 1400, "linkinfo": {"info_kind": "gre", "info_data": '
    ...           '{"local": "1.1.1.1", "remote": "2.2.2.2", "ttl": 64}}, "addr_info": '
    ...           '[{"family": "inet", "local": "10.0.0.1", "prefixlen": 30}]}]')["gre-a"]["address"]
    '10.0.0.1/30'
    """
    out = {}
    for ln in json.loads(ip_addr_json or "[]"):
        name = ln["ifname"]
        if name == "gre0" or ln.get("linkinfo", {}).get("info_kind") != "gre":
            continue
        info = ln.get("linkinfo", {}).get("info_data", {})
        key = info.get("okey") or info.get("ikey") or "0"
        if isinstance(key, str) and "." in key:
            a, b, c, d = (int(x) for x in key.split("."))
            key = (a << 24) | (b << 16) | (c << 8) | d
        v4 = [f"{i['local']}/{i['prefixlen']}" for i in ln.get("addr_info", []) if i.get("family") == "inet"]
        attrs = {"local": str(info.get("local", "any")), "remote": str(info.get("remote", "any")),
                 "ttl": str(info.get("ttl", 0) or "inherit"), "key": str(key), "mtu": str(ln.get("mtu"))}
        if v4:
            attrs["address"] = v4[0]
        # a dual-stack tunnel's IPv6 addresses: the agent adds them "nodad" (a point-to-point link),
        # which no kernel-made address is; any other IPv6 address is not grectl's, as before
        for i in ln.get("addr_info", []):
            if i.get("family") == "inet6" and i.get("nodad"):
                attrs.setdefault("link_local" if i.get("scope") == "link" else "address6",
                                 f"{i['local']}/{i['prefixlen']}")
        out[name] = attrs
    return out


def running_doc(ip_addr_json: str, swanctl_file: str | None, list_conns_raw: str, frr_running: str) -> Doc:
    """The running document from four raw reads (the same on the router and on the controller).
    The swanctl file is masked before anything else reads it; a connection counts as running
    only if charon has it loaded (a restarted or stopped charon with an intact file is drift)."""
    doc = Doc(tunnels=gre_links(ip_addr_json))
    if swanctl_file is not None:
        part = parse("[swanctl]\n" + mask(swanctl_file))
        loaded = set(re.findall(r"list-conn event \{([\w.-]+) \{", list_conns_raw))
        doc.connections = {n: b for n, b in part.connections.items() if n in loaded}
        doc.secrets = part.secrets
    doc.frr = [(h, b) for h, b in parse_frr(frr_running) if not h.startswith(_FRR_NOT_OURS)]
    return doc


def merge(base: Doc, part: Doc) -> Doc:
    """Merge ``part`` into ``base``: tunnels, connections and secrets by name; FRR by block and line."""
    return Doc(tunnels={**base.tunnels, **part.tunnels},
               connections={**base.connections, **part.connections},
               secrets={**base.secrets, **part.secrets},
               frr=merge_frr(base.frr, part.frr))
