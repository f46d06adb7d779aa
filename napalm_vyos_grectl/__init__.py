"""A NAPALM driver for VyOS routers carrying grectl's GRE-over-IPsec objects.

``napalm.get_network_driver("vyos_grectl")`` imports this package and finds the driver class.
"""

__all__ = ["VyosGrectlDriver"]


def __getattr__(name):  # the driver (and napalm) load on first use, not with the pure helpers
    if name == "VyosGrectlDriver":
        from .driver import VyosGrectlDriver
        return VyosGrectlDriver
    raise AttributeError(name)


def __dir__():
    return sorted(list(globals()) + __all__)
