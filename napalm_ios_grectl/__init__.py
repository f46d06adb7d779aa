"""NAPALM's ``ios`` driver under grectl's connection policy (host keys, retries, handshake bound).

``napalm.get_network_driver("ios_grectl")`` imports this package and finds the driver class.
"""

__all__ = ["IosGrectlDriver"]

from controller.platforms.lazy import driver_loader  # noqa: E402

__getattr__, __dir__ = driver_loader(__name__, "IosGrectlDriver")  # the driver (and napalm) load on first use
