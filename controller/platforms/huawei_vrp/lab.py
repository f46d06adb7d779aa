"""The Huawei VRP containerlab node (vrnetlab, NE40E/CE12800 images): GigabitEthernet0/0/0 is
management (eth0); Ethernet1/0/0.. are eth1.."""
from ..clab import ClabKind

PORTS = tuple(f"Ethernet1/0/{n}" for n in range(10))

CLAB = (
    ClabKind("huawei_vrp", "vrnetlab/huawei_vrp:ne40e-8.180", PORTS, "GigabitEthernet0/0/0",
             "vrnetlab boots it with SSH and NETCONF (port 830) on GigabitEthernet0/0/0, user admin/admin"),
)
