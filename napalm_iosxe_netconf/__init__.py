"""A NAPALM driver for Cisco IOS-XE over NETCONF (native YANG), built on ncclient.

``napalm.get_network_driver("iosxe_netconf")`` imports this module and finds the driver class.
"""
from .driver import IosXeNetconfDriver

__all__ = ["IosXeNetconfDriver"]
