"""Load an inventory directory into one validated ``Overlay``.

Files: Nornir SimpleInventory (``hosts.yaml``, ``groups.yaml``, ``defaults.yaml``)
plus the overlay intent ``overlay.yaml``. Every problem becomes one line
``<file>: <field path>: <what is wrong>``; all are collected, then raised together
as ``InventoryError``.
"""
from __future__ import annotations

import ipaddress
import socket
from pathlib import Path

from pydantic import ValidationError

from . import allocate, bulk, inventory_rules, platforms, secrets
from .errors import InventoryError, shown
from .inventory_files import FILES, _read_files  # noqa: F401  (one reader for the loader and nornir_view)
from .inventory_hosts import (  # noqa: F401  (the names callers know inventory by)
    ENTRY_RE,
    HOSTNAME_RE,
    HostEntry,
    _hosts,
    _pydantic_problems,
    is_entry_name,
    plain_text_problem,
)
from .models import Device, Intent, Overlay
from .platforms.base import multi_hub_problems


def for_host(where: str, host: str) -> str:
    """`` (host 'x')`` when ``where`` (an origin) is not the host's own entry in hosts.yaml: the
    message still says which host the value affects.

    >>> for_host("inv/groups.yaml: cisco.platform", "osaka")
    " (host 'osaka')"
    >>> for_host("inv/hosts.yaml: osaka.platform", "osaka")
    ''
    """
    file, _, path = where.partition(": ")
    return "" if file.endswith("hosts.yaml") and path.startswith(f"{host}.") else f" (host {host!r})"


def _check(inv: Path, intent: Intent, hosts: dict[str, HostEntry],
           origins: dict[str, dict[str, str]] | None = None) -> list[str]:
    """Every rule of ``controller.inventory_rules`` over the intent and the resolved hosts."""
    return inventory_rules.check(inventory_rules.Ctx(inv, intent, hosts, origins or {}, _management_checks,
                                                     for_host, _where))


_resolved: dict[str, tuple[tuple[str, ...], str | None]] = {}


def resolve_host(hostname: str) -> tuple[tuple[str, ...], str | None]:
    """(addresses, None) or ((), problem) for a Nornir hostname. IP literals need no lookup;
    names go through the system resolver (hosts file, then DNS), once per process."""
    try:
        return (str(ipaddress.ip_address(hostname)),), None
    except ValueError:
        pass
    if hostname not in _resolved:
        try:
            infos = socket.getaddrinfo(hostname, None, type=socket.SOCK_STREAM)
            addrs = tuple(dict.fromkeys(str(i[4][0]) for i in infos))
            _resolved[hostname] = (addrs, None if addrs else f"{shown(hostname)} resolves to no address")
        except (OSError, UnicodeError, ValueError) as e:
            why = getattr(e, "strerror", None) or e.__class__.__name__
            _resolved[hostname] = ((), f"{shown(hostname)} does not resolve ({why}): grectl could not "
                                       "tell which machine it would configure")
    return _resolved[hostname]


def _where(origins: dict | None, hf: Path, host: str, key: str) -> str:
    """The origin of ``key`` of ``host`` (see ``_hosts``), or its place in hosts.yaml."""
    return (origins or {}).get(host, {}).get(key, f"{hf}: {host}.{key}")


def _management_checks(hf: Path, routers: dict, hosts: dict[str, HostEntry],
                       origins: dict | None = None) -> list[str]:
    """Each router's management address is its own: it resolves, no two routers share it, and it
    is not another router's WAN address (a change meant for one router would reach another)."""
    p: list[str] = []
    wan_owner = {str(r.wan.address.ip): n for n, (_, r) in routers.items()}
    seen: dict[tuple[str, int], str] = {}
    for name in sorted(routers):
        host = hosts.get(name)
        if host is None:
            continue
        w = _where(origins, hf, name, "hostname")
        also = for_host(w, name)
        addrs, problem = resolve_host(host.hostname)
        if problem:
            p.append(f"{w}: {problem}{also}")
        for a in addrs:
            port = host.port or 22
            other = seen.setdefault((a, port), name)
            if other != name:
                p.append(f"{w}: management address {a} port {port} is also {other!r}'s: "
                         f"two routers cannot share one management address{also}")
            owner = wan_owner.get(a)
            if owner is not None and owner != name:
                p.append(f"{w}: management address {a} is the WAN address of {owner!r}{also}")
    return p


def load(inventory_dir: Path | str) -> Overlay:
    """The validated overlay of an inventory directory, or InventoryError listing every problem."""
    with bulk.gc_paused():  # many small objects at once: see controller/bulk.py
        return _load(inventory_dir)


