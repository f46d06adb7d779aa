"""Parsers for Linux router command output. Pure functions; JSON wherever the tool offers it.

>>> parse_ping("ping: local error: message too long, mtu=1442\\n", 1)["error"]
'message too long'
>>> parse_vici_raw("list-sa event {a {state=ESTABLISHED child-sas {c-1 {state=INSTALLED}}}}")[0]["child-sas"]
{'c-1': {'state': 'INSTALLED'}}
"""
from __future__ import annotations

import json
import re

MARK = "@@grectl "
# strongSwan / FRR words -> the neutral words of controller.state and controller.proposals
ENCR = {"AES_GCM_16": "aes-gcm-16", "AES_GCM_12": "aes-gcm-12", "AES_GCM_8": "aes-gcm-8", "AES_CBC": "aes-cbc",
        "CHACHA20_POLY1305": "chacha20-poly1305", "3DES_CBC": "3des"}
INTEG = {"HMAC_SHA1_96": "sha1", "HMAC_SHA2_256_128": "sha256", "HMAC_SHA2_384_192": "sha384",
         "HMAC_SHA2_512_256": "sha512", "HMAC_MD5_96": "md5"}
NETWORK_TYPES = {"POINTOPOINT": "point-to-point", "BROADCAST": "broadcast", "NBMA": "nbma",
                 "POINTOMULTIPOINT": "point-to-multipoint"}
AUTH_FAIL = r"AUTHENTICATION_FAILED|authentication of .* failed|MAC mismatched|no shared key found"


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
    """``ip -d -j link show type gre`` -> {ifname: {local, remote, mtu, admin_up, lower_up, key}}.
    iproute2 prints a GRE key as a dotted quad (``"okey": "0.0.0.1"``): the key is its number.

    >>> parse_gre_links('[{"ifname": "gre-a", "linkinfo": {"info_data": {"okey": "0.0.0.1"}}}]')["gre-a"]["key"]
    '1'
    """
    out = {}
    for ln in _json(text, []):
        name = ln.get("ifname")
        if not name or name == "gre0":
            continue
        info = ln.get("linkinfo", {}).get("info_data", {})
        flags = ln.get("flags", [])
        out[name] = {"local": info.get("local"), "remote": info.get("remote"), "mtu": ln.get("mtu"),
                     "admin_up": "UP" in flags, "lower_up": "LOWER_UP" in flags,
                     "key": _gre_key(info.get("okey") or info.get("ikey"))}
    return out


def _gre_key(v):
    if isinstance(v, str) and "." in v:
        parts = v.split(".")
        if len(parts) == 4 and all(x.isdigit() for x in parts):
            return str(int.from_bytes(bytes(int(x) for x in parts), "big"))
    return v


def parse_route_get(text: str) -> dict:
    """``ip -j route get A`` -> {dev, gateway} or {error} when there is no route."""
    routes = _json(text, None)
    if not routes:
        return {"error": (text or "no route").strip()[:200]}
    r = routes[0]
    return {"dev": r.get("dev"), "gateway": r.get("gateway"), "prefsrc": r.get("prefsrc")}


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


def parse_xfrm_counters(text: str) -> dict[int, dict]:
    """``ip -s xfrm state list nokeys`` (text only; keys hidden): per SPI, its ends and packet count.

    >>> parse_xfrm_counters("src 10.0.0.1 dst 10.0.0.2\\n\\tproto esp spi 0xce6945ae(3463005614) reqid 1"
    ...                     "\\n\\tlifetime current:\\n\\t  29776(bytes), 69(packets)")
    {3463005614: {'src': '10.0.0.1', 'dst': '10.0.0.2', 'packets': 69}}
    """
    out: dict[int, dict] = {}
    cur: dict | None = None
    for line in (text or "").splitlines():
        s = line.strip()
        m = re.fullmatch(r"src (\S+) dst (\S+)", s)
        if m and not line[:1].isspace():
            cur = {"src": m.group(1), "dst": m.group(2), "packets": 0}
            continue
        if cur is None:
            continue
        m = re.search(r"\bspi 0x([0-9a-fA-F]+)", s)
        if m and s.startswith("proto "):
            out[int(m.group(1), 16)] = cur
        m = re.match(r"\d+\(bytes\), (\d+)\(packets\)", s)
        if m:
            cur["packets"] = int(m.group(1))
    return out


# ------------------------------------------------------------------ FRR

OSPF_NEIGHBORS_CMD = "vtysh -c 'show ip ospf neighbor json'"   # what a drill snapshots


