"""The import graph of grectl's own code (controller/, tasks/, napalm_*): no cycles between modules,
and imports point one way, driver -> platform -> core. Core (``controller/`` outside the platform
driver files and the lab) never imports a ``napalm_*`` package or ``controller.lab``.

Every module is parsed with ``ast``; every ``import``/``from ... import`` (also inside functions)
is resolved to a module of the tree. Imports under ``if TYPE_CHECKING:`` are not run, so they
are not edges.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ("controller", "tasks") + tuple(sorted(p.name for p in ROOT.glob("napalm_*") if p.is_dir()))


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    out = {}
    for pkg in PACKAGES:
        for p in (ROOT / pkg).rglob("*.py"):
            out[module_name(p)] = p
    return out


def _type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or \
           (isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING")


def _walk(tree: ast.AST):
    """Every node but the bodies of ``if TYPE_CHECKING:``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _type_checking(node):
            stack.extend(node.orelse)
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The modules of the tree that module ``name`` imports (the longest known prefix of each)."""
    is_pkg = path.name == "__init__.py"
    package = name if is_pkg else name.rpartition(".")[0]
    targets = set()
    for node in _walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            for a in node.names:   # `from pkg import module` imports the module; else a name of pkg
                targets.add(f"{mod}.{a.name}" if f"{mod}.{a.name}" in known else mod)
    out = set()
    for t in targets:
        while t and t not in known:
            t = t.rpartition(".")[0]
        if t and t != name:
            out.add(t)
    return out


def graph() -> dict[str, set[str]]:
    known = modules()
    return {n: imports(n, p, known) for n, p in known.items()}


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, on, stack, out, counter = {}, {}, set(), [], [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in g.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    import sys
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 10000))
    try:
        for v in sorted(g):
            if v not in index:
                visit(v)
    finally:
        sys.setrecursionlimit(old)
    return out


def is_core(name: str) -> bool:
    """A core module: in controller/, not the lab, not a platform's driver files."""
    parts = name.split(".")
    if parts[0] != "controller" or name == "controller.lab" or name.startswith("controller.lab."):
        return False
    if len(parts) >= 4 and parts[1] == "platforms" and parts[3] in DRIVER_FILES:
        return False
    return True


DRIVER_FILES = {"driver"}   # controller/platforms/<p>/driver.py: the NAPALM driver (imports napalm_grectl_cli)


def test_the_walker_sees_imports():
    g = graph()
    assert "controller.platforms" in g["controller.platforms.linux"] or \
        "controller.platforms.base" in g["controller.platforms.linux"]
    assert any(m.startswith("controller") for m in g["tasks.common"])


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle():
    g = graph()
    found = cycles(g)
    assert not found, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in found)


@pytest.mark.parametrize("forbidden", ["napalm_", "controller.lab"])
def test_core_never_imports_a_driver_or_the_lab(forbidden):
    g = graph()
    bad = sorted(f"{n} imports {t}" for n, edges in g.items() if is_core(n)
                 for t in edges if t.startswith(forbidden))
    assert not bad, "\n".join(bad)


def test_napalm_packages_import_no_other_napalm_package_but_the_cli_base():
    g = graph()
    bad = sorted(f"{n} imports {t}" for n, edges in g.items() if n.startswith("napalm_")
                 for t in edges if t.startswith("napalm_") and t.split(".")[0] not in (n.split(".")[0], "napalm_grectl_cli"))
    assert not bad, "\n".join(bad)


def test_napalm_packages_are_shims():
    """Each ``napalm_<name>`` package but the shared CLI base is one import of its platform's driver."""
    for pkg in PACKAGES:
        if not pkg.startswith("napalm_") or pkg == "napalm_grectl_cli":
            continue
        files = sorted(p.name for p in (ROOT / pkg).glob("*.py"))
        assert files == ["__init__.py"], (pkg, files)
        code = [ln for ln in (ROOT / pkg / "__init__.py").read_text().splitlines()
                if ln.strip() and not ln.startswith(('"""', "#"))]
        assert len(code) == 1 and code[0].startswith("from controller.platforms.") and ".driver import " in code[0], (pkg, code)


def test_every_driver_lives_in_its_platform_folder():
    drivers = sorted(p.parent.name for p in (ROOT / "controller" / "platforms").glob("*/driver.py"))
    assert drivers == ["h3c_comware", "huawei_vrp", "ios", "iosxe", "linux", "vyos"]
