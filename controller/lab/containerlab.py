"""The lab as a containerlab topology, for machines with Docker (`grectl lab export`).

Same shape as the local lab: routers with a WAN link to an `internet` node (link MTU = the
underlay MTU), a LAN host per LAN, and every router on the management network at its inventory
address. Routers run FRR, strongSwan (charon) and sshd, with no overlay configuration.
Put the controller's public key next to the topology file as `lab_key.pub`.
"""
from __future__ import annotations

from ipaddress import IPv4Address

from controller.lab.topology import LabTopology

ROUTER_IMAGE = "quay.io/frrouting/frr:9.1.0"   # Alpine based; strongSwan and sshd added by exec
HOST_IMAGE = "alpine:3.19"


def _inet_ifname(name: str, i: int) -> str:
    return f"to-{name}" if len(name) <= 12 else f"w{i}"


def _spare_mgmt_addresses(topo: LabTopology):
    used = {r.mgmt_ip for r in topo.routers} | {topo.mgmt_host.ip}
    for a in reversed(list(topo.mgmt_network.hosts())):
        if a not in used:
            yield a


def _router(topo: LabTopology, r, image: str) -> dict:
    sh = lambda cmd: f"sh -c \"{cmd}\""  # noqa: E731
    exec_ = [
        sh("apk add --no-cache strongswan openssh-server >/dev/null"),
        f"ip addr add {r.wan} dev {r.wan_interface}",
        *(f"ip addr add {lan.gateway} dev {lan.interface}" for lan in r.lans),
        f"ip route replace default via {r.wan_gateway} dev {r.wan_interface}",
        sh("sed -i 's/^ospfd=no/ospfd=yes/' /etc/frr/daemons && "
           f"printf 'hostname {r.name}\\n' > /etc/frr/frr.conf && /usr/lib/frr/frrinit.sh restart"),
        sh("ssh-keygen -A && printf 'PermitRootLogin prohibit-password\\nPasswordAuthentication no\\n"
           f"ListenAddress {r.mgmt_ip}\\n' >> /etc/ssh/sshd_config && /usr/sbin/sshd"),
        sh("/usr/libexec/ipsec/charon >/var/log/charon.log 2>&1 &"),
    ]
    return {"kind": "linux", "image": image, "mgmt-ipv4": str(r.mgmt_ip),
            "sysctls": {"net.ipv4.ip_forward": 1},
            "binds": ["/lib/modules:/lib/modules:ro", "lab_key.pub:/root/.ssh/authorized_keys:ro"],
            "exec": exec_}


def containerlab(topo: LabTopology, image: str = ROUTER_IMAGE, host_image: str = HOST_IMAGE) -> dict:
    spare = _spare_mgmt_addresses(topo)
    nodes: dict[str, dict] = {}
    links: list[dict] = []
    inet_exec = []
    for i, r in enumerate(topo.routers, 1):
        nodes[r.name] = _router(topo, r, image)
        ifname = _inet_ifname(r.name, i)
        inet_exec.append(f"ip addr add {r.wan_gateway}/{r.wan.network.prefixlen} dev {ifname}")
        links.append({"endpoints": [f"{r.name}:{r.wan_interface}", f"internet:{ifname}"], "mtu": r.underlay_mtu})
        for j, lan in enumerate(r.lans):
            host = f"lan-{r.name}-{j}"
            nodes[host] = {"kind": "linux", "image": host_image, "mgmt-ipv4": str(next(spare)),
                           "exec": [f"ip addr add {lan.host} dev eth1",
                                    f"ip route replace default via {lan.gateway.ip} dev eth1"]}
            links.append({"endpoints": [f"{r.name}:{lan.interface}", f"{host}:eth1"]})
    # the internet router knows only the WAN prefixes (connected routes, no default route)
    inet_mgmt: IPv4Address = next(spare)
    nodes["internet"] = {"kind": "linux", "image": image, "mgmt-ipv4": str(inet_mgmt),
                         "sysctls": {"net.ipv4.ip_forward": 1},
                         "exec": inet_exec + ["ip route del default"]}
    return {"name": f"grectl-{topo.name}",
            "mgmt": {"network": f"grectl-{topo.name}", "ipv4-subnet": str(topo.mgmt_network)},
            "topology": {"nodes": nodes, "links": links}}
