"""Redundant hubs (issue 23), verify's ``ospf.backup``: a dual-homed site's OSPF database holds the
link to its backup hub both ways and, with the link to its primary left out, reaches a router
advertising every remote LAN (else OSPF_BACKUP_PATH_MISSING). Only dual-homed sites get the check;
the Linux collect reads the router LSAs only when a site is dual-homed."""
import pytest

from controller import inventory, verify
from controller.platforms.linux import collect, lsdb
from controller.state import RouterLsa
from tests.unit.hubs_fixture import area_lsdb, dual_homed
from tests.unit.test_verify_checks import failing, healthy
from tests.unit.test_verify_hubs import preferred_routes

RID = {"tokyo": "10.1.1.1", "osaka": "10.1.2.1", "fukuoka": "10.1.3.1", "nagoya": "10.1.4.1"}


@pytest.fixture
def ov(tmp_path):
    return inventory.load(dual_homed(tmp_path))


def states_with(ov, edit=None):
    states = preferred_routes(ov, healthy(ov))
    db = area_lsdb(ov)
    if edit:
        edit(db)
    for st in states.values():
        st.ospf_lsdb = {k: v.model_copy(deep=True) for k, v in db.items()}
    return states


def test_router_ids_are_the_fixtures(ov):
    assert {n: str(d.router_id) for n, d in ov.devices.items()} == RID


def test_healthy_backup_paths_pass(ov):
    checks = verify.evaluate(ov, states_with(ov))
    assert not failing(checks)
    assert {(c.device, c.peer, c.observed) for c in checks if c.check == "ospf.backup"} == {
        ("osaka", "nagoya", "3/3 remote LANs via gre-nagoya"), ("fukuoka", "tokyo", "3/3 remote LANs via gre-tokyo")}


def _drop_link(a, b):
    return lambda db: db[RID[a]].links.pop(RID[b])


def _drops(*pairs):
    return lambda db: [db[RID[a]].links.pop(RID[b]) for a, b in pairs]


def _drop_stub(dev, prefix):
    return lambda db: db[RID[dev]].stubs.remove(prefix)


@pytest.mark.parametrize("edit, site, detail", [
    (_drop_link("nagoya", "osaka"), "osaka", "no two-way router-LSA link between osaka and its backup hub nagoya"),
    (_drop_link("osaka", "nagoya"), "osaka", "no two-way router-LSA link between osaka and its backup hub nagoya"),
    (lambda db: db.pop(RID["nagoya"]), "osaka", "no two-way router-LSA link between osaka and its backup hub"),
    (_drop_link("tokyo", "fukuoka"), "fukuoka", "between fukuoka and its backup hub tokyo"),
    # the hub-to-hub link gone, and fukuoka's backup with it (else OSPF would transit fukuoka): osaka's
    # backup no longer reaches tokyo's LAN
    (_drops(("tokyo", "nagoya"), ("fukuoka", "tokyo")), "osaka", "reaches no router advertising 10.1.1.0/24"),
    (_drops(("nagoya", "tokyo"), ("osaka", "nagoya")), "fukuoka", "reaches no router advertising 10.1.4.0/24"),
    # a LAN not advertised at all
    (_drop_stub("fukuoka", "10.1.3.0/24"), "osaka", "reaches no router advertising 10.1.3.0/24"),
])
def test_backup_gap_is_red(ov, edit, site, detail):
    checks = verify.evaluate(ov, states_with(ov, edit))
    bad = [c for c in checks if c.check == "ospf.backup" and c.device == site]
    assert [c.reason for c in bad] == ["OSPF_BACKUP_PATH_MISSING"] and detail in bad[0].detail, bad
    assert {c for c in failing(checks) if c[1] != "ospf.backup"} == set()  # the routes alone stay green


def test_empty_database_is_red_not_passed(ov):
    checks = verify.evaluate(ov, states_with(ov, lambda db: db.clear()))
    assert {(c.device, c.reason) for c in checks if c.check == "ospf.backup" and c.status == "fail"} == {
        ("osaka", "OSPF_BACKUP_PATH_MISSING"), ("fukuoka", "OSPF_BACKUP_PATH_MISSING")}


def test_site_scope_keeps_its_backup_check(ov):
    checks = verify.evaluate(ov, states_with(ov, _drop_link("nagoya", "osaka")), site="osaka")
    assert ("osaka", "ospf.backup", "OSPF_BACKUP_PATH_MISSING") in failing(checks)
    assert [c.device for c in checks if c.check == "ospf.backup"] == ["osaka"]


@pytest.mark.parametrize("dual, reads", [(True, True), (False, False)])
def test_linux_reads_the_lsdb_only_with_dual_homing(tmp_path, inv, dual, reads):
    ov = inventory.load(dual_homed(tmp_path / "dual") if dual else inv)
    assert (lsdb.SHOW in collect.commands(ov, "osaka", None)[0][0]) is reads


LINK = ('"advertisingRouter":"{a}","routerLinks":{{"link0":{{"linkType":"another Router (point-to-point)",'
        '"neighborRouterId":"{n}","routerInterfaceAddress":"172.16.0.1","tos0Metric":100}},'
        '"link1":{{"linkType":"Stub Network","networkAddress":"10.1.4.0","networkMask":"255.255.255.0",'
        '"tos0Metric":10}}}}')


@pytest.mark.parametrize("text", [
    '{"routerId":"10.1.2.1","routerLinkStates":{"areas":{"0.0.0.0":[{' + LINK.format(a="10.1.4.1", n="10.1.2.1")
    + '}]}}}',
    '{"routerId":"10.1.2.1","Router Link States":{"0.0.0.0":{"10.1.4.1":{' + LINK.format(a="10.1.4.1", n="10.1.2.1")
    + '}}}}',
    '{"neighbors":{}}\n{"routerId":"10.1.2.1","routerLinkStates":{"areas":{"0.0.0.0":[{'
    + LINK.format(a="10.1.4.1", n="10.1.2.1") + '}]}}}',
])
def test_parse_router_lsdb_shapes(text):
    assert lsdb.parse_router_lsdb(text) == {"10.1.4.1": RouterLsa(links={"10.1.2.1": 100}, stubs=["10.1.4.0/24"])}


@pytest.mark.parametrize("text", ["", "vtysh: error", '{"neighbors":{}}', '{"routerLinkStates":{"areas":{}}}'])
def test_parse_router_lsdb_nothing(text):
    assert lsdb.parse_router_lsdb(text) == {}


def test_linux_parse_puts_the_lsdb_in_the_state(ov):
    doc = '{"routerId":"10.1.2.1","routerLinkStates":{"areas":{"0.0.0.0":[{' + LINK.format(a="10.1.4.1", n="10.1.2.1")
    frr = '{"neighbors":{}}\n{"interfaces":{}}\n' + doc + '}]}}}\n{}'
    st = collect.parse(ov, "osaka", None, {"run": f"{collect.MARK}frr\n{frr}\n"})
    assert st.ospf_lsdb == {"10.1.4.1": RouterLsa(links={"10.1.2.1": 100}, stubs=["10.1.4.0/24"])}
