"""VyOS's CLI definitions (vyos-1x ``interface-definitions/*.xml.in``) read into a reference tree,
for :mod:`cli_check`. The directory is untrusted input: see :mod:`cli_check`'s docstring for the
limits (files inside it only, ``#include`` of relative paths without loops, depth and size caps, no
DTD or entity, regexes and ``--range`` checked when loaded)."""
from __future__ import annotations

import re
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath

from ... import safefile
from ...errors import GrectlError, shown

INCLUDE = re.compile(r"^[ \t]*#[ \t]*include[ \t]+[<\"]([^>\"\n]*)[>\"][ \t]*$", re.M)
MAX_DEPTH = 20                       # #include nesting (vyos-1x nests 3 deep)
MAX_EXPANDED = 32 * 1024 * 1024      # one definition file with its includes expanded
MAX_TREE_DEPTH = 64                  # node nesting in the XML (vyos-1x: about 12)
_DTD = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.I)
_NUMBER_RANGE = re.compile(r"(-?[0-9]+(?:\.[0-9]+)?)-(-?[0-9]+(?:\.[0-9]+)?)")
DEFAULT_ERROR = "Invalid value"   # vyos1x-config reference_tree.ml default_data.constraint_error_message


@dataclass
class Node:
    kind: str                                   # node | tagNode | leafNode
    name: str
    regexes: list[str] = field(default_factory=list)
    validators: list[tuple[str, str | None]] = field(default_factory=list)
    error: str = DEFAULT_ERROR
    valueless: bool = False
    multi: bool = False
    children: dict[str, "Node"] = field(default_factory=dict)


class DefinitionError(GrectlError):
    """The definitions directory cannot be read as VyOS CLI definitions (names the file and why)."""


def _definitions_dir(path: Path) -> Path:
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        raise DefinitionError(f"{safefile.printable(str(path))}: not found (give a vyos-1x checkout or its "
                              "interface-definitions directory)")
    if not path.is_dir():
        raise DefinitionError(f"{safefile.printable(str(path))}: not a directory (give a vyos-1x checkout or its "
                              "interface-definitions directory)")
    sub = path / "interface-definitions"
    return sub if sub.is_dir() else path


def _read(path: Path, root: Path) -> str:
    """A definition file's text: a regular file inside ``root`` (symlinks resolved), capped, UTF-8."""
    try:
        return safefile.read_text(safefile.inside(path, root))
    except safefile.UnsafeFile as e:
        raise DefinitionError(str(e)) from None


def _expand(text: str, root: Path, file: Path, stack: tuple[Path, ...] = (),
            done: dict[Path, str] | None = None) -> str:
    """The C preprocessor's ``#include <include/...>``, as VyOS's build runs it: only relative paths
    inside ``root``, no loop, at most ``MAX_DEPTH`` deep, at most ``MAX_EXPANDED`` bytes. ``done``
    holds each include already expanded (its text does not depend on who includes it)."""
    stack = stack + (file,)
    done = {} if done is None else done
    if len(stack) > MAX_DEPTH:
        raise DefinitionError(f"{stack[0]}: #include nested over {MAX_DEPTH} deep (via {file.name})")
    size = len(text)

    def sub(m: re.Match) -> str:
        nonlocal size
        name = m.group(1).strip()
        rel = PurePosixPath(name)
        if not name or rel.is_absolute() or name.startswith("~") or "\\" in name:
            raise DefinitionError(f"{file}: #include {shown(name)}: only a relative path inside "
                                  f"{root} is read")
        here = root / rel
        if not (here.exists() or here.is_symlink()):
            raise DefinitionError(f"{file}: #include {shown(name)}: not found in {root}")
        target = safefile.inside(here, root)
        if target in stack:
            chain = " -> ".join(str(p.relative_to(root)) for p in stack + (target,))
            raise DefinitionError(f"{stack[0]}: #include loop: {chain}")
        if target not in done:
            done[target] = _expand(_read(target, root), root, target, stack, done)
        size += len(done[target])
        if size > MAX_EXPANDED:
            raise DefinitionError(f"{stack[0]}: over {MAX_EXPANDED // (1024 * 1024)} MiB once its "
                                  "#include lines are expanded")
        return done[target]
    try:
        return INCLUDE.sub(sub, text)
    except safefile.UnsafeFile as e:
        raise DefinitionError(f"{file}: #include: {e}") from None


