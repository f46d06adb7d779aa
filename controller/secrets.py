"""Pre-shared keys: resolved from references, checked, fingerprinted, masked. Never logged.

Rendered configs carry a placeholder ``%{psk:<fingerprint>}`` instead of the key;
the device driver swaps in the real key only when it writes the device file, so
diffs, backups, JSON and logs never hold a secret.

>>> placeholder("0123456789abcdef-secret")
'%{psk:fc5996f7b485}'
>>> mask('secret = "hunter2hunter2hunter2"')
'secret = "%{psk:ebbbb4d47207}"'
>>> mask('secret = hunter2hunter2hunter2')
'secret = "%{psk:ebbbb4d47207}"'
"""
from __future__ import annotations

import os
from pathlib import Path

from napalm_linux_frr import linuxconf
from napalm_linux_frr.linuxconf import PLACEHOLDER_RE, fingerprint, mask, placeholder  # noqa: F401

from . import yamlio
from .models import PskRef

MIN_PSK_LEN = 16
MAX_PSK_LEN = 1024


def unmask(text: str, secrets: dict[str, str]) -> str:
    """Put real keys in place of placeholders; ``secrets`` maps fingerprint -> key."""
    def lookup(fp: str) -> str:
        if fp not in secrets:
            raise KeyError(f"no key known for PSK fingerprint {fp}")
        return secrets[fp]
    return linuxconf.unmask(text, lookup)


def check_psk(value: str) -> str | None:
    """Why a (stripped) key cannot be used as is, or None. Never quotes the key.

    Refused: keys a platform would read differently from the file (swanctl quotes the key, so
    ``"`` and ``\\`` change it; strongSwan decodes a leading ``0x`` as hex and ``0s`` as base64),
    control and other non-printable characters, and keys shaped like grectl's placeholder.

    >>> check_psk("abcdefghijklmnopq") is None
    True
    >>> check_psk("0x00112233445566778899")
    "starts with '0x' (strongSwan would decode it as hex)"
    >>> check_psk('abcdefgh"ijklmnopq')
    'holds a double quote (the swanctl config quotes the key)'
    >>> check_psk("abcdefgh\\x00ijklmnopq")
    'holds a non-printable character at position 9'
    """
    if not value:
        return "is empty (or whitespace only)"
    if len(value) < MIN_PSK_LEN:
        return f"is shorter than {MIN_PSK_LEN} characters"
    if len(value) > MAX_PSK_LEN:
        return f"is longer than {MAX_PSK_LEN} characters"
    for i, ch in enumerate(value):
        if not ch.isprintable() or ch in "\t\r\n\x0b\x0c":
            return f"holds a non-printable character at position {i + 1}"
    if '"' in value:
        return "holds a double quote (the swanctl config quotes the key)"
    if "\\" in value:
        return "holds a backslash (the swanctl config would read it as an escape)"
    if value[:2].lower() in ("0x", "0s"):
        codec = "hex" if value[1] in "xX" else "base64"
        return f"starts with {value[:2]!r} (strongSwan would decode it as {codec})"
    if "%{" in value or PLACEHOLDER_RE.search(value):
        return "looks like a grectl placeholder ('%{...}')"
    return None


def read(ref: PskRef, inventory_dir: Path) -> tuple[str | None, str | None]:
    """Return (key, None) or (None, problem). The problem text never holds the key."""
    if (ref.env is None) == (ref.file is None):
        return None, "give exactly one of 'env' or 'file'"
    if ref.env is not None:
        raw = os.environ.get(ref.env)
        if raw is None:
            return None, f"environment variable {ref.env} is not set"
        where = f"environment variable {ref.env}"
    else:
        path = Path(ref.file)
        if not path.is_absolute():
            path = inventory_dir / path
        where = f"PSK file {path}"
        try:
            raw = yamlio.read_text(path, max_bytes=4 * MAX_PSK_LEN)
        except yamlio.FileMissing:
            return None, f"{where} does not exist"
        except yamlio.YamlProblem as e:
            return None, f"{where} {e}"
    value = raw.strip()  # the same rule for files and environment variables
    problem = check_psk(value)
    if problem:
        return None, f"{where}: the key {problem}"
    return value, None
