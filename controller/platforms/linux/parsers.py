"""Parsers for Linux router command output. Pure functions; JSON wherever the tool offers it.

>>> parse_ping("ping: local error: message too long, mtu=1442\\n", 1)["error"]
'message too long'
>>> parse_vici_raw("list-sa event {a {state=ESTABLISHED child-sas {c-1 {state=INSTALLED}}}}")[0]["child-sas"]
{'c-1': {'state': 'INSTALLED'}}
"""
from __future__ import annotations

import json
import re


def _json(text: str, default):
    text = (text or "").strip()
    if not text:
        return default
    try:
        return json.loads(text)
    except ValueError:
        return default


def json_documents(text: str) -> list:
    """Several JSON documents printed back to back (vtysh -c ... -c ..., ip -batch), in order.

    >>> json_documents('{"a": 1}\\n[2]\\nnoise {"b": 3}')
    [{'a': 1}, [2], {'b': 3}]
    """
    dec, out, i, text = json.JSONDecoder(), [], 0, text or ""
    while i < len(text):
        j = min((k for k in (text.find("{", i), text.find("[", i)) if k >= 0), default=-1)
        if j < 0:
            break
        try:
            doc, i = dec.raw_decode(text, j)
            out.append(doc)
        except ValueError:
            i = j + 1
    return out


# ------------------------------------------------------------------ iproute2

def parse_gre_links(text: str) -> dict[str, dict]:
    """``ip -d -j link show type gre`` -> {ifname: {local, remote, mtu, admin_up, lower_up, key}}."""
    out = {}
    for ln in _json(text, []):
        name = ln.get("ifname")
        if not name or name == "gre0":
            continue
        info = ln.get("linkinfo", {}).get("info_data", {})
        flags = ln.get("flags", [])
        out[name] = {"local": info.get("local"), "remote": info.get("remote"), "mtu": ln.get("mtu"),
                     "admin_up": "UP" in flags, "lower_up": "LOWER_UP" in flags,
                     "key": info.get("okey") or info.get("ikey")}
    return out


def parse_route_get(text: str) -> dict:
    """``ip -j route get A`` -> {dev, gateway} or {error} when there is no route."""
    routes = _json(text, None)
    if not routes:
        return {"error": (text or "no route").strip()[:200]}
    r = routes[0]
    return {"dev": r.get("dev"), "gateway": r.get("gateway"), "prefsrc": r.get("prefsrc")}


def parse_addresses(text: str) -> dict[str, list[str]]:
    """``ip -j addr show`` -> {ifname: [a.b.c.d/len, ...]} (IPv4)."""
    out: dict[str, list[str]] = {}
    for a in _json(text, []):
        for i in a.get("addr_info", []):
            if i.get("family") == "inet":
                out.setdefault(a["ifname"], []).append(f"{i['local']}/{i['prefixlen']}")
    return out


# ------------------------------------------------------------------ strongSwan (vici raw)

_TOKEN = re.compile(r"\s*(?:(\})|([\w.-]+)\s*\{|([\w.-]+)=\[((?:[^\[\]]|\[[^\]]*\])*)\]|([\w.-]+)=([^\s}]*))")


def parse_vici_raw(text: str) -> list[dict]:
    """``swanctl --list-sas --raw``: one ``list-sa event {name {k=v ... child-sas {...}}}`` per line.

    Returns one dict per IKE SA: its keys plus ``name`` and ``child-sas`` {child: {k: v}}.
    """
    sas = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line.startswith("list-sa event {"):
            continue
        body = line[len("list-sa event {"):]
        stack: list[dict] = [{}]
        pos = 0
        while pos < len(body):
            m = _TOKEN.match(body, pos)
            if not m:
                break
            pos = m.end()
            if m.group(1):
                if len(stack) > 1:
                    stack.pop()
            elif m.group(2):
                child: dict = {}
                stack[-1][m.group(2)] = child
                stack.append(child)
            elif m.group(3):
                stack[-1][m.group(3)] = m.group(4).split()
            else:
                stack[-1][m.group(5)] = m.group(6)
        for name, sa in stack[0].items():
            if isinstance(sa, dict):
                sa = dict(sa)
                sa["name"] = name
                sa.setdefault("child-sas", {})
                sas.append(sa)
    return sas


# ------------------------------------------------------------------ FRR

def parse_ospf_neighbors(text: str) -> list[dict]:
    """``show ip ospf neighbor json`` -> [{router_id, state, address, interface}]."""
    data = _json(text, {})
    out = []
    for rid, entries in (data.get("neighbors") or {}).items():
        for e in entries if isinstance(entries, list) else [entries]:
            state = e.get("nbrState") or e.get("state") or ""
            iface = (e.get("ifaceName") or e.get("interfaceName") or "").split(":")[0]
            out.append({"router_id": rid, "state": state.split("/")[0], "address": e.get("ifaceAddress")
                        or e.get("address"), "interface": iface})
    return out


def parse_ospf_interfaces(text: str) -> dict[str, dict]:
    """``show ip ospf interface json`` -> {ifname: {area, hello, dead, network_type, mtu, passive}}."""
    data = _json(text, {})
    ifaces = data.get("interfaces", data) if isinstance(data, dict) else {}
    out = {}
    for name, i in ifaces.items():
        if not isinstance(i, dict):
            continue
        hello_ms = i.get("timerMsecs")
        out[name] = {"area": i.get("area"), "hello": hello_ms // 1000 if isinstance(hello_ms, int) else None,
                     "dead": i.get("timerDeadSecs"), "network_type": i.get("networkType"),
                     "mtu": i.get("mtuBytes"), "passive": bool(i.get("timerPassiveIface")),
                     "up": i.get("ifUp", True)}
    return out


def parse_routes(text: str) -> dict[str, list[dict]]:
    """``show ip route [ospf] json`` -> {prefix: [{protocol, selected, nexthops: [{ip, interface}]}]}."""
    out = {}
    for prefix, entries in _json(text, {}).items():
        out[prefix] = [{"protocol": e.get("protocol"), "selected": bool(e.get("selected")),
                        "nexthops": [{"ip": n.get("ip"), "interface": n.get("interfaceName"),
                                      "active": bool(n.get("active"))} for n in e.get("nexthops", [])]}
                       for e in entries]
    return out


# ------------------------------------------------------------------ ping

def parse_ping(text: str, rc: int) -> dict:
    """iputils ``ping -M do``: received count and the local error, if any."""
    m = re.search(r"(\d+) packets transmitted, (\d+) (?:packets )?received", text or "")
    sent, received = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
    err = None
    low = (text or "").lower()
    if "message too long" in low:
        err = "message too long"
    elif "frag needed" in low:
        err = "frag needed"
    mtu = re.search(r"mtu\s*=\s*(\d+)", low)
    return {"rc": rc, "sent": sent, "received": received, "error": err,
            "mtu": int(mtu.group(1)) if mtu else None}
