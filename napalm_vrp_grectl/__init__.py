"""NAPALM finds community drivers by module name (``get_network_driver("vrp_grectl")`` imports ``napalm_vrp_grectl``): the driver lives in controller/platforms/huawei_vrp/driver.py."""
from controller.platforms.huawei_vrp.driver import VrpGrectlDriver  # noqa: F401
