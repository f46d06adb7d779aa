"""Nornir's view of the inventory, built from the mappings grectl has already read.

Nornir's SimpleInventory would read ``hosts.yaml``, ``groups.yaml`` and ``defaults.yaml`` a second
time with its own YAML library (ruamel, YAML 1.2). Here the same mappings grectl read (PyYAML, YAML
1.1) go through Nornir's own deserialisers, so Nornir's inheritance (the host, its groups depth
first, then defaults) still resolves each host, and a body Nornir cannot take still fails the way
it fails in Nornir.

The two YAML dialects read a few plain values differently: ``1e3`` and ``0o17`` are numbers in 1.2
and text in 1.1. ``same_in_both_dialects`` tells whether every value Nornir keys a device on (names,
groups, hostname, platform) reads the same in both; when one may not, the caller reads the files as
SimpleInventory does (``from_files``), so the answer is the one Nornir would give.
"""
from __future__ import annotations

import copy
from pathlib import Path

from nornir.core.inventory import Group, Groups, Host, Hosts, Inventory, ParentGroups

STR_TAG = "tag:yaml.org,2002:str"
_resolvers: dict | None = None


def build(raw: dict, private: bool = False) -> Inventory:
    """Nornir's ``Inventory`` from grectl's ``raw`` mappings ("hosts", "groups", "defaults"; {} when a
    file is absent), exactly as ``SimpleInventory.load`` builds it from the files. ``private``: deep
    copies, for a Nornir whose tasks may change host data."""
    from nornir.plugins.inventory.simple import _get_defaults, _get_inventory_element

    def part(name: str) -> dict:
        value = raw.get(name) or {}
        return copy.deepcopy(value) if private else value

    defaults = _get_defaults(part("defaults"))
    hosts = Hosts()
    for n, h in part("hosts").items():
        hosts[n] = _get_inventory_element(Host, h, n, defaults)
    groups = Groups()
    for n, g in part("groups").items():
        groups[n] = _get_inventory_element(Group, g, n, defaults)
    for g in groups.values():
        g.groups = ParentGroups([groups[x] for x in g.groups])
    for h in hosts.values():
        h.groups = ParentGroups([groups[x] for x in h.groups])
    return Inventory(hosts=hosts, groups=groups, defaults=defaults)


def from_files(inv: Path) -> Inventory:
    """The files read by Nornir's own SimpleInventory (its YAML library, its rules)."""
    from nornir.plugins.inventory.simple import SimpleInventory

    return SimpleInventory(host_file=str(inv / "hosts.yaml"), group_file=str(inv / "groups.yaml"),
                           defaults_file=str(inv / "defaults.yaml")).load()


def _yaml12_tag(value: str) -> str:
    """The tag YAML 1.2 (ruamel, as Nornir reads) gives ``value`` written as a plain scalar.

    >>> _yaml12_tag("10.0.0.1"), _yaml12_tag("1e3"), _yaml12_tag("0o17"), _yaml12_tag("on")
    ('tag:yaml.org,2002:str', 'tag:yaml.org,2002:float', 'tag:yaml.org,2002:int', 'tag:yaml.org,2002:str')
    """
    global _resolvers
    if _resolvers is None:
        from ruamel.yaml.resolver import VersionedResolver
        r = VersionedResolver()
        _resolvers = {k: list(v) for k, v in r.versioned_resolver.items()}
    for tag, regexp in _resolvers.get(value[:1], ()):
        if regexp.match(value):   # exactly as ruamel resolves (its patterns carry their own anchors)
            return tag
    return STR_TAG


def _keyed_values(raw: dict):
    """Every text Nornir keys a device on: host and group names, group lists, hostname, platform."""
    for kind in ("hosts", "groups"):
        for name, body in (raw.get(kind) or {}).items():
            yield name
            if isinstance(body, dict):
                yield body.get("hostname")
                yield body.get("platform")
                groups = body.get("groups")
                if isinstance(groups, list):
                    yield from groups
    defaults = raw.get("defaults") or {}
    yield defaults.get("hostname")
    yield defaults.get("platform")


def same_in_both_dialects(raw: dict, directives: bool = False) -> bool:
    """True when each text Nornir keys on reads as the same text in YAML 1.2 (a quoted value that
    would not is counted too: the answer errs toward reading the files). ``directives``: a file
    holds a ``%`` directive line (``%YAML 1.1`` changes how ruamel reads): never the same."""
    if directives:
        return False
    return all(_yaml12_tag(v) == STR_TAG for v in _keyed_values(raw) if isinstance(v, str))


def for_overlay(overlay) -> Inventory:
    """A private Nornir ``Inventory`` for a loaded overlay, from the mappings ``inventory.load``
    read (no second read of the files), or the files read again by grectl's loader when the overlay
    was built another way. Where ``same_in_both_dialects`` fails, ``inventory.load`` has already
    refused any device Nornir would see otherwise."""
    raw = overlay.__dict__.get("_nornir_raw")
    if raw is None:
        from .errors import InventoryError
        from .inventory_files import _read_files

        raw, problems = _read_files(Path(overlay.inventory_dir))
        if problems:
            raise InventoryError(problems)
    return build(raw, private=True)
