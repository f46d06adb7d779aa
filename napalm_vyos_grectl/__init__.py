"""NAPALM finds community drivers by module name (``get_network_driver("vyos_grectl")`` imports ``napalm_vyos_grectl``): the driver lives in controller/platforms/vyos/driver.py."""
from controller.platforms.vyos.driver import VyosGrectlDriver  # noqa: F401
