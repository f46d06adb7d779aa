"""The lab as a containerlab topology, for machines with Docker (`grectl lab export`).

Same shape as the local lab: every device with a WAN link to an `internet` node (link MTU = the
underlay MTU), a LAN host per LAN, and every device on the management network at its inventory
address. Each device is the containerlab node its platform's lab kind names (``caps.clab``,
host data ``clab: {kind, image}``): Linux routers run FRR, strongSwan (charon) and sshd, set up
by exec, with no overlay configuration (put the controller's public key next to the topology
file as `lab_key.pub`); vendor nodes (vrnetlab, VyOS) boot their own NOS with SSH/NETCONF on the
management port, and their WAN and LAN addresses are the engineer's startup configuration.
Their links use containerlab's ethN names; the labels ``grectl.ethN`` say which device port
and which inventory interface each one is.
"""
from __future__ import annotations

from ipaddress import IPv4Address

from controller import platforms
from controller.errors import LabError
from controller.lab.topology import LabRouter, LabTopology
from controller.platforms.clab import ClabKind

ROUTER_IMAGE = "quay.io/frrouting/frr:9.1.0"   # Alpine based; strongSwan and sshd added by exec
HOST_IMAGE = "alpine:3.19"
IPV6_ON = {"net.ipv6.conf.all.disable_ipv6": 0}   # Docker starts containers with IPv6 off


def _inet_ifname(name: str, i: int) -> str:
    return f"to-{name}" if len(name) <= 12 else f"w{i}"


def _spare_mgmt_addresses(topo: LabTopology):
    used = {r.mgmt_ip for r in topo.routers + topo.others} | {topo.mgmt_host.ip}
    for a in reversed(list(topo.mgmt_network.hosts())):
        if a not in used:
            yield a


def _router(topo: LabTopology, r, image: str) -> dict:
    sh = lambda cmd: f"sh -c \"{cmd}\""  # noqa: E731
    exec_ = [
        sh("apk add --no-cache strongswan openssh-server >/dev/null"),
        f"ip addr add {r.wan} dev {r.wan_interface}",
        *(f"ip addr add {a} dev {lan.interface}"
          for lan in r.lans for a in (lan.gateway, lan.gateway6) if a is not None),
        f"ip route replace default via {r.wan_gateway} dev {r.wan_interface}",
        sh("sed -i 's/^ospfd=no/ospfd=yes/' /etc/frr/daemons && "
           + ("sed -i 's/^ospf6d=no/ospf6d=yes/' /etc/frr/daemons && " if r.ipv6 else "")
           + f"printf 'hostname {r.name}\\n' > /etc/frr/frr.conf && /usr/lib/frr/frrinit.sh restart"),
        sh("ssh-keygen -A && printf 'PermitRootLogin prohibit-password\\nPasswordAuthentication no\\n"
           f"ListenAddress {r.mgmt_ip}\\n' >> /etc/ssh/sshd_config && /usr/sbin/sshd"),
        sh("/usr/libexec/ipsec/charon >/var/log/charon.log 2>&1 &"),
    ]
    return {"kind": "linux", "image": image, "mgmt-ipv4": str(r.mgmt_ip),
            "sysctls": {"net.ipv4.ip_forward": 1, **(IPV6_ON | {"net.ipv6.conf.all.forwarding": 1} if r.ipv6 else {})},
            "binds": ["/lib/modules:/lib/modules:ro", "lab_key.pub:/root/.ssh/authorized_keys:ro"],
            "exec": exec_}


