"""A NAPALM driver for Linux routers running FRR, strongSwan and kernel GRE.

``napalm.get_network_driver("linux_frr")`` imports this module and finds the driver class. The
class (and with it napalm itself) loads on first use, so code that needs only the pure config
document (``napalm_linux_frr.linuxconf``) starts without importing NAPALM.
"""
__all__ = ["LinuxFrrDriver"]


def __getattr__(name):
    if name == "LinuxFrrDriver":
        from .driver import LinuxFrrDriver
        return LinuxFrrDriver
    raise AttributeError(name)


def __dir__():
    return sorted(list(globals()) + __all__)
