"""A NAPALM driver for VyOS routers carrying grectl's GRE-over-IPsec objects.

``napalm.get_network_driver("vyos_grectl")`` imports this package and finds the driver class.
"""
from .driver import VyosGrectlDriver

__all__ = ["VyosGrectlDriver"]
