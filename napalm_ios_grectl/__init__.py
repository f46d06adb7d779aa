"""NAPALM finds community drivers by module name: the driver is in controller/platforms/ios/driver.py."""
from controller.platforms.ios.driver import IosGrectlDriver  # noqa: F401
