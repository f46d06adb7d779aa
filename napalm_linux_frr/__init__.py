"""NAPALM finds community drivers by module name (``get_network_driver("linux_frr")`` imports ``napalm_linux_frr``): the driver lives in controller/platforms/linux/driver.py."""
from controller.platforms.linux.driver import LinuxFrrDriver  # noqa: F401
