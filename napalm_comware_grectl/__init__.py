"""NAPALM finds community drivers by module name: the driver is in controller/platforms/h3c_comware/driver.py."""
from controller.platforms.h3c_comware.driver import ComwareGrectlDriver  # noqa: F401
