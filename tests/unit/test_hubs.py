"""Redundant hubs (issue 23): the intent (hub: or hubs:), deterministic allocation of one tunnel
per (site, hub) and of the hub-to-hub tunnels, OSPF costs, per-tunnel MTU, the --site scope, and
validate's refusals (naming file and field)."""
import dataclasses
from ipaddress import ip_network

import pytest

from controller import inventory
from controller.errors import InventoryError
from controller.platforms import linux
from tests.conftest import edit_yaml
from tests.unit.hubs_fixture import dual_homed


def table(ov):
    return {(t.site, t.hub): (t.kind, str(t.subnet), t.cost, t.hub_end.interface, t.site_end.interface)
            for t in ov.tunnels}


@pytest.fixture
def dual(tmp_path):
    return dual_homed(tmp_path)


def test_dual_homed_tunnels(dual):
    assert table(inventory.load(dual)) == {
        ("osaka", "tokyo"): ("primary", "172.16.0.0/30", 10, "gre-osaka", "gre-tokyo"),
        ("osaka", "nagoya"): ("backup", "172.16.0.252/30", 100, "gre-osaka", "gre-nagoya"),
        ("fukuoka", "nagoya"): ("primary", "172.16.0.4/30", 10, "gre-fukuoka", "gre-nagoya"),
        ("fukuoka", "tokyo"): ("backup", "172.16.0.248/30", 100, "gre-fukuoka", "gre-tokyo"),
        ("nagoya", "tokyo"): ("hubs", "172.16.1.0/30", 10, "gre-nagoya", "gre-tokyo")}


def test_single_hub_sites_are_unchanged(inv):
    ov = inventory.load(inv)
    assert [(t.kind, t.cost) for t in ov.tunnels] == [("primary", None)] * 2
    assert ov.devices_in_scope("osaka") == ["tokyo", "osaka"]


def test_adding_a_backup_hub_moves_no_primary(tmp_path):
    single = dual_homed(tmp_path / "a", deletes=["sites.osaka.hubs"], sets={"sites.osaka.hub": "tokyo"})
    before = table(inventory.load(single))
    after = table(inventory.load(dual_homed(tmp_path / "b")))
    assert after[("osaka", "tokyo")][1] == before[("osaka", "tokyo")][1]
    assert ("osaka", "nagoya") not in before and ("osaka", "nagoya") in after
    assert {k: v for k, v in after.items() if k[0] != "osaka"} == {k: v for k, v in before.items() if k[0] != "osaka"}


def test_removing_a_site_moves_nothing_else(tmp_path):
    before = table(inventory.load(dual_homed(tmp_path / "a")))
    after = table(inventory.load(dual_homed(tmp_path / "b", deletes=["sites.osaka"])))
    assert after == {k: v for k, v in before.items() if k[0] != "osaka"}


def test_costs_are_configurable(tmp_path):
    ov = inventory.load(dual_homed(tmp_path, {"ospf.cost": 20, "ospf.backup_cost": 300}))
    assert {t.kind: t.cost for t in ov.tunnels} == {"primary": 20, "backup": 300, "hubs": 20}


def test_each_tunnel_has_its_own_mtu(dual):
    ov = inventory.load(dual)  # nagoya's WAN MTU is 1400, tokyo's 1500
    mtus = {(t.site, t.hub): ov.tunnel_mtu(t) for t in ov.tunnels}
    assert mtus[("osaka", "tokyo")] > mtus[("osaka", "nagoya")] == mtus[("nagoya", "tokyo")]


def test_site_scope_touches_the_site_and_each_of_its_hubs(dual):
    ov = inventory.load(dual)
    assert ov.devices_in_scope("osaka") == ["nagoya", "tokyo", "osaka"]
    assert {(t.site, t.hub) for t in ov.scoped("osaka")} == {("osaka", "tokyo"), ("osaka", "nagoya"),
                                                             ("nagoya", "tokyo")}  # verify judges the hub link too


