"""FRR's own text output (vtysh), for platforms whose CLI prints it unchanged (VyOS runs FRR).

Pure functions; the shapes match the JSON-based parsers in ``linux/parsers.py`` so the same
``DeviceState`` comes out. Formats: FRR 7-10 ``show ip ospf neighbor`` (with or without the
``Up Time`` column), ``show ip ospf interface``, ``show ip route [ospf]`` (and the Quagga-era
form VyOS 1.2/1.3 print, as in seed 004), ``show ip route A.B.C.D``.

>>> parse_ospf_neighbors('''Neighbor ID     Pri State           Up Time         Dead Time Address         Interface                        RXmtL RqstL DBsmL
... 10.1.1.1          1 Full/-          1h02m03s          33.912s 172.16.0.1      tun1:172.16.0.2                      0     0     0''')
[{'router_id': '10.1.1.1', 'state': 'Full', 'address': '172.16.0.1', 'interface': 'tun1'}]
>>> parse_routes("O>* 10.1.1.0/24 [110/11] via 172.16.0.1, tun1, weight 1, 00:10:11")["10.1.1.0/24"][0]["nexthops"]
[{'ip': '172.16.0.1', 'interface': 'tun1', 'active': True}]
>>> parse_route_lookup('''Routing entry for 0.0.0.0/0
...   Known via "static", distance 1, metric 0, best
...   * 198.51.100.5, via eth0, weight 1''')
{'dev': 'eth0', 'gateway': '198.51.100.5', 'prefix': '0.0.0.0/0'}
"""
from __future__ import annotations

import re

IP = r"\d{1,3}(?:\.\d{1,3}){3}"
PROTOCOLS = {"K": "kernel", "C": "connected", "S": "static", "R": "rip", "O": "ospf", "I": "isis", "B": "bgp",
             "E": "eigrp", "N": "nhrp", "T": "table", "A": "babel", "F": "pbr", "f": "openfabric", "L": "local"}
NETWORK_TYPES = {"POINTOPOINT": "point-to-point", "BROADCAST": "broadcast", "NBMA": "nbma",
                 "POINTOMULTIPOINT": "point-to-multipoint", "LOOPBACK": "loopback"}

_NBR = re.compile(rf"^({IP})\s+(\d+)\s+(\S+)\s+.*?\s({IP})\s+(\S+)\s+\d+\s+\d+\s+\d+\s*$")


def parse_ospf_neighbors(text: str) -> list[dict]:
    """``show ip ospf neighbor`` -> [{router_id, state, address, interface}] (state without the role)."""
    out = []
    for line in (text or "").splitlines():
        m = _NBR.match(line.strip())
        if m:
            out.append({"router_id": m.group(1), "state": m.group(3).split("/")[0], "address": m.group(4),
                        "interface": m.group(5).split(":")[0]})
    return out


def _seconds(value: str, unit: str | None) -> int:
    v = float(value)
    return int(round(v / 1000)) if unit == "ms" else int(v)


def parse_ospf_interfaces(text: str) -> dict[str, dict]:
    """``show ip ospf interface`` -> {ifname: {area, hello, dead, network_type, mtu, passive, up}};
    interfaces that say "OSPF not enabled" are left out."""
    out, cur, name = {}, None, None
    for line in (text or "").splitlines():
        m = re.match(r"^(\S+) is (up|down)", line)
        if m:
            name = m.group(1)
            cur = {"area": None, "hello": None, "dead": None, "network_type": None, "mtu": None,
                   "passive": False, "up": m.group(2) == "up"}
            out[name] = cur
            continue
        if cur is None:
            continue
        if "OSPF not enabled" in line:
            out.pop(name, None)
            cur = None
            continue
        if m := re.search(r"MTU (\d+) bytes", line):
            cur["mtu"] = int(m.group(1))
        if m := re.search(rf"Area ({IP}|\d+)", line):
            a = m.group(1)
            cur["area"] = a if "." in a else ".".join(str((int(a) >> s) & 255) for s in (24, 16, 8, 0))
        if m := re.search(r"Network Type (\S+?),?\s", line + " "):
            cur["network_type"] = NETWORK_TYPES.get(m.group(1).rstrip(","), m.group(1).lower())
        if m := re.search(r"Hello (\d+(?:\.\d+)?)(ms|s)?", line):
            if "configured" in line or "Timer intervals" in line:
                cur["hello"] = _seconds(m.group(1), m.group(2))
        if m := re.search(r"Dead (\d+)(ms|s)?", line):
            cur["dead"] = _seconds(m.group(1), m.group(2))
        if "Passive interface" in line:
            cur["passive"] = True
    return out


_ROUTE = re.compile(rf"^([A-Za-z])([>*=qrbto ]*?)\s*({IP}/\d+)\s+(?:\[\d+/\d+\]\s+)?"
                    rf"(?:via ({IP}), ([^,\s]+)|is directly connected, ([^,\s]+))")
_MORE = re.compile(rf"^\s+([>*=qrbto]*)\s*(?:via ({IP}), ([^,\s]+)|is directly connected, ([^,\s]+))")


def parse_routes(text: str) -> dict[str, list[dict]]:
    """``show ip route [ospf]`` -> {prefix: [{protocol, selected, nexthops: [{ip, interface, active}]}]}."""
    out: dict[str, list[dict]] = {}
    last = None
    for line in (text or "").splitlines():
        m = _ROUTE.match(line)
        if m:
            code, flags, prefix = m.group(1), m.group(2) or "", m.group(3)
            last = {"protocol": PROTOCOLS.get(code, code.lower()), "selected": ">" in flags,
                    "nexthops": [{"ip": m.group(4), "interface": m.group(5) or m.group(6), "active": "*" in flags}]}
            out.setdefault(prefix, []).append(last)
            continue
        m = _MORE.match(line)
        if m and last is not None:
            last["nexthops"].append({"ip": m.group(2), "interface": m.group(3) or m.group(4),
                                     "active": "*" in (m.group(1) or "")})
    return out


def parse_route_lookup(text: str) -> dict:
    """``show ip route A.B.C.D``: the best entry's first nexthop -> {dev, gateway, prefix}, or {error}."""
    blocks = re.split(r"(?m)^(?=Routing entry for )", text or "")
    blocks = [b for b in blocks if b.startswith("Routing entry for ")]
    if not blocks:
        msg = (text or "").strip().splitlines()
        return {"error": (msg[0] if msg else "no route")[:200]}
    best = next((b for b in blocks if re.search(r"\bbest\b", b)), blocks[0])
    prefix = best.split()[3]
    for line in best.splitlines()[1:]:
        if m := re.match(rf"^\s+\*?\s*({IP}), via ([^,\s]+)", line):
            return {"dev": m.group(2), "gateway": m.group(1), "prefix": prefix}
        if m := re.match(r"^\s+\*?\s*directly connected, ([^,\s]+)", line):
            return {"dev": m.group(1), "gateway": None, "prefix": prefix}
    return {"error": f"no nexthop for {prefix}"}
