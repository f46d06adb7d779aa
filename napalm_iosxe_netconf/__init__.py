"""A NAPALM driver for Cisco IOS-XE over NETCONF (native YANG), built on ncclient.

``napalm.get_network_driver("iosxe_netconf")`` imports this module and finds the driver class.
"""

__all__ = ["IosXeNetconfDriver"]

from controller.platforms.lazy import driver_loader  # noqa: E402

__getattr__, __dir__ = driver_loader(__name__, "IosXeNetconfDriver")  # the driver (and napalm) load on first use