def _endpoints(r: LabRouter, kind: ClabKind) -> dict[str, str]:
    """The device's inventory interfaces (WAN, LANs) -> containerlab endpoint names: the port the
    kind's naming places it on, else (a Dialer, the management port) the next free data port."""
    plat = platforms.get(r.platform)

    def canonical(name: str) -> str:
        try:
            return plat.canonical_interface(name)
        except Exception:   # a name the platform's grammar refuses is placed by position
            return name
    names = [r.wan_interface, *(lan.interface for lan in r.lans)]
    out = {n: kind.endpoint(n, canonical) for n in names}
    spare = kind.spare_endpoints({e for e in out.values() if e})
    for n in names:
        if out[n] is None:
            out[n] = next(spare, None)
            if out[n] is None:
                raise LabError(f"{r.name}: containerlab kind {kind.kind} has {len(kind.ports)} data ports, "
                               f"too few for {len(names)} interfaces")
    return out


def _device(r: LabRouter, kind: ClabKind, ends: dict[str, str]) -> dict:
    """A node that boots its own NOS (vrnetlab, a VyOS image): management address and labels."""
    port = dict(zip((f"eth{i}" for i in range(1, len(kind.ports) + 1)), kind.ports))
    labels = {"grectl.platform": r.platform, "grectl.eth0": f"{kind.mgmt} (management)"}
    if kind.services:
        labels["grectl.services"] = kind.services
    for n, e in ends.items():
        labels[f"grectl.{e}"] = f"{port.get(e, e)} (inventory {n})"
    extra = {k: list(v) if isinstance(v, tuple) else v for k, v in kind.node}   # YAML lists
    return {"kind": kind.kind, "image": kind.image, "mgmt-ipv4": str(r.mgmt_ip), **extra, "labels": labels}


def _node(topo: LabTopology, r: LabRouter, image: str) -> tuple[dict, dict[str, str]]:
    kind = r.clab or ClabKind("linux", image, setup="exec")
    if kind.setup == "exec":   # a Linux router: its interfaces keep their inventory names
        names = (r.wan_interface, *(lan.interface for lan in r.lans))
        return _router(topo, r, kind.image), {n: n for n in names}
    ends = _endpoints(r, kind)
    return _device(r, kind, ends), ends


def containerlab(topo: LabTopology, image: str = ROUTER_IMAGE, host_image: str = HOST_IMAGE) -> dict:
    spare = _spare_mgmt_addresses(topo)
    nodes: dict[str, dict] = {}
    links: list[dict] = []
    inet_exec = []
    for i, r in enumerate(topo.routers + topo.others, 1):
        nodes[r.name], ends = _node(topo, r, image)
        ifname = _inet_ifname(r.name, i)
        inet_exec.append(f"ip addr add {r.wan_gateway}/{r.wan.network.prefixlen} dev {ifname}")
        links.append({"endpoints": [f"{r.name}:{ends[r.wan_interface]}", f"internet:{ifname}"],
                      "mtu": r.underlay_mtu})
        for j, lan in enumerate(r.lans):
            host = f"lan-{r.name}-{j}"
            nodes[host] = {"kind": "linux", "image": host_image, "mgmt-ipv4": str(next(spare)),
                           **({"sysctls": dict(IPV6_ON)} if lan.gateway6 is not None else {}),
                           "exec": [*([f"ip addr add {lan.host} dev eth1",
                                       f"ip route replace default via {lan.gateway.ip} dev eth1"]
                                      if lan.gateway is not None else []),
                                    *([f"ip -6 addr add {lan.host6} dev eth1",
                                       f"ip -6 route replace default via {lan.gateway6.ip} dev eth1"]
                                      if lan.gateway6 is not None else [])]}
            links.append({"endpoints": [f"{r.name}:{ends[lan.interface]}", f"{host}:eth1"]})
    # the internet router knows only the WAN prefixes (connected routes, no default route)
    inet_mgmt: IPv4Address = next(spare)
    nodes["internet"] = {"kind": "linux", "image": image, "mgmt-ipv4": str(inet_mgmt),
                         "sysctls": {"net.ipv4.ip_forward": 1},
                         "exec": inet_exec + ["ip route del default"]}
    return {"name": f"grectl-{topo.name}",
            "mgmt": {"network": f"grectl-{topo.name}", "ipv4-subnet": str(topo.mgmt_network)},
            "topology": {"nodes": nodes, "links": links}}
