"""NAPALM finds community drivers by module name: the driver is in controller/platforms/vyos/driver.py."""
from controller.platforms.vyos.driver import VyosGrectlDriver  # noqa: F401
