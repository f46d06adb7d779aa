"""``grectl validate --yang DIR``: check every rendered payload of a platform with YANG models
(today ``iosxe``) offline against the models in DIR with yanglint.

DIR is untrusted input. yanglint never reads it: the ``*.yang``/``*.yin`` files at its top level are
copied into a private directory first, each one a regular UTF-8 file (RFC 7950 section 6.1) of at
most 16 MiB whose real path (symlinks resolved) is inside DIR; anything else (a symlink leaving DIR,
a symlink loop, a FIFO, a device) stops the check with one line naming the file, never its content.
yanglint's messages are masked (the inventory's keys, and every key form a platform prints).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ... import safefile
from ...errors import GrectlError

YANG_PLATFORMS = ("iosxe",)
SUFFIXES = (".yang", ".yin")
MAX_MODULES = 10000   # Cisco's IOS-XE 17.x directory holds about 1000


def check_dir(yang_dir: Path) -> tuple[Path, list[Path]]:
    """DIR resolved and its module files (top level); raises GrectlError. Each file is checked when
    ``copy_modules`` reads it.

    >>> check_dir(Path("/nonexistent-grectl"))
    Traceback (most recent call last):
    ...
    controller.errors.GrectlError: /nonexistent-grectl: YANG directory not found
    """
    shown = safefile.printable(str(yang_dir))
    if not yang_dir.exists() and not yang_dir.is_symlink():
        raise GrectlError(f"{shown}: YANG directory not found")
    try:
        top = yang_dir.resolve(strict=True)
    except (OSError, RuntimeError):
        raise GrectlError(f"{shown}: symlink loop or unreadable path") from None
    if not top.is_dir():
        raise GrectlError(f"{shown}: not a directory (give the directory holding Cisco's IOS-XE YANG modules)")
    try:
        entries = sorted(e.name for e in os.scandir(top) if e.name.endswith(SUFFIXES))
    except OSError as e:
        raise GrectlError(f"{shown}: cannot list: {(e.strerror or 'error').lower()}") from None
    if not entries:
        raise GrectlError(f"{shown}: no Cisco-IOS-XE-native.yang there (no *.yang at all: give the directory "
                          "holding Cisco's IOS-XE YANG modules)")
    if len(entries) > MAX_MODULES:
        raise GrectlError(f"{shown}: over {MAX_MODULES} YANG modules")
    return top, [top / name for name in entries]


def copy_modules(files: list[Path], top: Path, into: Path) -> None:
    """Each module into ``into`` under its own name, refusing what ``check_dir`` describes."""
    for f in files:
        try:
            real = safefile.inside(f, top)
            data = safefile.read_bytes(real)
            safefile.decode(data, safefile.printable(str(f)))
        except safefile.UnsafeFile as e:
            raise GrectlError(f"YANG module {e}") from None
        (into / f.name).write_bytes(data)


def masked(text: str, keys: list[str], tmp: str, yang_dir: Path) -> str:
    """yanglint's ``text`` on one line: the private copy named as DIR, every key masked.

    >>> masked("bad 'k3y-s3cret' in /tmp/x/a.yang", ["k3y-s3cret"], "/tmp/x", Path("/y"))
    "bad '<psk masked>' in /y/a.yang"
    """
    from .. import mask_any
    for k in sorted(keys, key=len, reverse=True):
        if k:
            text = text.replace(k, "<psk masked>")
    text = text.replace(tmp, str(yang_dir))
    return safefile.printable(" ".join(mask_any(text).split()))


def _keys(ov) -> list[str]:
    from ... import inventory
    try:
        return list(inventory.psks(ov).values())
    except Exception:  # noqa: BLE001 - only used to mask; validate reports unreadable keys itself
        return []


def check(ov, yang_dir: Path) -> dict[str, list[str]]:
    """device -> problems (empty: valid) for every device whose platform renders YANG payloads.
    DIR and yanglint are checked even when no device renders YANG (the option asks for them)."""
    from ... import render
    from . import yang
    top, files = check_dir(yang_dir)
    if shutil.which("yanglint") is None:
        raise GrectlError("yanglint not found: install Debian's libyang2-tools (scripts/install-system.sh)")
    devices = [d for d, dev in sorted(ov.devices.items()) if dev.platform in YANG_PLATFORMS]
    with tempfile.TemporaryDirectory(prefix="grectl-yang-models-") as tmp:
        copy_modules(files, top, Path(tmp))
        try:
            yang.modules_in(Path(tmp))
        except GrectlError as e:
            raise GrectlError(str(e).replace(tmp, safefile.printable(str(yang_dir)))) from None
        if not devices:
            return {}
        texts = render.secret_texts(ov)
        payloads = {d: render.render_device(ov, d, None, texts) for d in devices}
        try:
            found = yang.validate(payloads, Path(tmp))
        except subprocess.TimeoutExpired as e:
            raise GrectlError(f"yanglint did not finish within {e.timeout:g} s") from None
        except OSError as e:
            raise GrectlError(f"yanglint could not run: {(e.strerror or e.__class__.__name__).lower()}") from None
        keys = _keys(ov)
        return {d: [masked(p, keys, tmp, yang_dir) for p in ps] for d, ps in found.items()}
