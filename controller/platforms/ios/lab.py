"""The IOS containerlab nodes (vrnetlab).

IOL: Ethernet0/0 is management (eth0); Ethernet0/1.. are eth1.., four ports a slot (eth4 is
Ethernet1/0). vIOS: GigabitEthernet0/0 is management; GigabitEthernet0/1.. are eth1..
"""
from ..clab import ClabKind

IOL_PORTS = tuple(f"Ethernet{slot}/{port}" for slot in range(4) for port in range(4))[1:]
VIOS_PORTS = tuple(f"GigabitEthernet0/{n}" for n in range(1, 16))

CLAB = (
    ClabKind("cisco_iol", "vrnetlab/cisco_iol:17.12.01", IOL_PORTS, "Ethernet0/0",
             "vrnetlab boots it with SSH on Ethernet0/0, user admin/admin"),
    ClabKind("cisco_vios", "vrnetlab/cisco_vios:159-3.M10", VIOS_PORTS, "GigabitEthernet0/0",
             "vrnetlab boots it with SSH on GigabitEthernet0/0, user admin/admin"),
)
