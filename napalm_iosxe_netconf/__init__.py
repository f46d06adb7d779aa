"""NAPALM finds community drivers by module name: the driver is in controller/platforms/iosxe/driver.py."""
from controller.platforms.iosxe.driver import IosXeNetconfDriver  # noqa: F401