def _check_regex(rx: str, where: str) -> str:
    """A definition regex Python can run (VyOS's are PCRE; the ones vyos-1x uses mean the same)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            re.compile(rx)
    except (re.error, RecursionError, OverflowError) as e:
        raise DefinitionError(f"{where}: regex {shown(rx)} does not compile: {e}") from None
    return rx


def _check_numeric(arg: str | None, where: str) -> None:
    """``numeric`` validator arguments: every ``--range`` is ``LOW-HIGH`` with LOW <= HIGH."""
    args = (arg or "").split()
    for i, a in enumerate(args):
        if a == "--range":
            r = args[i + 1] if i + 1 < len(args) else ""
            m = _NUMBER_RANGE.fullmatch(r)
            if not m or float(m.group(1)) > float(m.group(2)):
                raise DefinitionError(f"{where}: numeric validator: --range {shown(r)} is not LOW-HIGH")


def _merge(tree: Node, elem: ET.Element, file: str = "", path: tuple[str, ...] = ()) -> None:
    """Insert one XML node into the tree; a name seen before is merged (as ``Vytree.insert_maybe``).
    ``file`` and ``path`` (the node names above) only name the place in errors."""
    kind, name = elem.tag, elem.get("name")
    if kind not in ("node", "tagNode", "leafNode") or name is None:
        return
    path = path + (name,)
    if len(path) > MAX_TREE_DEPTH:
        raise DefinitionError(f"{file}: nodes nested over {MAX_TREE_DEPTH} deep")
    node = tree.children.get(name)
    if node is None:
        node = tree.children[name] = Node(kind, name)
    props = elem.find("properties")
    if props is not None:
        here = f"{file}: node [{safefile.printable(' '.join(path))[:120]}]"
        for p in props:
            _property(node, p, here)
    children = elem.find("children")
    if children is not None:
        for c in children:
            _merge(node, c, file, path)


def _property(node: Node, p: ET.Element, here: str) -> None:
    """One child of a node's ``<properties>``: constraints, error message, valueless, multi."""
    if p.tag == "constraint":
        for c in p:
            _constraint(node, c, here)
    elif p.tag == "constraintErrorMessage" and p.text and p.text.split():
        node.error = " ".join(p.text.split())
    elif p.tag == "valueless":
        node.valueless = True
    elif p.tag == "multi":
        node.multi = True


def _constraint(node: Node, c: ET.Element, here: str) -> None:
    if c.tag == "regex" and c.text:
        node.regexes.append(_check_regex(c.text.strip(), here))
    elif c.tag == "validator":
        if c.get("name", "").split()[:1] == ["numeric"]:
            _check_numeric(c.get("argument"), here)
        node.validators.append((c.get("name", ""), c.get("argument")))


def _parse_xml(text: str, file: Path) -> ET.Element:
    if _DTD.search(text):
        raise DefinitionError(f"{file}: a DOCTYPE or ENTITY declaration (VyOS definitions have none): refused")
    body = text.split("?>", 1)[1] if text.lstrip().startswith("<?xml") else text
    try:
        return ET.fromstring(body)
    except ET.ParseError as e:  # the message holds a line and column, never the text
        raise DefinitionError(f"{file}: not well-formed XML (after #include expansion): {e}") from None
    except (RecursionError, ValueError) as e:
        raise DefinitionError(f"{file}: not readable as XML: {e.__class__.__name__}") from None


@lru_cache(maxsize=4)
def load(definitions: str) -> Node:
    """The reference tree built from every ``*.xml.in`` of a vyos-1x ``interface-definitions`` dir."""
    d = _definitions_dir(Path(definitions))
    try:
        d = d.resolve(strict=True)
        files = sorted(d.glob("*.xml.in"))
    except (OSError, RuntimeError) as e:
        raise DefinitionError(f"{safefile.printable(str(d))}: cannot read: {e.__class__.__name__}") from None
    if not files:
        raise DefinitionError(f"{safefile.printable(str(d))}: no VyOS interface definitions (*.xml.in) here")
    root = Node("node", "")
    for f in files:
        real = _read_target(f, d)
        xml = _parse_xml(_expand(_read(real, d), d, real), f)
        try:
            for c in xml:
                _merge(root, c, safefile.printable(str(f)))
        except RecursionError:
            raise DefinitionError(f"{f}: nodes nested too deep") from None
    return root


def _read_target(f: Path, root: Path) -> Path:
    try:
        return safefile.inside(f, root)
    except safefile.UnsafeFile as e:
        raise DefinitionError(str(e)) from None
