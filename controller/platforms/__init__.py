"""The platform registry: platforms by name, found in ``controller/platforms/<name>/`` or in
third-party packages through the entry-point group ``grectl.platforms`` (as NAPALM finds
``napalm_<name>`` drivers).

>>> get("linux").caps.ownership
'files'
>>> "junos" in names()
True
"""
from __future__ import annotations

import importlib
from importlib.metadata import entry_points

from ..errors import GrectlError
from .base import Capabilities, Platform, Problem

ENTRY_POINT_GROUP = "grectl.platforms"
BUILTIN = ("linux", "ios", "iosxe", "vyos", "huawei_vrp", "h3c_comware", "junos")

_registry: dict[str, Platform] = {}
_loaded = False


def register(platform: Platform) -> Platform:
    """Add (or replace) a platform. Returns it, so a module can ``PLATFORM = register(...)``."""
    _registry[platform.name] = platform
    return platform


def unregister(name: str) -> None:
    _registry.pop(name, None)


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for name in BUILTIN:
        mod = importlib.import_module(f"{__name__}.{name}")
        if name not in _registry:
            register(mod.PLATFORM)
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name not in _registry:
            try:
                obj = ep.load()
            except Exception as e:  # a broken plugin must not break grectl
                raise GrectlError(f"platform plugin {ep.name!r} ({ep.value}) failed to load: "
                                  f"{e.__class__.__name__}: {e}") from None
            register(obj() if isinstance(obj, type) else obj)


def get(name: str) -> Platform:
    _load()
    try:
        return _registry[name]
    except KeyError:
        raise GrectlError(f"unknown platform {name!r} (known: {', '.join(names())})") from None


def find(name: str | None) -> Platform | None:
    _load()
    return _registry.get(name or "")


def names() -> list[str]:
    _load()
    return sorted(_registry)


def problems_of(platform: Platform, overlay, device: str) -> list[Problem]:
    """``platform.problems``; for a plugin written to contract v1 (it overrides only ``check``,
    returning text), its text problems structured."""
    cls = type(platform)
    if cls.check is not Platform.check and cls.problems is Platform.problems:
        from .base import family_problems
        return [Problem.parse(t, platform.name) for t in platform.check(overlay, device)] \
            + family_problems(platform, overlay, device)
    return platform.problems(overlay, device)


def mask_any(text: str) -> str:
    """``text`` with secrets masked in every form any registered platform may print them."""
    _load()
    for p in _registry.values():
        text = p.mask(text)
    return text


__all__ = ["Capabilities", "Platform", "Problem", "problems_of", "register", "unregister", "get", "find", "names",
           "mask_any", "ENTRY_POINT_GROUP"]
