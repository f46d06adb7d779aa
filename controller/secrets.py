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

from . import secretforms, yamlio
from .models import PskRef
from .secretforms import PLACEHOLDER_RE, fingerprint, mask, placeholder  # noqa: F401

MIN_PSK_LEN = 16
MAX_PSK_LEN = 1024


def unmask(text: str, secrets: dict[str, str]) -> str:
    """Put real keys in place of placeholders; ``secrets`` maps fingerprint -> key."""
    def lookup(fp: str) -> str:
        if fp not in secrets:
            raise KeyError(f"no key known for PSK fingerprint {fp}")
        return secrets[fp]
    return secretforms.unmask(text, lookup)


def check_psk(value: str) -> str | None:
    """Why a (stripped) key cannot be used on any platform, or None. Never quotes the key.

    The universal rules: empty, too short or too long, control and other non-printable characters
    (tabs, line breaks, NUL, Unicode line and paragraph separators), and keys shaped like grectl's
    placeholder. How a platform reads a key (quoting, escapes, prefixes) is its own rule:
    ``Platform.check_psk`` (strongSwan's: ``swanctl_problem``).

    >>> check_psk("abcdefghijklmnopq") is None
    True
    >>> check_psk("abcdefgh\\x00ijklmnopq")
    'holds a non-printable character at position 9'
    >>> check_psk("abcdefgh\\u2028ijklmnopq")
    'holds a non-printable character at position 9'
    >>> check_psk("short")
    'is shorter than 16 characters'
    >>> check_psk("%{psk:0123456789ab}")
    "looks like a grectl placeholder ('%{...}')"
    """
    if not value:
        return "is empty (or whitespace only)"
    if len(value) < MIN_PSK_LEN:
        return f"is shorter than {MIN_PSK_LEN} characters"
    if len(value) > MAX_PSK_LEN:
        return f"is longer than {MAX_PSK_LEN} characters"
    for i, ch in enumerate(value):
        if not ch.isprintable() or ch in "\t\r\n\x0b\x0c\x85\u2028\u2029":
            return f"holds a non-printable character at position {i + 1}"
    if "%{" in value or PLACEHOLDER_RE.search(value):
        return "looks like a grectl placeholder ('%{...}')"
    return None


def swanctl_problem(value: str) -> str | None:
    """Why strongSwan (swanctl.conf ``secret = "..."``) would read the key differently, or None.
    Used by every platform that runs strongSwan (Linux, VyOS). Never quotes the key.

    swanctl.conf quotes the key, so ``"`` ends it and ``\\`` starts an escape; strongSwan decodes a
    value starting ``0x`` as hex and ``0s`` as base64 (strongSwan docs, swanctl.conf
    ``secrets.ike<suffix>.secret``: "...hexadecimal with a 0x prefix, Base64 with a 0s prefix").

    >>> swanctl_problem("abcdefghijklmnopq") is None
    True
    >>> swanctl_problem("0x00112233445566778899")
    "starts with '0x' (strongSwan would decode it as hex)"
    >>> swanctl_problem('abcdefgh"ijklmnopq')
    'holds a double quote (the swanctl config quotes the key)'
    >>> swanctl_problem("abcdefgh\\\\ijklmnopq")
    'holds a backslash (the swanctl config would read it as an escape)'
    """
    if '"' in value:
        return "holds a double quote (the swanctl config quotes the key)"
    if "\\" in value:
        return "holds a backslash (the swanctl config would read it as an escape)"
    if value[:2].lower() in ("0x", "0s"):
        codec = "hex" if value[1] in "xX" else "base64"
        return f"starts with {value[:2]!r} (strongSwan would decode it as {codec})"
    return None


def where(ref: PskRef, inventory_dir: Path) -> str:
    """Where the key of ``ref`` is, for messages: ``PSK file <path>`` or ``environment variable X``."""
    if ref.env is not None:
        return f"environment variable {ref.env}"
    return f"PSK file {_path(ref, inventory_dir)}"


def _path(ref: PskRef, inventory_dir: Path) -> Path:
    path = Path(ref.file)
    return path if path.is_absolute() else inventory_dir / path


def mode_problem(path: Path) -> str | None:
    """Why a key file's permissions are too open, as OpenSSH says it of a private key, or None.
    A symlink is judged by its target (``os.stat`` follows it).

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile() as f:
    ...     os.chmod(f.name, 0o644)
    ...     mode_problem(Path(f.name)).startswith("permissions 0644 for ")
    True
    """
    try:
        mode = os.stat(path).st_mode & 0o7777
    except (OSError, ValueError):
        return None  # read_text has said why the file is not usable
    if mode & 0o077:
        return (f"permissions {mode:04o} for {str(path)!r} are too open: a key file must not be "
                "readable or writable by group or others (chmod 600 it, or set check_mode: false "
                "beside file: to allow it)")
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
        path = _path(ref, inventory_dir)
        where = f"PSK file {path}"
        try:
            raw = yamlio.read_text(path, max_bytes=4 * MAX_PSK_LEN)
        except yamlio.FileMissing:
            return None, f"{where} does not exist"
        except yamlio.YamlProblem as e:
            return None, f"{where} {e}"
        problem = mode_problem(path) if ref.check_mode else None
        if problem:
            return None, f"{where}: {problem}"
    value = raw.strip()  # the same rule for files and environment variables
    problem = check_psk(value)
    if problem:
        return None, f"{where}: the key {problem}"
    return value, None
