"""A NAPALM driver for VyOS routers carrying grectl's GRE-over-IPsec objects.

``napalm.get_network_driver("vyos_grectl")`` imports this package and finds the driver class.
"""

__all__ = ["VyosGrectlDriver"]

from controller.platforms.lazy import driver_loader  # noqa: E402

__getattr__, __dir__ = driver_loader(__name__, "VyosGrectlDriver")  # the driver (and napalm) load on first use
