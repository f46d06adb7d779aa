"""Read-only getters of the router agent (runs ON the router, stdlib only): facts, interfaces, ips."""
from __future__ import annotations

import json
import os
import subprocess


def sh(*argv: str) -> str:
    return subprocess.run(argv, capture_output=True, text=True).stdout


def facts() -> dict:
    links = json.loads(sh("ip", "-j", "link", "show"))
    with open("/proc/uptime") as f:
        uptime = float(f.read().split()[0])
    version = sh("vtysh", "-c", "show version").splitlines()
    serial = ""
    if os.path.exists("/etc/machine-id"):
        with open("/etc/machine-id") as f:
            serial = f.read().strip()
    return {"hostname": os.uname().nodename, "fqdn": os.uname().nodename, "vendor": "Linux",
            "model": "FRR+strongSwan", "os_version": (version[0].strip() if version else os.uname().release),
            "serial_number": serial, "uptime": uptime, "interface_list": [ln["ifname"] for ln in links]}


def interfaces() -> dict:
    out = {}
    for ln in json.loads(sh("ip", "-j", "link", "show")):
        flags = ln.get("flags", [])
        out[ln["ifname"]] = {"is_up": "LOWER_UP" in flags or ln.get("operstate") == "UP",
                             "is_enabled": "UP" in flags, "description": ln.get("ifalias", ""),
                             "last_flapped": -1.0, "speed": -1.0, "mtu": ln.get("mtu", 0),
                             "mac_address": ln.get("address", "")}
    return out


def ips() -> dict:
    out = {}
    for a in json.loads(sh("ip", "-j", "addr", "show")):
        for i in a.get("addr_info", []):
            fam = {"inet": "ipv4", "inet6": "ipv6"}.get(i.get("family"))
            if fam:
                out.setdefault(a["ifname"], {}).setdefault(fam, {})[i["local"]] = {"prefix_length": i["prefixlen"]}
    return out
