"""Verify with redundant hubs (issue 23): both tunnels of a dual-homed site and the hub-to-hub
tunnel are judged; remote LANs must be learned through the preferred path (the primary), through
the backup is PATH_NOT_PREFERRED; the --site scope covers the site's two hubs."""
import pytest

from controller import inventory, preferred, verify
from controller.state import NextHop, Route
from tests.unit.hubs_fixture import area_lsdb, dual_homed
from tests.unit.test_verify_checks import failing, healthy


@pytest.fixture
def ov(tmp_path):
    return inventory.load(dual_homed(tmp_path))


def preferred_routes(ov, states):
    """Routes along the preferred paths, and the area's OSPF database (the backup paths in it)."""
    for name, st in states.items():
        st.routes.clear()
        st.ospf_lsdb = area_lsdb(ov)
        for r, via in preferred.first_hops(ov, name).items():
            for lan in ov.devices[r].lans:
                st.routes[str(lan)] = [Route(protocol="ospf", nexthops=[NextHop(interface=i) for i in sorted(via)])]
    return states


@pytest.mark.parametrize("device, remote, via", [
    ("osaka", "tokyo", {"gre-tokyo"}),        # its primary
    ("osaka", "nagoya", {"gre-tokyo"}),       # the backup hub's LAN: primary, then the hub-to-hub tunnel
    ("osaka", "fukuoka", {"gre-tokyo"}),      # a site homed first on the other hub
    ("fukuoka", "osaka", {"gre-nagoya"}),
    ("tokyo", "fukuoka", {"gre-nagoya"}),     # a hub reaches its backup site through the other hub
    ("tokyo", "osaka", {"gre-osaka"}),
])
def test_first_hops(ov, device, remote, via):
    assert preferred.first_hops(ov, device)[remote] == via


def test_healthy_two_hub_overlay_passes(ov):
    checks = verify.evaluate(ov, preferred_routes(ov, healthy(ov)))
    assert not failing(checks)
    ends = {(c.device, c.peer) for c in checks if c.check == "ospf.neighbor" and c.status == "pass"}
    assert {("osaka", "tokyo"), ("osaka", "nagoya"), ("tokyo", "nagoya"), ("nagoya", "tokyo")} <= ends


def test_route_through_the_backup_is_not_preferred(ov):
    states = preferred_routes(ov, healthy(ov))
    states["osaka"].routes["10.1.3.0/24"] = [Route(protocol="ospf", nexthops=[NextHop(interface="gre-nagoya")])]
    assert failing(verify.evaluate(ov, states)) == {("osaka", "routes.lan", "PATH_NOT_PREFERRED")}


def test_backup_adjacency_down_is_red(ov):
    states = preferred_routes(ov, healthy(ov))
    states["osaka"].ospf_neighbors = [n for n in states["osaka"].ospf_neighbors if n.interface != "gre-nagoya"]
    assert ("osaka", "ospf.neighbor", "OSPF_NO_SESSION") in failing(verify.evaluate(ov, states, site="osaka"))


@pytest.mark.parametrize("site, other", [("osaka", "fukuoka"), ("fukuoka", "osaka")])
def test_site_scope_judges_both_tunnels_and_the_hub_link(ov, site, other):
    """verify --site S: S's two tunnels and the hub-to-hub link between S's hubs (it carries a hub's
    LAN when S's primary fails); never another site's tunnels."""
    checks = verify.evaluate(ov, preferred_routes(ov, healthy(ov)), site=site)
    assert not failing(checks)
    assert {(c.device, c.peer) for c in checks if c.check == "gre.link"} == {
        (site, "tokyo"), ("tokyo", site), (site, "nagoya"), ("nagoya", site), ("tokyo", "nagoya"), ("nagoya", "tokyo")}
    assert not [c for c in checks if other in (c.device, c.peer)]


@pytest.mark.parametrize("site", ["osaka", "fukuoka"])
def test_site_scope_is_red_on_a_broken_hub_link(ov, site):
    states = preferred_routes(ov, healthy(ov))
    states["nagoya"].ospf_neighbors = [n for n in states["nagoya"].ospf_neighbors if n.interface != "gre-tokyo"]
    assert ("nagoya", "ospf.neighbor", "OSPF_NO_SESSION") in failing(verify.evaluate(ov, states, site=site))


@pytest.mark.parametrize("device, peers", [
    ("tokyo", {"osaka", "nagoya"}),   # the site's primary hub: the site and the hub link
    ("nagoya", {"osaka", "tokyo"}),   # its backup hub: likewise
    ("osaka", {"tokyo", "nagoya"}),   # the site: its two tunnels
])
def test_linux_collect_reads_the_hub_link_in_site_scope(ov, device, peers):
    from controller.platforms.linux import collect
    assert {t.end(device).peer for t in collect._tunnels(ov, device, "osaka")} == peers
    script = collect.commands(ov, device, "osaka")[0][0]
    assert all(f"route get {ov.devices[p].wan.address.ip}" in script for p in peers)
