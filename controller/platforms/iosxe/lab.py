"""The IOS-XE containerlab nodes (vrnetlab): Gi1 is management (eth0), Gi2.. are eth1.."""
from ..clab import ClabKind

PORTS = tuple(f"GigabitEthernet{n}" for n in range(2, 11))
SERVICES = "vrnetlab boots it with SSH and NETCONF (port 830) on Gi1, user admin/admin"

CLAB = (
    ClabKind("cisco_c8000v", "vrnetlab/cisco_c8000v:17.11.01a", PORTS, "GigabitEthernet1", SERVICES),
    ClabKind("cisco_csr1000v", "vrnetlab/cisco_csr1000v:17.03.08", PORTS, "GigabitEthernet1", SERVICES),
)
