"""NAPALM finds community drivers by module name (``get_network_driver("ios_grectl")`` imports ``napalm_ios_grectl``): the driver lives in controller/platforms/ios/driver.py."""
from controller.platforms.ios.driver import IosGrectlDriver  # noqa: F401
