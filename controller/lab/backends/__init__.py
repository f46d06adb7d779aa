"""Lab backends: where the router namespaces run. `get(name)` returns one; see base.Backend."""
from __future__ import annotations

from controller.errors import LabError
from controller.lab.backends.base import Backend
from controller.lab.backends.netns import NetnsBackend
from controller.lab.backends.uml import UmlBackend

BACKENDS: dict[str, type[Backend]] = {"uml": UmlBackend, "netns": NetnsBackend}


def get(name: str) -> Backend:
    try:
        return BACKENDS[name]()
    except KeyError:
        raise LabError(f"unknown lab backend {name!r} ({' or '.join(BACKENDS)})") from None


def all_backends() -> list[Backend]:
    return [cls() for cls in BACKENDS.values()]


__all__ = ["BACKENDS", "Backend", "NetnsBackend", "UmlBackend", "all_backends", "get"]
