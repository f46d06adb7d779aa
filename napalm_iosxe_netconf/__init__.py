"""A NAPALM driver for Cisco IOS-XE over NETCONF (native YANG), built on ncclient.

``napalm.get_network_driver("iosxe_netconf")`` imports this module and finds the driver class.
"""

__all__ = ["IosXeNetconfDriver"]


def __getattr__(name):  # the driver (and napalm) load on first use, not with the pure helpers
    if name == "IosXeNetconfDriver":
        from .driver import IosXeNetconfDriver
        return IosXeNetconfDriver
    raise AttributeError(name)


def __dir__():
    return sorted(list(globals()) + __all__)
