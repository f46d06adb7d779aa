"""A NAPALM driver for Linux routers running FRR, strongSwan and kernel GRE.

``napalm.get_network_driver("linux_frr")`` imports this module and finds the driver class. The
class (and with it napalm itself) loads on first use, so code that needs only the pure config
document (``napalm_linux_frr.linuxconf``) starts without importing NAPALM.
"""
__all__ = ["LinuxFrrDriver"]

from controller.platforms.lazy import driver_loader  # noqa: E402

__getattr__, __dir__ = driver_loader(__name__, "LinuxFrrDriver")  # the driver (and napalm) load on first use
