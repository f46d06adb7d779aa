"""NAPALM finds community drivers by module name: the driver is in controller/platforms/linux/driver.py."""
from controller.platforms.linux.driver import LinuxFrrDriver  # noqa: F401