def ospf_states(text: str) -> dict[str, str]:
    """``{interface: state}`` from :data:`OSPF_NEIGHBORS_CMD`'s output (a drill's snapshots)."""
    return {n["interface"]: n["state"] for n in parse_ospf_neighbors(text)}


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


def _int(v) -> int | None:
    """A JSON integer (not a bool), else None."""
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def parse_ospf_interfaces(text: str) -> dict[str, dict]:
    """``show ip ospf interface json`` -> {ifname: {area, hello, dead, network_type, mtu, passive, up, cost}}."""
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
                     "up": i.get("ifUp", True), "cost": _int(i.get("cost"))}
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


# ------------------------------------------------------------------ FRR, OSPFv3 (ospf6d 8.4)

OSPF6_NETWORK_TYPES = {"pointopoint": "point-to-point", "point-to-point": "point-to-point", "broadcast": "broadcast"}


def parse_ospf6_neighbors(text: str) -> list[dict]:
    """``show ipv6 ospf6 neighbor json`` -> [{router_id, state, address, interface}].

    >>> parse_ospf6_neighbors('{"neighbors":[{"neighborId":"10.1.2.1","priority":1,"deadTime":"00:00:07",'
    ...                       '"state":"Full","ifState":"PointToPoint","interfaceName":"gre-osaka",'
    ...                       '"interfaceState":"PointToPoint"}]}')
    [{'router_id': '10.1.2.1', 'state': 'Full', 'address': None, 'interface': 'gre-osaka'}]
    """
    data = _json(text, {})
    entries = data.get("neighbors") if isinstance(data, dict) else None
    return [{"router_id": e.get("neighborId", ""), "state": str(e.get("state", "")).split("/")[0], "address": None,
             "interface": e.get("interfaceName", "")}
            for e in (entries if isinstance(entries, list) else []) if isinstance(e, dict)]


def parse_ospf6_interfaces(text: str) -> dict[str, dict]:
    """``show ipv6 ospf6 interface json`` -> {ifname: {area, hello, dead, network_type, mtu, passive, up, cost}}.
    ospf6d 8.4 lists every interface (those without OSPFv3 hold only status, type and id: left out)
    and its "type" stays the link's (BROADCAST for a GRE link set point-to-point); the interface
    state tells: "PointToPoint" only on a point-to-point interface.

    >>> parse_ospf6_interfaces('{"gre-osaka":{"status":"up","type":"BROADCAST","interfaceId":8,"interfaceMtu":1442,'
    ...     '"areaId":"0.0.0.0","timerIntervalsConfigHello":2,"timerIntervalsConfigDead":8,'
    ...     '"ospf6InterfaceState":"PointToPoint"},"wan0":{"status":"up","type":"BROADCAST","interfaceId":2}}'
    ...     )["gre-osaka"]
    ... # doctest: +NORMALIZE_WHITESPACE
    {'area': '0.0.0.0', 'hello': 2, 'dead': 8, 'network_type': 'point-to-point', 'mtu': 1442,
     'passive': False, 'up': True, 'cost': None}
    """
    data = _json(text, {})
    out = {}
    for name, i in (data.items() if isinstance(data, dict) else ()):
        if not isinstance(i, dict) or "areaId" not in i:
            continue
        kind = "pointopoint" if i.get("ospf6InterfaceState") == "PointToPoint" else str(i.get("type", "")).lower()
        out[name] = {"area": i.get("areaId"), "hello": i.get("timerIntervalsConfigHello"),
                     "dead": i.get("timerIntervalsConfigDead"), "network_type": OSPF6_NETWORK_TYPES.get(kind, kind),
                     "mtu": i.get("interfaceMtu"), "passive": bool(i.get("passive", False)),
                     "up": i.get("status", "up") == "up", "cost": _int(i.get("cost"))}
    return out


def frr6_documents(text: str) -> tuple[dict, dict, dict]:
    """(neighbors, interfaces, routes) of the OSPFv3 and IPv6 reads, told apart by shape: the
    neighbours are a list under "neighbors", interfaces name their area, routes are prefixes."""
    nbr, ifaces, routes = {}, {}, {}
    for doc in json_documents(text):
        if not isinstance(doc, dict):
            continue
        if isinstance(doc.get("neighbors"), list):
            nbr = doc
        elif doc and all(isinstance(v, dict) and "interfaceId" in v for v in doc.values()):
            ifaces = doc
        elif not doc or all("/" in k for k in doc):
            routes = doc
    return nbr, ifaces, routes


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
    mtu = re.search(r"mtu\s*[=:]\s*(\d+)", low)  # IPv4 "mtu=1442", IPv6 "message too long, mtu: 1442"
    return {"rc": rc, "sent": sent, "received": received, "error": err,
            "mtu": int(mtu.group(1)) if mtu else None}


