"""Where grectl keeps its state for an inventory: one directory that does not depend on the
current directory, so two commands on one inventory always meet at the same change lock.

- default: ``<inventory>/.grectl/`` (beside the files it describes; git-ignored);
- ``GRECTL_STATE_DIR`` (a service, e.g. ``/var/lib/grectl``): ``$GRECTL_STATE_DIR/<name>-<hash>/``,
  one subdirectory per inventory, named after its absolute path.

The change lock is always here. Backups and the watch history default here (``--backup-dir`` and
``--history`` move them; they never move the lock).

>>> import os; os.environ.pop("GRECTL_STATE_DIR", None) and None
>>> str(state_dir("/etc/grectl/inventory"))
'/etc/grectl/inventory/.grectl'
>>> state_dir("/a/../etc/grectl/inventory") == state_dir("/etc/grectl/inventory")
True
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

ENV = "GRECTL_STATE_DIR"


def inventory_key(inventory_dir: Path | str) -> str:
    """``<name>-<8 hex of the absolute path>``: one name per inventory, wherever it is run from."""
    inv = Path(inventory_dir).resolve()
    return f"{inv.name or 'inventory'}-{hashlib.sha1(str(inv).encode()).hexdigest()[:8]}"


def state_dir(inventory_dir: Path | str) -> Path:
    base = os.environ.get(ENV)
    if base:
        return Path(base).resolve() / inventory_key(inventory_dir)
    return Path(inventory_dir).resolve() / ".grectl"


def lock_file(inventory_dir: Path | str) -> Path:
    return state_dir(inventory_dir) / "change.lock"


def backups(inventory_dir: Path | str, given: Path | None = None) -> Path:
    return Path(given) if given is not None else state_dir(inventory_dir) / "backups"


def history(inventory_dir: Path | str, given: Path | None = None) -> Path:
    return Path(given) if given is not None else state_dir(inventory_dir) / "history.db"


def journal(inventory_dir: Path | str) -> Path:
    """The record of the change in progress (phases, devices committed and confirmed)."""
    return state_dir(inventory_dir) / "transaction.json"


# ------------------------------------------------------------------ the lab's state (read by deploy and verify too)
LAB_ROOT = Path("/var/lib/grectl/lab")


def default_state_dir(lab_name: str) -> Path:
    """Where a lab keeps its state unless told otherwise."""
    return LAB_ROOT / lab_name


def lab_state_dir(lab_name: str) -> Path:
    """The lab's state directory: ``GRECTL_LAB_DIR``, else the default for ``lab_name``."""
    return Path(os.environ.get("GRECTL_LAB_DIR") or default_state_dir(lab_name))


def ssh_settings(state_dir: Path) -> dict:
    """How to log in to the lab's routers: its key and known_hosts, in ``state_dir``."""
    state_dir = Path(state_dir).resolve()
    return {"username": "root", "key_file": str(state_dir / "id_ed25519"),
            "known_hosts": str(state_dir / "known_hosts")}
