"""Reading files a user points grectl at (captured output, definition directories) without
blocking, without leaving the directory given, and without reading more than a cap.

- only regular files: a FIFO, socket, device or directory is refused before a byte is read (the
  file is opened with ``O_NONBLOCK`` and checked again with ``fstat``, so a FIFO never blocks);
- a size cap (``MAX_BYTES``, 16 MiB): checked on ``stat`` and again while reading;
- text is UTF-8: a NUL byte or an invalid sequence is an error naming its offset;
- ``inside(path, root)`` resolves symlinks and refuses a path that leaves ``root`` or loops.

Every failure is an ``UnsafeFile`` (a ``GrectlError``) whose message names the file and what is
wrong with it, and never quotes the file's content.

>>> import tempfile; d = Path(tempfile.mkdtemp())
>>> _ = (d / "a.txt").write_bytes(b"hello\\n")
>>> read_text(d / "a.txt")
'hello\\n'
>>> read_text(d)
Traceback (most recent call last):
...
controller.safefile.UnsafeFile: ...: not a regular file (a directory)
>>> _ = (d / "b.bin").write_bytes(b"ab\\x00c")
>>> read_text(d / "b.bin")
Traceback (most recent call last):
...
controller.safefile.UnsafeFile: ...b.bin: binary data, not text (NUL byte at offset 2)
"""
from __future__ import annotations

import errno
import os
import stat
import unicodedata
from pathlib import Path

from .errors import GrectlError

MAX_BYTES = 16 * 1024 * 1024   # 16 MiB: far above any show command's output or definition file


class UnsafeFile(GrectlError):
    """A file grectl will not read, and why (never its content)."""


def printable(text: str) -> str:
    r"""``text`` on one line: line breaks and other control or format characters escaped.

    >>> printable("a\nb\u2028c\x1bd\te")
    'a\\nb\\u2028c\\x1bd\\te'
    """
    out = []
    for ch in text:
        if ch == " " or unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp", "Zs", "Cs", "Co", "Cn"):
            out.append(ch)
        else:
            out.append(ch.encode("unicode_escape").decode("ascii") if ord(ch) > 0xFF or ch in "\t\n\r"
                       else f"\\x{ord(ch):02x}")
    return "".join(out)


def kind(mode: int) -> str:
    """What a non-regular file is, in words.

    >>> kind(stat.S_IFIFO)
    'a FIFO'
    """
    for test, words in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"),
                        (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                        (stat.S_ISBLK, "a block device"), (stat.S_ISLNK, "a symbolic link")):
        if test(mode):
            return words
    return "not a plain file"


def _why(e: OSError) -> str:
    return (e.strerror or e.__class__.__name__).lower() if not isinstance(e, FileNotFoundError) else "not found"


def read_bytes(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; never blocks on a FIFO or device."""
    shown = printable(str(path))
    try:
        st = os.stat(path)
    except (OSError, ValueError) as e:   # ValueError: a NUL in the path
        raise UnsafeFile(f"{shown}: cannot read: {_why(e) if isinstance(e, OSError) else 'bad path'}") from None
    if not stat.S_ISREG(st.st_mode):
        raise UnsafeFile(f"{shown}: not a regular file ({kind(st.st_mode)})")
    if st.st_size > limit:
        raise UnsafeFile(f"{shown}: {st.st_size} bytes, over the {limit // (1024 * 1024)} MiB limit")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as e:
        raise UnsafeFile(f"{shown}: cannot read: {_why(e)}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):   # replaced between stat and open
            raise UnsafeFile(f"{shown}: not a regular file ({kind(st.st_mode)})")
        data = read_at_most(fd, limit)
    except OSError as e:
        raise UnsafeFile(f"{shown}: cannot read: {_why(e)}") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise UnsafeFile(f"{shown}: over the {limit // (1024 * 1024)} MiB limit")
    return data


def read_at_most(fd: int, limit: int) -> bytes:
    """At most ``limit`` + 1 bytes from ``fd``, in chunks: one byte over tells the caller the file is
    over its limit, without reading the rest of a huge one."""
    chunks, size = [], 0
    while size <= limit:
        chunk = os.read(fd, min(1 << 20, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def decode(data: bytes, what: str) -> str:
    """UTF-8 text (a BOM dropped); binary data or an invalid sequence is an error naming the offset.

    >>> decode(b"\\xef\\xbb\\xbfok", "f")
    'ok'
    >>> decode(b"ok\\xff", "f")
    Traceback (most recent call last):
    ...
    controller.safefile.UnsafeFile: f: not UTF-8 text (byte 0xff at offset 2)
    """
    nul = data.find(b"\0")
    if nul >= 0:
        raise UnsafeFile(f"{what}: binary data, not text (NUL byte at offset {nul})")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise UnsafeFile(f"{what}: not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start})") from None


def read_text(path: Path, limit: int = MAX_BYTES) -> str:
    return decode(read_bytes(path, limit), printable(str(path)))


def inside(path: Path, root: Path) -> Path:
    """``path`` with every symlink resolved, refused if it loops, is missing or leaves ``root``
    (itself resolved).

    >>> import tempfile; d = Path(tempfile.mkdtemp()); (d / "x").touch()
    >>> inside(d / "x", d) == (d / "x").resolve()
    True
    >>> inside(d / ".." / "..", d)
    Traceback (most recent call last):
    ...
    controller.safefile.UnsafeFile: ...: leaves ... (only files inside it are read)
    """
    shown = printable(str(path))
    try:
        top = Path(root).resolve(strict=True)
        real = Path(path).resolve(strict=True)
    except RuntimeError:  # Python < 3.13: "Symlink loop from ..."
        raise UnsafeFile(f"{shown}: symlink loop") from None
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise UnsafeFile(f"{shown}: symlink loop") from None
        raise UnsafeFile(f"{shown}: cannot read: {_why(e)}") from None
    if real != top and top not in real.parents:
        raise UnsafeFile(f"{shown}: leaves {printable(str(root))} (only files inside it are read)")
    return real
