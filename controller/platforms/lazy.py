"""Driver packages that load their driver class (and NAPALM with it) only on first use.

NAPALM's ``get_network_driver(name)`` imports ``napalm_<name>`` and looks through ``dir()`` for
the driver class; code that needs only a package's pure helpers then starts without NAPALM.

>>> getattr_, dir_ = driver_loader("napalm_linux_frr", "LinuxFrrDriver")
>>> "LinuxFrrDriver" in dir_()
True
"""
from __future__ import annotations

import importlib


def driver_loader(package: str, cls: str):
    """(``__getattr__``, ``__dir__``) for a driver package whose class lives in ``<package>.driver``."""
    def __getattr__(name):
        if name == cls:
            return getattr(importlib.import_module(f"{package}.driver"), cls)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__():
        return sorted(set(vars(importlib.import_module(package))) | {cls})
    return __getattr__, __dir__
