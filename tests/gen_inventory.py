"""Generate an inventory with one hub and N linux sites (used by benchmarks and lab tests)."""
from __future__ import annotations

import sys
from ipaddress import IPv4Network
from pathlib import Path

import yaml


def generate(dst: Path, sites: int, *, hub: str = "hq", prefix: str = "br", lab_name: str = "gen",
             mgmt: str = "172.31.254.0/24", wan_base: str = "198.18.0.0/15", lan_base: str = "10.64.0.0/10",
             pool: str = "100.64.0.0/16", psk: str = "bench-psk-0123456789abcdef", mtu: int = 1500,
             wan_if: str = "wan0") -> Path:
    dst.mkdir(parents=True, exist_ok=True)
    mgmt_net, wan_net = IPv4Network(mgmt), IPv4Network(wan_base)
    wans = list(wan_net.subnets(new_prefix=30))
    lans = IPv4Network(lan_base).subnets(new_prefix=24)
    mgmt_hosts = mgmt_net.hosts()
    next(mgmt_hosts)  # the lab host's address
    names = [hub] + [f"{prefix}{i}" for i in range(1, sites + 1)]
    hosts, routers = {}, {}
    for i, name in enumerate(names):
        hosts[name] = {"hostname": str(next(mgmt_hosts)), "groups": ["linux"]}
        w = wans[i]
        routers[name] = {"wan": {"interface": wan_if, "address": f"{w.network_address + 2}/30", "mtu": mtu},
                         "lans": [str(next(lans))]}
    overlay = {
        "tunnel_pool": pool, "tunnel_prefixlen": 30,
        "ospf": {"hello": 2, "dead": 8},
        "psk": {"file": "psk.txt"},
        "lab": {"name": lab_name, "mgmt_network": mgmt},
        "hubs": {hub: routers[hub]},
        "sites": {n: {"id": i, "hub": hub, **routers[n]} for i, n in enumerate(names[1:], start=1)},
    }
    (dst / "hosts.yaml").write_text(yaml.safe_dump(hosts, sort_keys=False))
    (dst / "groups.yaml").write_text(yaml.safe_dump({"linux": {"platform": "linux", "username": "root"}}))
    (dst / "overlay.yaml").write_text(yaml.safe_dump(overlay, sort_keys=False))
    (dst / "psk.txt").write_text(psk + "\n")
    (dst / "psk.txt").chmod(0o600)
    return dst


if __name__ == "__main__":
    generate(Path(sys.argv[1]), int(sys.argv[2]))