def _load(inventory_dir: Path | str) -> Overlay:
    inv = Path(inventory_dir)
    raw, problems = _read_files(inv)
    if problems:
        raise InventoryError(problems)
    hosts, problems, origins = _hosts(inv, raw)
    try:
        intent = Intent.model_validate(raw["overlay"])
    except ValidationError as e:
        problems += _pydantic_problems(inv / "overlay.yaml", e)
        intent = None
    if problems:
        raise InventoryError(problems)
    problems = _check(inv, intent, hosts, origins)
    if problems:
        raise InventoryError(problems)
    devices = {}
    for name, r in {**intent.hubs, **intent.sites}.items():
        h = hosts[name]
        devices[name] = Device(
            name=name, role="hub" if name in intent.hubs else "site", platform=h.platform,
            hostname=h.hostname, wan=r.wan, lans=tuple(r.lans4), router_id=allocate.router_id(r),
            lan_interfaces=tuple(f"lan{i}" for i in range(len(r.lans4))), data=dict(h.data),
            lans6=tuple(r.lans6), lan6_interfaces=tuple(f"lan{i}" for i in range(len(r.lans6))),
            origins=origins.get(name, {}))
    def ifname(device: str, peer: str, number: int, kind: str = "primary") -> str:
        plat = platforms.get(devices[device].platform)
        # a platform that numbers its tunnels names a dual-homed site's backup and a hub-to-hub tunnel
        # apart from the site-id ones (issue 23); the others name by peer or are refused multi-hub
        named = getattr(plat, "redundant_interface_name", None)
        if named is not None and kind != "primary":
            return named(devices[device].role, peer, number, kind)
        return plat.interface_name(peer, number)

    ov = Overlay(inventory_dir=str(inv), intent=intent, devices=devices,
                 tunnels=tuple(allocate.tunnels(intent, ifname)))
    # every command: Nornir must see the same devices
    problems = platform_problems(ov) or nornir_check(ov, raw)
    if problems:
        raise InventoryError(problems)
    ov.__dict__["_nornir_raw"] = {k: raw[k] for k in ("hosts", "groups", "defaults")}  # nornir_view.for_overlay
    return ov


SHOWN_DEVICES = 3


def _host_problem(inv: Path, dev, problem: platforms.Problem) -> str:
    """A platform's problem about ``dev``'s host entry, at the file and entry that set the value."""
    hf = inv / "hosts.yaml"
    if problem.kind == "host_data":
        key = f"data.{problem.field}"
        where = dev.origins.get(key, f"{hf}: {dev.name}.{key}")
        return f"{where}: {problem.message} (platform {dev.platform} of {dev.name!r})"
    where = dev.origins.get("platform", f"{hf}: {dev.name}.platform")
    return f"{where}: {problem.message}{for_host(where, dev.name)}"


def _devices(names: list[str]) -> str:
    """
    >>> _devices(["a", "b", "c", "d", "e"])
    "'a', 'b', 'c' and 2 more"
    """
    text = ", ".join(repr(n) for n in names[:SHOWN_DEVICES])
    return text + (f" and {len(names) - SHOWN_DEVICES} more" if len(names) > SHOWN_DEVICES else "")


def wan_problems(ov: Overlay) -> list[str]:
    """Each WAN interface is one its platform has (``check_interface``), and not a tunnel interface
    grectl itself creates on that device (compared in the platform's canonical spelling)."""
    of = Path(ov.inventory_dir) / "overlay.yaml"
    out: list[str] = []
    for name, dev in ov.devices.items():
        plat = platforms.get(dev.platform)
        field = f"{of}: {'hubs' if dev.role == 'hub' else 'sites'}.{name}.wan.interface"
        why = plat.check_interface(dev.wan.interface)
        if why:
            out.append(f"{field}: {shown(dev.wan.interface)} {why} (platform {dev.platform} of {name!r})")
            continue
        wan = plat.canonical_interface(dev.wan.interface)
        for t in ov.tunnels_of(name):
            end = t.end(name)
            if plat.canonical_interface(end.interface) == wan:
                out.append(f"{field}: {shown(dev.wan.interface)} is the tunnel interface {end.interface} "
                           f"grectl creates toward {end.peer!r} (platform {dev.platform} of {name!r}): the "
                           "tunnel is carried over the WAN, which must be another interface")
                break
    return out