def parse_fping(text: str, target: str) -> dict:
    """One target's result in the output of ``fping -M -b SIZE -c N t1 t2 ...`` (stdout and stderr):
    the ``xmt/rcv/%loss`` summary, and a local refusal (``error while sending ping: Message too
    long``) or an ICMP fragmentation-needed report naming the target. fping names no MTU.

    >>> parse_fping("10.0.0.1 : xmt/rcv/%loss = 3/3/0%, min/avg/max = 0.2/0.3/0.5", "10.0.0.1")["received"]
    3
    >>> r = parse_fping("10.0.0.9: error while sending ping: Message too long\\n"
    ...                 "10.0.0.9 : xmt/rcv/%loss = 1/0/100%", "10.0.0.9")
    >>> (r["sent"], r["received"], r["error"])
    (1, 0, 'message too long')
    """
    sent = received = 0
    err = None
    t = re.escape(target)
    for line in (text or "").splitlines():
        low = line.lower()
        m = re.match(rf"^{t}\s*:\s*xmt/rcv/%loss\s*=\s*(\d+)/(\d+)/", line)
        if m:
            sent, received = int(m.group(1)), int(m.group(2))
        elif re.match(rf"^{t}\s*:", line) and "message too long" in low:
            err = "message too long"
        elif re.search(rf"\bfor icmp echo sent to {t}\b", low) and "fragmentation needed" in low:
            err = err or "frag needed"
    return {"rc": 0 if received else 1, "sent": sent, "received": received, "error": err, "mtu": None}


# ------------------------------------------------------------------ verify script output

def parse_sections(text: str) -> dict[str, str]:
    """Split one script's output at ``@@grectl <name>`` marker lines."""
    out, cur, buf = {}, None, []
    for line in text.splitlines():
        if line.startswith(MARK):
            if cur is not None:
                out[cur] = "\n".join(buf)
            cur, buf = line[len(MARK):].strip(), []
        else:
            buf.append(line)
    if cur is not None:
        out[cur] = "\n".join(buf)
    return out

def frr_documents(text: str) -> tuple[dict, dict, dict]:
    """(neighbors, interfaces, routes) from one vtysh run, told apart by shape, not position."""
    nbr, ospfif, routes = {}, {}, {}
    for doc in json_documents(text):
        if not isinstance(doc, dict):
            continue
        if "neighbors" in doc:
            nbr = doc
        elif "interfaces" in doc:
            ospfif = doc
        elif not doc or all("/" in k for k in doc):
            routes = doc
    return nbr, ospfif, routes

def route_gets(peers: list[str], docs: list, raw: str) -> dict[str, dict]:
    """``ip -j -batch`` prints one JSON array per ``route get``; a lookup that fails prints none."""
    out, by_dst = {}, {d[0].get("dst"): d for d in docs if isinstance(d, list) and d}
    errors = [ln.strip() for ln in raw.splitlines() if ln.strip() and not ln.lstrip().startswith(("[", "{"))]
    for p in peers:
        out[p] = (parse_route_get(json.dumps(by_dst[p])) if p in by_dst
                  else {"error": (errors or ["no route"])[0][:200]})
    return out

def auth_failed(log: str, peers: dict[str, str]) -> list[str]:
    """Peers whose latest IKE event in the log is an authentication failure (not an old one since healed).

    >>> auth_failed("<a|1> IKE_SA a[1] established\\n<a|2> received AUTHENTICATION_FAILED notify", {"a": "x"})
    ['a']
    >>> auth_failed("<a|2> MAC mismatched\\n<a|3> IKE_SA a[3] established", {"a": "x"})
    []
    """
    out = []
    for peer, wan in peers.items():
        events = [ln for ln in log.splitlines() if f"<{peer}|" in ln or wan in ln]
        if events and re.search(AUTH_FAIL, events[-1]):
            out.append(peer)
    return sorted(out)

def parse_ping_result(text: str) -> dict:
    """A ping's output followed by an ``rc=N`` line (as the verify script writes it)."""
    rc = 1
    for line in text.splitlines():
        if line.startswith("rc="):
            rc = int(line[3:])
    return parse_ping(text, rc)
