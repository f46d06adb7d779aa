"""A NAPALM driver for Huawei VRP routers (VRP5 and VRPv8) carrying grectl's GRE-over-IPsec objects.

``napalm.get_network_driver("vrp_grectl")`` imports this package and finds the driver class.
"""

__all__ = ["VrpGrectlDriver"]

from controller.platforms.lazy import driver_loader  # noqa: E402

__getattr__, __dir__ = driver_loader(__name__, "VrpGrectlDriver")  # the driver (and napalm) load on first use
