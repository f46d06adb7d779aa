"""Load an inventory directory into one validated ``Overlay``.

Files: Nornir SimpleInventory (``hosts.yaml``, ``groups.yaml``, ``defaults.yaml``)
plus the overlay intent ``overlay.yaml``. Every problem becomes one line
``<file>: <field path>: <what is wrong>``; all are collected, then raised together
as ``InventoryError``.
"""
from __future__ import annotations

import bisect
import ipaddress
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from . import allocate, secrets, yamlio
from .errors import InventoryError
from .models import Device, Intent, Overlay, PskRef
from .mtu import known_transform
from . import platforms

FILES = ("hosts", "groups", "defaults", "overlay")


class HostEntry(BaseModel):
    """A Nornir SimpleInventory host or group, as far as grectl reads it."""
    model_config = ConfigDict(extra="forbid")
    hostname: str | None = None
    platform: str | None = None
    port: int | None = Field(None, ge=1, le=65535)
    username: str | None = None
    password: str | None = None
    groups: list[str] = []
    data: dict[str, Any] = {}
    connection_options: dict[str, Any] = {}


def _loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _pydantic_problems(path: Path, err: ValidationError, prefix: tuple = ()) -> list[str]:
    lines = []
    for e in err.errors():
        loc = prefix + tuple(p for p in e["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        kind, msg = e["type"], e["msg"]
        if kind == "extra_forbidden":
            msg = "unknown field"
        elif kind == "missing":
            msg = "missing field"
        elif not isinstance(e.get("input"), (dict, list)):
            msg = f"{msg} (got {e['input']!r})"
        lines.append(f"{path}: {_loc(loc)}: {msg}")
    return lines


def _read_files(inv: Path) -> tuple[dict[str, dict], list[str]]:
    raw, problems = {}, []
    if not inv.is_dir():
        raise InventoryError([f"{inv}: inventory directory not found"])
    for name in FILES:
        path = inv / f"{name}.yaml"
        try:
            raw[name] = yamlio.load(path, required=name in ("hosts", "overlay"))
        except yamlio.YamlProblem as e:
            problems.append(f"{path}: {e}")
    return raw, problems


def _hosts(inv: Path, raw: dict) -> tuple[dict[str, HostEntry], list[str]]:
    """Validate host/group entries and resolve hostname/platform with Nornir's inheritance."""
    problems: list[str] = []
    entries: dict[str, dict[str, HostEntry]] = {"hosts": {}, "groups": {}}
    for kind in ("hosts", "groups"):
        for name, body in (raw.get(kind) or {}).items():
            try:
                entries[kind][name] = HostEntry.model_validate(body or {})
            except ValidationError as e:
                problems += _pydantic_problems(inv / f"{kind}.yaml", e, (name,))
    try:
        defaults = HostEntry.model_validate(raw.get("defaults") or {})
    except ValidationError as e:
        problems += _pydantic_problems(inv / "defaults.yaml", e)
        defaults = HostEntry()
    for kind in ("hosts", "groups"):
        for name, entry in entries[kind].items():
            for g in entry.groups:
                if g not in entries["groups"]:
                    problems.append(f"{inv / f'{kind}.yaml'}: {name}.groups: unknown group {g!r}")
    if problems:
        return {}, problems

    def inherit(entry: HostEntry, attr: str, seen: frozenset = frozenset()):
        if getattr(entry, attr) is not None:
            return getattr(entry, attr)
        for g in entry.groups:
            if g not in seen:
                v = inherit(entries["groups"][g], attr, seen | {g})
                if v is not None:
                    return v
        return None

    resolved = {}
    for name, entry in entries["hosts"].items():
        resolved[name] = HostEntry(
            hostname=inherit(entry, "hostname") or defaults.hostname or name,
            platform=inherit(entry, "platform") or defaults.platform,
            groups=entry.groups, data=entry.data)
    return resolved, problems


class _Spans:
    """Prefixes as sorted integer spans; answers "which one overlaps this prefix" with bisect."""

    def __init__(self, nets: list[IPv4Network]):
        self.nets = sorted(nets, key=lambda n: int(n.network_address))
        self.starts = [int(n.network_address) for n in self.nets]
        self.reach = []  # running max of span ends, so any earlier wide prefix is found
        best = -1
        for n in self.nets:
            best = max(best, int(n.broadcast_address))
            self.reach.append(best)

    def overlapping(self, net: IPv4Network) -> IPv4Network | None:
        lo, hi = int(net.network_address), int(net.broadcast_address)
        i = bisect.bisect_right(self.starts, hi) - 1
        while i >= 0 and self.reach[i] >= lo:
            if int(self.nets[i].broadcast_address) >= lo:
                return self.nets[i]
            i -= 1
        return None


def _check(inv: Path, intent: Intent, hosts: dict[str, HostEntry]) -> list[str]:
    ov, hf = inv / "overlay.yaml", inv / "hosts.yaml"
    p: list[str] = []
    routers = {**{n: ("hubs", h) for n, h in intent.hubs.items()},
               **{n: ("sites", s) for n, s in intent.sites.items()}}
    for n in set(intent.hubs) & set(intent.sites):
        p.append(f"{ov}: sites.{n}: duplicate name: {n!r} is also a hub")
    for name, (kind, r) in routers.items():
        host = hosts.get(name)
        if host is None:
            p.append(f"{ov}: {kind}.{name}: no host {name!r} in {hf}")
            continue
        plat = platforms.find(host.platform)
        if plat is None:
            p.append(f"{hf}: {name}.platform: unknown platform {host.platform!r} "
                     f"(known: {', '.join(platforms.names())})")
    if not known_transform(intent.ipsec.transform):
        p.append(f"{ov}: ipsec.transform: unknown ESP transform {intent.ipsec.transform!r}")

    ids: dict[int, str] = {}
    for name, s in intent.sites.items():
        if s.hub not in intent.hubs:
            p.append(f"{ov}: sites.{name}.hub: no hub named {s.hub!r}")
        if s.id in ids:
            p.append(f"{ov}: sites.{name}.id: duplicate site id {s.id} (also {ids[s.id]!r})")
        ids.setdefault(s.id, name)

    # address space: LANs, tunnel pool, WANs, management (sorted sweeps: linear-ish in sites)
    lans = [(name, kind, i, lan) for name, (kind, r) in routers.items() for i, lan in enumerate(r.lans)]
    lans.sort(key=lambda x: (int(x[3].network_address), -x[3].prefixlen))
    reach = None  # the LAN reaching furthest so far
    for name, kind, i, lan in lans:
        if reach is not None and int(lan.network_address) <= int(reach[3].broadcast_address):
            what = "duplicate" if lan == reach[3] else "overlapping"
            p.append(f"{ov}: {kind}.{name}.lans[{i}]: {what} LAN prefix {lan} "
                     f"(also {reach[0]}.lans[{reach[2]}] {reach[3]})")
        if lan.overlaps(intent.tunnel_pool):
            p.append(f"{ov}: {kind}.{name}.lans[{i}]: LAN prefix {lan} overlaps the tunnel pool "
                     f"{intent.tunnel_pool}")
        if reach is None or int(lan.broadcast_address) > int(reach[3].broadcast_address):
            reach = (name, kind, i, lan)
    capacity = allocate.pool_capacity(intent.tunnel_pool, intent.tunnel_prefixlen)
    for name, s in intent.sites.items():
        if s.id > capacity:
            p.append(f"{ov}: sites.{name}.id: tunnel pool {intent.tunnel_pool} is too small: it holds "
                     f"{capacity} /{intent.tunnel_prefixlen} tunnels, site id is {s.id}")
    advertised = _Spans([intent.tunnel_pool] + [x[3] for x in lans])
    wans: dict[IPv4Address, str] = {}
    for name, (kind, r) in routers.items():
        net = advertised.overlapping(r.wan.address.network)
        if net is not None:
            p.append(f"{ov}: {kind}.{name}.wan.address: {r.wan.address} is inside OSPF-advertised "
                     f"{net}: the tunnel destination would be routed into the tunnel (recursive routing)")
        if r.wan.address.ip in wans:
            p.append(f"{ov}: {kind}.{name}.wan.address: duplicate WAN address {r.wan.address.ip} "
                     f"(also {wans[r.wan.address.ip]!r})")
        wans.setdefault(r.wan.address.ip, name)
        if r.wan.gateway is not None and r.wan.gateway not in r.wan.address.network:
            p.append(f"{ov}: {kind}.{name}.wan.gateway: {r.wan.gateway} is not in {r.wan.address.network}")
        host = hosts.get(name)
        if host is not None:
            try:
                mgmt = ipaddress.ip_address(host.hostname)
            except ValueError:
                mgmt = None
            if mgmt is not None and advertised.overlapping(IPv4Network(mgmt)) is not None:
                p.append(f"{hf}: {name}.hostname: management address {mgmt} is inside OSPF-advertised "
                         f"space (recursive routing of management)")
    rids: dict[IPv4Address, str] = {}
    for name, (kind, r) in routers.items():
        rid = allocate.router_id(r)
        if rid in rids:
            p.append(f"{ov}: {kind}.{name}.router_id: duplicate OSPF router-id {rid} (also {rids[rid]!r})")
        rids.setdefault(rid, name)
    if intent.ospf.dead <= intent.ospf.hello:
        p.append(f"{ov}: ospf.dead: dead interval {intent.ospf.dead} must exceed hello {intent.ospf.hello}")

    # pre-shared keys: the global one, and any per-site override
    refs: list[tuple[str, PskRef]] = [("psk", intent.psk)]
    refs += [(f"sites.{n}.psk", s.psk) for n, s in intent.sites.items() if s.psk is not None]
    for field, ref in refs:
        _, problem = secrets.read(ref, inv)
        if problem:
            p.append(f"{ov}: {field}: {problem}")
    return p


def load(inventory_dir: Path | str) -> Overlay:
    inv = Path(inventory_dir)
    raw, problems = _read_files(inv)
    if problems:
        raise InventoryError(problems)
    hosts, problems = _hosts(inv, raw)
    try:
        intent = Intent.model_validate(raw["overlay"])
    except ValidationError as e:
        problems += _pydantic_problems(inv / "overlay.yaml", e)
        intent = None
    if problems:
        raise InventoryError(problems)
    problems = _check(inv, intent, hosts)
    if problems:
        raise InventoryError(problems)
    devices = {}
    for name, r in {**intent.hubs, **intent.sites}.items():
        h = hosts[name]
        devices[name] = Device(
            name=name, role="hub" if name in intent.hubs else "site", platform=h.platform,
            hostname=h.hostname, wan=r.wan, lans=tuple(r.lans), router_id=allocate.router_id(r),
            lan_interfaces=tuple(f"lan{i}" for i in range(len(r.lans))))
    def ifname(device: str, peer: str, number: int) -> str:
        return platforms.get(devices[device].platform).interface_name(peer, number)

    ov = Overlay(inventory_dir=str(inv), intent=intent, devices=devices,
                 tunnels=tuple(allocate.tunnels(intent, ifname)))
    problems = platform_problems(ov)
    if problems:
        raise InventoryError(problems)
    return ov


def platform_problems(ov: Overlay) -> list[str]:
    """What each device's platform cannot do or name: checked on the resolved model, so derived
    names (tunnel interfaces) are checked, not only the raw site names."""
    inv = Path(ov.inventory_dir)
    of, hf = inv / "overlay.yaml", inv / "hosts.yaml"
    out: list[str] = []
    for name, dev in ov.devices.items():
        plat = platforms.get(dev.platform)
        for problem in plat.check(ov, name):
            out.append(f"{hf if problem.startswith('platform:') else of}: "
                       + (f"{name}.{problem}" if problem.startswith("platform:") else problem))
    for t in ov.tunnels:
        for end in (t.hub_end, t.site_end):
            problem = platforms.get(ov.devices[end.device].platform).check_device_name(end.interface)
            if problem:
                out.append(f"{of}: sites.{t.site}: {problem} on {end.device} "
                           f"(platform {ov.devices[end.device].platform})")
    return sorted(set(out), key=out.index)


def nornir_check(overlay: Overlay) -> list[str]:
    """Load the same files with Nornir's SimpleInventory; its view of every device must match ours."""
    from nornir import InitNornir

    inv = Path(overlay.inventory_dir)
    try:
        nr = InitNornir(inventory={"plugin": "SimpleInventory", "options": {
            "host_file": str(inv / "hosts.yaml"), "group_file": str(inv / "groups.yaml"),
            "defaults_file": str(inv / "defaults.yaml")}}, logging={"enabled": False})
    except Exception as e:  # Nornir's own loader refused the files
        return [f"{inv / 'hosts.yaml'}: Nornir cannot load the inventory: {e.__class__.__name__}: {e}"]
    problems = []
    for name, dev in overlay.devices.items():
        host = nr.inventory.hosts.get(name)
        if host is None or (host.hostname, host.platform) != (dev.hostname, dev.platform):
            seen = "absent" if host is None else f"hostname {host.hostname}, platform {host.platform}"
            problems.append(f"{inv / 'hosts.yaml'}: {name}: Nornir resolves {seen}, grectl resolves "
                            f"hostname {dev.hostname}, platform {dev.platform}")
    return problems


def psks(overlay: Overlay) -> dict[str, str]:
    """Site name -> PSK for every tunnel. Only device I/O code should call this."""
    inv = Path(overlay.inventory_dir)
    out = {}
    for t in overlay.tunnels:
        key, problem = secrets.read(t.psk_ref, inv)
        if problem:
            raise InventoryError([f"{inv / 'overlay.yaml'}: sites.{t.site}.psk: {problem}"])
        out[t.site] = key
    return out
