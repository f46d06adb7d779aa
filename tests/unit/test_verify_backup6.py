"""Redundant hubs on dual-stack sites (issue 23): the backup path is proven in OSPFv3's database too
(``ospf6.backup``): FRR's router LSAs (links) and intra-area-prefix LSAs (prefixes), read as
ospf6d 8.4.4 prints them. The fixtures are one lab router's real output (cases/hubs_lsdb/README):
site br1 homed on hq (primary) then hq2, br2 on hq2 then hq, costs 10 and 100."""
import json
import sys
from pathlib import Path

import pytest

from controller import inventory, preferred, verify
from controller.platforms.linux import collect, lsdb, parsers

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from bench_hubs import dual_homed  # noqa: E402  the inventory the fixtures were captured on

CAP = Path(__file__).parent / "cases" / "hubs_lsdb"
RTR6 = (CAP / "br1_show_ipv6_ospf6_database_router_detail_json.txt").read_text()
IAP6 = (CAP / "br1_show_ipv6_ospf6_database_intra-prefix_detail_json.txt").read_text()
RTR4 = (CAP / "br1_show_ip_ospf_database_router_json.txt").read_text()
HQ, BR1, BR2, HQ2 = "10.64.0.1", "10.64.1.1", "10.64.2.1", "10.64.3.1"


@pytest.fixture(scope="module")
def ov(tmp_path_factory):
    return inventory.load(dual_homed(tmp_path_factory.mktemp("hubs6") / "inv", 2, ipv6=True))


def edited(text: str, keep) -> str:
    """The captured document with the LSAs (or their links / prefixes) ``keep`` refuses left out."""
    doc = json.loads(text)
    for area in doc["areaScopedLinkStateDb"]:
        area["lsa"] = [x for x in (keep(lsa) for lsa in area["lsa"]) if x is not None]
    return json.dumps(doc)


def drop_link(a: str, b: str):
    def keep(lsa):
        if lsa["advertisingRouter"] == a:
            lsa["lsaDescription"] = [x for x in lsa["lsaDescription"] if x["neighborRouterId"] != b]
        return lsa
    return keep


def test_the_captured_database_parses():
    db = lsdb.parse_ospf6_lsdb(RTR6 + IAP6)
    assert db[BR1].links == {HQ: 10, HQ2: 100}                 # primary 10, backup 100
    assert db[HQ].links == {BR1: 10, BR2: 100, HQ2: 10}         # the hub-to-hub link at 10
    assert "2001:db8:2:3::/64" in db[BR1].stubs and "2001:db8:2:4::/64" in db[BR2].stubs
    assert set(db) == {HQ, BR1, BR2, HQ2}


def test_summary_form_is_not_read_as_links():
    """`show ipv6 ospf6 database router json` (no detail) prints "payload": "rid/ifid", no metric."""
    summary = ('{"areaScopedLinkStateDb":[{"areaId":"0.0.0.0","lsa":[{"type":"Rtr","lsId":"0.0.0.0",'
               '"advRouter":"10.64.0.1","age":20,"seqNum":2147483661,"payload":"10.64.1.1/0.0.0.8"}]}]}')
    assert lsdb.parse_ospf6_lsdb(summary) == {}


@pytest.mark.parametrize("text", ["", "% Unknown command", '{"neighbors":[]}', '{"areaScopedLinkStateDb":[]}',
                                  '{"areaScopedLinkStateDb":[{"areaId":"0.0.0.0","lsa":"x"}]}'])
def test_nothing_to_read(text):
    assert lsdb.parse_ospf6_lsdb(text) == {}


def test_the_last_document_of_each_kind_wins():
    stale = edited(RTR6, drop_link(BR1, HQ2))
    assert HQ2 not in lsdb.parse_ospf6_lsdb(stale + IAP6)[BR1].links
    assert HQ2 in lsdb.parse_ospf6_lsdb(stale + IAP6 + RTR6)[BR1].links


@pytest.mark.parametrize("rtr, iap, linked, gaps", [
    (RTR6, IAP6, True, []),                                           # as captured: green
    (edited(RTR6, drop_link(BR1, HQ2)), IAP6, False, None),           # br1's LSA lost the backup link
    (edited(RTR6, drop_link(HQ2, BR1)), IAP6, False, None),           # one way only (hq2 does not name br1)
    (edited(RTR6, drop_link(HQ2, HQ)), IAP6, True, []),             # no hub-to-hub: hq via br2 (its backup)
    (edited(edited(RTR6, drop_link(HQ2, HQ)), drop_link(BR2, HQ)), IAP6, True, ["2001:db8:2:1::/64"]),  # nor: hq's LAN
    (RTR6, edited(IAP6, lambda x: None if x["advertisingRouter"] == BR2 else x), True, ["2001:db8:2:4::/64"]),
])
def test_backup_gaps_on_the_captured_database(ov, rtr, iap, linked, gaps):
    got_linked, got_gaps = preferred.backup_gaps(ov, "br1", lsdb.parse_ospf6_lsdb(rtr + iap), "ipv6")
    assert got_linked is linked
    if gaps is not None:
        assert got_gaps == gaps


def state(ov, rtr6=RTR6, iap6=IAP6):
    """br1's state parsed from the captured output (only the OSPF sections: the other checks fail)."""
    sec = {"frr": RTR4 + (CAP / "br1_show_ip_ospf_interface_json.txt").read_text(),
           "frr6": (CAP / "br1_show_ipv6_ospf6_interface_json.txt").read_text() + rtr6 + iap6}
    return collect.parse(ov, "br1", None, {"x": "".join(f"{parsers.MARK}{k}\n{v}\n" for k, v in sec.items())})


@pytest.mark.parametrize("rtr6, status, reason", [
    (RTR6, "pass", ""),
    (edited(RTR6, drop_link(HQ2, BR1)), "fail", "OSPF_BACKUP_PATH_MISSING"),
])
def test_verify_judges_ospf6_backup_from_the_capture(ov, rtr6, status, reason):
    checks = verify.check_device(ov, "br1", state(ov, rtr6))
    got = {c.check: (c.status, c.reason) for c in checks if c.check.endswith(".backup")}
    assert got == {"ospf.backup": ("pass", ""), "ospf6.backup": (status, reason)}, got


def test_captured_costs_are_the_intent(ov):
    st = state(ov)
    assert {n: i.cost for n, i in st.ospf6_interfaces.items() if n.startswith("gre-")} == {"gre-hq": 10, "gre-hq2": 100}
    assert {n: i.cost for n, i in st.ospf_interfaces.items() if n.startswith("gre-")} == {"gre-hq": 10, "gre-hq2": 100}
    e = verify.End(ov, next(t for t in ov.tunnels_of("br1") if t.hub == "hq2"), "br1", st, [])
    verify._ospf_cost(e, "ipv6")
    assert [(c.check, c.status, c.observed) for c in e.out] == [("ospf6.cost", "pass", "cost 100")]


@pytest.mark.parametrize("ipv6, dual, reads", [(True, True, True), (False, True, False), (True, False, False)])
def test_linux_reads_the_ospf6_lsdb_only_on_dual_homed_dual_stack(tmp_path, ipv6, dual, reads):
    from tests.gen_inventory import generate
    inv = dual_homed(tmp_path / "d", 2, ipv6=ipv6) if dual else generate(tmp_path / "s", 2)
    ov = inventory.load(inv)
    assert all((c in collect.commands(ov, "br1", None)[0][0]) is reads for c in lsdb.SHOW6)
