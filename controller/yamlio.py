"""Strict YAML reading: duplicate keys and syntax errors become file:line messages."""
from __future__ import annotations

from pathlib import Path

import yaml


class YamlProblem(Exception):
    pass


class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    pass


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False):
    seen: dict = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise YamlProblem(f"line {key_node.start_mark.line + 1}: duplicate key {key!r} "
                              f"(first at line {seen[key]})")
        seen[key] = key_node.start_mark.line + 1
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load(path: Path, required: bool = True) -> dict:
    """Read a YAML mapping; raise YamlProblem with a human message (no traceback material)."""
    if not path.exists():
        if required:
            raise YamlProblem("file not found")
        return {}
    try:
        data = yaml.load(path.read_text(), Loader=_StrictLoader)
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise YamlProblem(f"{where}malformed YAML: {e.problem}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        raise YamlProblem(f"malformed YAML: {e.__class__.__name__}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise YamlProblem("top level must be a mapping")
    return data
