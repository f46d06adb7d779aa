"""A NAPALM driver for Huawei VRP routers (VRP5 and VRPv8) carrying grectl's GRE-over-IPsec objects.

``napalm.get_network_driver("vrp_grectl")`` imports this package and finds the driver class.
"""
from .driver import VrpGrectlDriver

__all__ = ["VrpGrectlDriver"]
