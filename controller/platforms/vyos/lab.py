"""The VyOS containerlab nodes: eth0 is management, eth1.. are data ports under both kinds.

``vyosnetworks_vyos``: the VyOS VM in a vrnetlab container. ``linux``: a VyOS container image
(built from the ISO's squashfs), started with its init; SSH is enabled by the engineer's startup
configuration (``set service ssh``) or ``vyos-first-boot``.
"""
from ..clab import ClabKind

PORTS = tuple(f"eth{n}" for n in range(1, 10))

CLAB = (
    ClabKind("vyosnetworks_vyos", "vrnetlab/vyosnetworks_vyos:1.4.0", PORTS, "eth0",
             "vrnetlab boots it with SSH on eth0, user admin/admin"),
    ClabKind("linux", "vyos/vyos:1.4", PORTS, "eth0", "SSH from the startup configuration (set service ssh)",
             node=(("cmd", "/sbin/init"), ("privileged", True), ("binds", ("/lib/modules:/lib/modules:ro",)))),
)
