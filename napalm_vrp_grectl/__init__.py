"""NAPALM finds community drivers by module name: the driver is in controller/platforms/huawei_vrp/driver.py."""
from controller.platforms.huawei_vrp.driver import VrpGrectlDriver  # noqa: F401
