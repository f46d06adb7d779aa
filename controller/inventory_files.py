"""The inventory's files, each read and parsed once: what ``inventory.load`` validates and what
``nornir_view`` hands Nornir (no second read, no import cycle between the two)."""
from __future__ import annotations

from pathlib import Path

from . import yamlio
from .errors import InventoryError

FILES = ("hosts", "groups", "defaults", "overlay")


def _read_files(inv: Path) -> tuple[dict[str, dict], list[str]]:
    """Each file read and parsed once. ``raw["directives"]`` lists the Nornir files holding a ``%``
    directive line (``%YAML 1.1``: Nornir's YAML library would read them another way)."""
    raw, problems, directives = {}, [], []
    if not inv.is_dir():
        raise InventoryError([f"{inv}: inventory directory not found"])
    for name in FILES:
        path = inv / f"{name}.yaml"
        try:
            raw[name], text = yamlio.load_with_text(path, required=name in ("hosts", "overlay"))
        except yamlio.YamlProblem as e:
            problems.append(f"{path}: {e}")
            continue
        if name != "overlay" and (text.startswith("%") or "\n%" in text):
            directives.append(name)
    raw["directives"] = directives
    return raw, problems
