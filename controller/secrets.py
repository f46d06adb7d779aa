"""Pre-shared keys: resolved from references, fingerprinted, masked. Never logged.

Rendered configs carry a placeholder ``%{psk:<fingerprint>}`` instead of the key;
the device driver swaps in the real key only when it writes the device file, so
diffs, backups, JSON and logs never hold a secret.

>>> placeholder("0123456789abcdef-secret")
'%{psk:fc5996f7b485}'
>>> mask('secret = "hunter2hunter2hunter2"')
'secret = "%{psk:ebbbb4d47207}"'
"""
from __future__ import annotations

import os
from pathlib import Path

from napalm_linux_frr import linuxconf
from napalm_linux_frr.linuxconf import PLACEHOLDER_RE, fingerprint, mask, placeholder  # noqa: F401

from .models import PskRef

MIN_PSK_LEN = 16


def unmask(text: str, secrets: dict[str, str]) -> str:
    """Put real keys in place of placeholders; ``secrets`` maps fingerprint -> key."""
    def lookup(fp: str) -> str:
        if fp not in secrets:
            raise KeyError(f"no key known for PSK fingerprint {fp}")
        return secrets[fp]
    return linuxconf.unmask(text, lookup)


def read(ref: PskRef, inventory_dir: Path) -> tuple[str | None, str | None]:
    """Return (key, None) or (None, problem). The problem text never holds the key."""
    if (ref.env is None) == (ref.file is None):
        return None, "give exactly one of 'env' or 'file'"
    if ref.env is not None:
        value = os.environ.get(ref.env)
        if value is None:
            return None, f"environment variable {ref.env} is not set"
        where = f"environment variable {ref.env}"
    else:
        path = Path(ref.file)
        if not path.is_absolute():
            path = inventory_dir / path
        if not path.is_file():
            return None, f"PSK file {path} does not exist"
        value = path.read_text().strip()
        where = f"PSK file {path}"
    if not value:
        return None, f"{where} is empty"
    if len(value) < MIN_PSK_LEN:
        return None, f"{where} holds a PSK shorter than {MIN_PSK_LEN} characters"
    if '"' in value or "\n" in value:
        return None, f"{where} holds a PSK with a quote or newline"
    return value, None
