"""NAPALM finds community drivers by module name (``get_network_driver("iosxe_netconf")`` imports ``napalm_iosxe_netconf``): the driver lives in controller/platforms/iosxe/driver.py."""
from controller.platforms.iosxe.driver import IosXeNetconfDriver  # noqa: F401