def test_dual_stack_per_tunnel(tmp_path):
    ov = inventory.load(dual_homed(tmp_path, {"tunnel_pool6": "2001:db8:ffff::/48",
                                               "sites.osaka.lans": ["10.1.2.0/24", "2001:db8:1:2::/64"]}))
    fam = {(t.site, t.hub): (t.families, str(t.subnet6)) for t in ov.tunnels}
    assert fam[("osaka", "tokyo")] == (("ipv4", "ipv6"), "2001:db8:ffff::/64")
    assert fam[("osaka", "nagoya")] == (("ipv4", "ipv6"), "2001:db8:ffff:ffff::/64")
    assert fam[("fukuoka", "tokyo")] == (("ipv4",), "None")


@pytest.mark.parametrize("sets, deletes, expect", [
    ({"sites.osaka.hub": "fukuoka"}, [], "sites.osaka: Value error, name either hub"),
    ({"sites.osaka.hub": "tokyo"}, [], "sites.osaka: Value error, name either hub"),  # even the primary
    ({"sites.osaka.hub": "nagoya"}, [], "sites.osaka: Value error, name either hub"),
    ({"sites.osaka.hubs": ["tokyo", "tokyo"]}, [], "sites.osaka.hubs: Value error, hubs ['tokyo', 'tokyo']"),
    ({"sites.osaka.hubs": ["tokyo", "kobe"]}, [], "sites.osaka.hubs[1]: no hub named 'kobe'"),
    ({"sites.osaka.hubs": ["tokyo"]}, [], "sites.osaka.hubs: "),
    ({}, ["hub_pool"], "hub_pool: dual-homed site 'fukuoka' needs a hub_pool"),
    ({"hub_pool": "172.16.0.0/25"}, [], "hub_pool: 172.16.0.0/25 is overlapping the tunnel pool"),
    ({}, ["hubs.nagoya.id"], "hubs.nagoya.id: hub 'nagoya' of a dual-homed site needs an id"),
    ({"hubs.nagoya.id": 1}, [], "hubs.tokyo.id: duplicate hub id 1 (also 'nagoya')"),
    ({"hub_pool": "172.16.1.0/30", "hubs.nagoya.id": 3}, [], "hub_pool: 172.16.1.0/30 is too small"),
    ({"sites.fukuoka.id": 64}, [], "sites.osaka.id: its backup tunnel takes slot 64 of 172.16.0.0/24"),
])
def test_refused(tmp_path, sets, deletes, expect):
    inv = dual_homed(tmp_path)
    edit_yaml(inv / "overlay.yaml", sets, deletes)
    with pytest.raises(InventoryError) as e:
        inventory.load(inv)
    assert any("overlay.yaml: " + expect in line for line in e.value.problems), e.value.problems


def test_platform_without_multi_hub_is_refused(dual, monkeypatch):
    monkeypatch.setattr(linux.PLATFORM, "caps", dataclasses.replace(linux.PLATFORM.caps, multi_hub=False))
    with pytest.raises(InventoryError) as e:
        inventory.load(dual)
    assert any("overlay.yaml: sites.osaka.hubs: dual-homed site 'osaka'" in p and "cannot do redundant hubs" in p
               for p in e.value.problems), e.value.problems


def test_pool_capacity_of_backups(dual):
    ov = inventory.load(dual)
    assert all(t.subnet.subnet_of(ip_network("172.16.0.0/24")) for t in ov.tunnels if t.kind != "hubs")


@pytest.mark.parametrize("site, dumped", [("osaka", {"hubs": ("tokyo", "nagoya")}), ("fukuoka", {"hubs": ("nagoya", "tokyo")})])
def test_dump_round_trips(dual, site, dumped):
    """A dual-homed site dumps hubs only (hub is derived), so the intent validates from its own dump."""
    intent = inventory.load(dual).intent
    doc = intent.model_dump()
    assert "hub" not in doc["sites"][site] and doc["sites"][site]["hubs"] == dumped["hubs"]
    again = type(intent).model_validate(doc)
    assert again == intent and again.sites[site].hub == dumped["hubs"][0]
