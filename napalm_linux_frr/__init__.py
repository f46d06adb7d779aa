"""A NAPALM driver for Linux routers running FRR, strongSwan and kernel GRE.

``napalm.get_network_driver("linux_frr")`` imports this module and finds the driver class.
"""
from .driver import LinuxFrrDriver

__all__ = ["LinuxFrrDriver"]
