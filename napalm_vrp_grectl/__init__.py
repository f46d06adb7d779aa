"""A NAPALM driver for Huawei VRP routers (VRP5 and VRPv8) carrying grectl's GRE-over-IPsec objects.

``napalm.get_network_driver("vrp_grectl")`` imports this package and finds the driver class.
"""

__all__ = ["VrpGrectlDriver"]


def __getattr__(name):  # the driver (and napalm) load on first use, not with the pure helpers
    if name == "VrpGrectlDriver":
        from .driver import VrpGrectlDriver
        return VrpGrectlDriver
    raise AttributeError(name)


def __dir__():
    return sorted(list(globals()) + __all__)
