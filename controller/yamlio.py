"""Strict, safe file reading.

``read_text`` reads a user-named file (inventory or PSK) refusing what is not a plain text file:
missing, unreadable, a directory, a device/FIFO/socket, a kernel pseudo-file (``/proc``, ``/sys``,
``/dev``), too large, or not UTF-8. ``load`` adds YAML: duplicate keys and syntax errors become
``line N`` messages; merge keys (``<<: *anchor``) work.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

import yaml

from .safefile import read_at_most

MAX_YAML_BYTES = 64 << 20
MAX_YAML_NODES = 1_000_000  # after alias expansion: refuses "billion laughs" and self-references
PSEUDO_FS = ("/proc", "/sys", "/dev")


class YamlProblem(Exception):
    """A file could not be used; the message is the "what is wrong" part (no path, no content)."""


class FileMissing(YamlProblem):
    pass


def read_text(path: Path | str, max_bytes: int = MAX_YAML_BYTES) -> str:
    """The text of a regular UTF-8 file, or YamlProblem saying why not. Never blocks on a FIFO.

    >>> def why(path):
    ...     try:
    ...         read_text(path)
    ...     except YamlProblem as e:
    ...         return str(e)
    >>> why("/proc/self/status")
    'is a kernel pseudo-file under /proc, not a file'
    >>> why("/")
    'is a directory, not a file'
    """
    real, st = _stat(path)
    _refuse_kind(real, st)
    fd = _open(path)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped between stat and open
            raise YamlProblem("is not a regular file (a device, FIFO or socket)")
        data = read_at_most(fd, max_bytes)
    except OSError as e:
        raise YamlProblem(f"cannot read: {e.strerror}") from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise YamlProblem(f"is larger than {max_bytes} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise YamlProblem(f"is not UTF-8 text (undecodable byte at offset {e.start})") from None


def _stat(path: Path | str) -> tuple[str, os.stat_result]:
    try:
        return os.path.realpath(path), os.stat(path)
    except ValueError:
        raise YamlProblem("is not a usable path (NUL character)") from None
    except (FileNotFoundError, NotADirectoryError):
        raise FileMissing("file not found") from None
    except PermissionError:
        raise YamlProblem("cannot read: permission denied") from None
    except OSError as e:
        raise YamlProblem(f"cannot read: {e.strerror}") from None


def _refuse_kind(real: str, st: os.stat_result) -> None:
    """Refuses a directory, a kernel pseudo-file, a device, FIFO or socket."""
    if stat.S_ISDIR(st.st_mode):
        raise YamlProblem("is a directory, not a file")
    for top in PSEUDO_FS:
        if real == top or real.startswith(top + "/"):
            raise YamlProblem(f"is a kernel pseudo-file under {top}, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise YamlProblem("is not a regular file (a device, FIFO or socket)")


def _open(path: Path | str) -> int:
    try:
        return os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except PermissionError:
        raise YamlProblem("cannot read: permission denied") from None
    except OSError as e:
        raise YamlProblem(f"cannot read: {e.strerror}") from None


class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    def construct_object(self, node, deep=False):
        """A plain text scalar is its own value (what ``construct_yaml_str`` returns) without the
        general bookkeeping: most values of an inventory are text."""
        if node.__class__ is yaml.ScalarNode and node.tag == _STR_TAG and _STR_IS_PLAIN:
            return node.value
        return super().construct_object(node, deep)


_STR_TAG = "tag:yaml.org,2002:str"
_STR_IS_PLAIN = _StrictLoader.yaml_constructors.get(_STR_TAG) is yaml.constructor.SafeConstructor.construct_yaml_str


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False):
    seen: dict = {}
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":  # `<<`: merged keys may be overridden
            continue
        key = loader.construct_object(key_node, deep=deep)
        try:
            hash(key)
        except TypeError:
            raise YamlProblem(f"line {key_node.start_mark.line + 1}: a mapping key must be a plain "
                              "value, not a list or mapping") from None
        if key in seen:
            raise YamlProblem(f"line {key_node.start_mark.line + 1}: duplicate key {_short(key)} "
                              f"(first at line {seen[key]})")
        seen[key] = key_node.start_mark.line + 1
    return loader.construct_mapping(node, deep=deep)  # flattens merge keys, explicit keys win


def _short(key) -> str:
    from .errors import shown
    return shown(key)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load(path: Path, required: bool = True) -> dict:
    """Read a YAML mapping; raise YamlProblem with a human message (no traceback material)."""
    return load_with_text(path, required)[0]


def load_with_text(path: Path, required: bool = True) -> tuple[dict, str]:
    """``load``, and the text it parsed ("" for an absent optional file): one read of the file."""
    try:
        text = read_text(path)
    except FileMissing:
        if required:
            raise
        return {}, ""
    return parse(text), text


def parse(text: str) -> dict:
    """A YAML mapping from ``text`` (see ``load``)."""
    try:
        data = yaml.load(text, Loader=_StrictLoader)
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise YamlProblem(f"{where}malformed YAML: {e.problem}") from None
    except (yaml.YAMLError, RecursionError) as e:
        raise YamlProblem(f"malformed YAML: {e.__class__.__name__}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise YamlProblem("top level must be a mapping")
    _check_expansion(data)
    return data


def _check_expansion(data) -> None:
    """Aliases share objects; validation walks them expanded. Refuse a document that refers to
    itself or expands past MAX_YAML_NODES values."""
    count, on_path, stack = 0, set(), [(data, False)]
    while stack:
        node, leaving = stack.pop()
        if leaving:
            on_path.discard(id(node))
            continue
        if id(node) in on_path:
            raise YamlProblem("an alias refers to a mapping or list that contains it")
        children = node.values() if isinstance(node, dict) else node
        count += len(children)
        if count > MAX_YAML_NODES:
            raise YamlProblem(f"aliases expand to more than {MAX_YAML_NODES} values")
        on_path.add(id(node))
        stack.append((node, True))
        stack.extend((c, False) for c in children if isinstance(c, (dict, list)))
