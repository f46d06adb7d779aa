"""Intent shapes the conformance suite derives from any platform's own inventory, so a platform
that declares a capability passes the same cases as every other: a dual-stack device
(``"ipv6" in caps.families``) and a dual-homed device (``caps.multi_hub``).

Generic on purpose: only overlay.yaml and hosts.yaml are edited, the device's own host entry is
the template of the second hub, and interface names come from the provider (``LAN6_INTERFACE``)
or, failing that, the device's WAN interface (a name its platform takes)."""
from __future__ import annotations

from pathlib import Path

import yaml

BACKUP = "nagoya"               # the second hub (on the device's own platform)
BACKUP_LAN = "10.1.44.0/24"
BACKUP_WAN = "198.51.100.54/30"
BACKUP_MTU = 1400               # a smaller underlay: the backup tunnel gets its own, smaller MTU
COST, BACKUP_COST = 17, 173     # not the defaults: the intent's costs must reach the config
LAN6 = "2001:db8:77::/64"
POOL6 = "2001:db8:ffff::/48"


def _read(inv: Path) -> tuple[dict, dict]:
    return (yaml.safe_load((inv / "overlay.yaml").read_text()), yaml.safe_load((inv / "hosts.yaml").read_text()))


def _write(inv: Path, doc: dict, hosts: dict) -> None:
    (inv / "overlay.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    (inv / "hosts.yaml").write_text(yaml.safe_dump(hosts, sort_keys=False))


def homed_site(doc: dict, device: str) -> tuple[str, str]:
    """(the site made dual-homed, its primary hub): the device itself when it is a site, else the
    first site (by id) of the device's hub."""
    sites = doc.get("sites") or {}
    if device in sites:
        return device, sites[device]["hub"]
    mine = sorted((s["id"], n) for n, s in sites.items() if s.get("hub") == device)
    return mine[0][1], device


def dual_homed(inv: Path, device: str) -> tuple[str, str]:
    """``inv`` edited in place: a second hub on ``device``'s platform, and a site (the device, or one
    of its sites when it is a hub) homed on [its hub, the new hub]. Returns (site, backup hub)."""
    doc, hosts = _read(inv)
    site, primary = homed_site(doc, device)
    router = doc["hubs"].get(device) or doc["sites"][device]
    host = dict(hosts[device])
    host["hostname"] = "192.0.2.54"
    host["data"] = {**(host.get("data") or {}), "role": "hub"}
    host["data"].pop("lan6_interfaces", None)
    hosts[BACKUP] = host
    doc["hub_pool"] = "172.16.1.0/24"
    doc["hubs"][primary]["id"] = 1
    doc["hubs"][BACKUP] = {"id": 2, "wan": {"interface": router["wan"]["interface"], "address": BACKUP_WAN,
                                            "mtu": BACKUP_MTU}, "lans": [BACKUP_LAN]}
    doc["sites"][site].pop("hub")
    doc["sites"][site]["hubs"] = [primary, BACKUP]
    doc.setdefault("ospf", {}).update(cost=COST, backup_cost=BACKUP_COST)
    _write(inv, doc, hosts)
    return site, BACKUP


def dual_stack(inv: Path, device: str, lan6_interface: str | None = None) -> None:
    """``inv`` edited in place: ``device`` has an IPv6 LAN (so each of its tunnels is dual-stack) and
    the tunnels a ``tunnel_pool6``. A device that has one already keeps its own."""
    doc, hosts = _read(inv)
    router = doc["hubs"].get(device) or doc["sites"][device]
    doc["tunnel_pool6"] = doc.get("tunnel_pool6") or POOL6
    if not any(":" in str(lan) for lan in router.get("lans", [])):
        router["lans"] = list(router.get("lans", [])) + [LAN6]
        data = hosts[device].setdefault("data", {})
        data["lan6_interfaces"] = [lan6_interface or router["wan"]["interface"]]
    _write(inv, doc, hosts)


def single_stack(inv: Path) -> None:
    """``inv`` edited in place: no IPv6 anywhere (LANs, tunnel_pool6, lan6_interfaces)."""
    doc, hosts = _read(inv)
    for k in ("tunnel_pool6", "tunnel_prefixlen6"):
        doc.pop(k, None)
    for group in ("hubs", "sites"):
        for r in (doc.get(group) or {}).values():
            r["lans"] = [x for x in r.get("lans", []) if ":" not in str(x)]
    for h in hosts.values():
        if isinstance(h, dict) and isinstance(h.get("data"), dict):
            h["data"].pop("lan6_interfaces", None)
    _write(inv, doc, hosts)


def own_hub(inv: Path, device: str) -> str:
    """``inv`` edited in place: the site ``device``'s hub runs on ``device``'s platform too (its host
    entry copied, its WAN on the device's WAN interface name). Returns the hub's name."""
    doc, hosts = _read(inv)
    hub = doc["sites"][device]["hub"]
    host = dict(hosts[device])
    host["hostname"] = (hosts.get(hub) or {}).get("hostname", "192.0.2.51")
    host["data"] = {**(host.get("data") or {}), "role": "hub"}
    host["data"].pop("lan6_interfaces", None)
    hosts[hub] = host
    doc["hubs"][hub]["wan"]["interface"] = doc["sites"][device]["wan"]["interface"]
    _write(inv, doc, hosts)
    return hub


def hubs_overlay(conf, tmp: Path, dual: bool = True, six: bool = False):
    """The overlay of a conformance provider ``conf`` (its ``inventory``, ``DEVICE``,
    ``LAN6_INTERFACE``), its device dual-homed (on its hub and a second hub of its platform);
    with ``six`` IPv4-only but for the device's IPv6 LAN (its tunnels dual-stack)."""
    from controller import inventory
    tmp.mkdir(parents=True, exist_ok=True)
    inv = conf.inventory(tmp)
    if six:
        single_stack(inv)
    if dual:
        dual_homed(inv, conf.DEVICE)
    if six:
        dual_stack(inv, conf.DEVICE, conf.LAN6_INTERFACE)
    return inventory.load(inv)