def psk_problems(ov: Overlay) -> list[str]:
    """Each tunnel's key (the global one or its site's) as every platform carrying it reads it: both
    ends' ``check_psk``. One line per key, platform and rule, naming the devices; never the key."""
    inv = Path(ov.inventory_dir)
    keys: dict[str, tuple[str | None, str]] = {}
    found: dict[tuple[str, str, str, str], list[str]] = {}
    for t in ov.tunnels:
        field = "psk" if getattr(ov.intent.sites.get(t.site), "psk", None) is None else f"sites.{t.site}.psk"
        if field not in keys:
            keys[field] = (secrets.read(t.psk_ref, inv)[0], secrets.where(t.psk_ref, inv))
        key, where = keys[field]
        if key is None:  # _check has said why
            continue
        for device in (t.hub, t.site):
            plat = ov.devices[device].platform
            why = platforms.get(plat).check_psk(key)
            if why:
                if key in why:  # a platform rule must never quote the key
                    why = "is read differently by this platform"
                devs = found.setdefault((field, where, plat, why), [])
                if device not in devs:
                    devs.append(device)
    return [f"{inv / 'overlay.yaml'}: {field}: {where}: the key {why} (platform {plat} of {_devices(devs)})"
            for (field, where, plat, why), devs in found.items()]


def platform_problems(ov: Overlay) -> list[str]:
    """What each device's platform cannot do or name: checked on the resolved model, so derived
    names (tunnel interfaces) are checked, not only the raw site names. A problem about host data
    names the file and entry that set it (hosts.yaml, a group, or defaults.yaml)."""
    inv = Path(ov.inventory_dir)
    of = inv / "overlay.yaml"
    out: list[str] = []
    for name, dev in ov.devices.items():
        plat = platforms.get(dev.platform)
        for problem in platforms.problems_of(plat, ov, name) + multi_hub_problems(plat, ov, name):
            if problem.kind == "intent":
                out.append(f"{of}: {problem}")
            else:
                out.append(_host_problem(inv, dev, problem))
    out += wan_problems(ov)
    for t in ov.tunnels:
        kind = "hubs" if t.kind == "hubs" else "sites"  # a hub-to-hub tunnel: both ends are hubs
        for end, field in ((t.hub_end, f"{kind}.{t.site}"), (t.site_end, f"{kind}.{t.site}.hub")):
            plat = ov.devices[end.device].platform
            why = platforms.get(plat).check_device_name(end.interface)
            if why:
                out.append(f"{of}: {field}: tunnel interface {end.interface!r} on {end.device} ({plat}) {why}; "
                           "use a shorter name")
    out += psk_problems(ov)
    return sorted(set(out), key=out.index)


def nornir_check(overlay: Overlay, raw: dict | None = None) -> list[str]:
    """Nornir's SimpleInventory view of every device must match ours. Nornir's deserialisers and
    inheritance run on the mappings grectl read (``raw``, from ``_read_files``; read when not
    given); only when a value Nornir keys on may read otherwise in its YAML dialect are the files
    read again the way SimpleInventory reads them (``nornir_view``)."""
    from . import nornir_view

    inv = Path(overlay.inventory_dir)
    if raw is None:
        raw, problems = _read_files(inv)
        if problems:
            return problems
    try:
        if nornir_view.same_in_both_dialects(raw, bool(raw.get("directives"))):
            nr_inventory = nornir_view.build(raw)
        else:
            nr_inventory = nornir_view.from_files(inv)
    except Exception as e:  # Nornir's own loader refused the files
        text = " ".join(str(e).split())
        return [f"{inv / 'hosts.yaml'}: Nornir cannot load the inventory: {e.__class__.__name__}: "
                f"{secrets.mask(text)[:160]}"]
    problems = []
    for name, dev in overlay.devices.items():
        host = nr_inventory.hosts.get(name)
        if host is None or (host.hostname, host.platform) != (dev.hostname, dev.platform):
            seen = "absent" if host is None else f"hostname {host.hostname}, platform {host.platform}"
            problems.append(f"{inv / 'hosts.yaml'}: {name}: Nornir resolves {seen}, grectl resolves "
                            f"hostname {dev.hostname}, platform {dev.platform}")
    return problems


def psks(overlay: Overlay) -> dict[str, str]:
    """Site name -> PSK for every tunnel. Only device I/O code should call this."""
    inv = Path(overlay.inventory_dir)
    out, read = {}, {}
    for t in overlay.tunnels:
        if t.psk_ref not in read:  # one read per key source (the global key, a site's own), not per tunnel
            read[t.psk_ref] = secrets.read(t.psk_ref, inv)
        key, problem = read[t.psk_ref]
        if problem:
            field = "psk" if getattr(overlay.intent.sites.get(t.site), "psk", None) is None else f"sites.{t.site}.psk"
            raise InventoryError([f"{inv / 'overlay.yaml'}: {field}: {problem}"])
        out[t.site] = key
    return out
