"""H3C Comware 7 verify of a dual-homed site (issue 23): remote LANs through the preferred tunnel
(PATH_NOT_PREFERRED otherwise) and the backup path in the OSPF database (``display ospf lsdb
router``, OSPF_BACKUP_PATH_MISSING), on outputs written in Comware's documented layout."""
import pytest

from controller import platforms, verify
from controller.platforms.h3c_comware import lsdb
from tests.unit.hubs_fixture import area_lsdb
from tests.unit.platforms.h3c_comware.test_hubs import load

CW = platforms.get("h3c_comware")
ROUTES = "display ip routing-table protocol ospf"


def lsdb_text(db: dict) -> str:
    """The router LSAs as Comware displays them (the layout lsdb.py documents)."""
    out = [" OSPF Process 1 with Router ID 10.1.3.1", "  Area: 0.0.0.0", " Link State Database", ""]
    for rid, lsa in db.items():
        out += ["    Type      : Router", f"    LS ID     : {rid}", f"    Adv Rtr   : {rid}", "    LS age    : 4",
                f"    Link count: {len(lsa.links) + len(lsa.stubs)}"]
        for peer, metric in lsa.links.items():
            out += [f"       Link ID: {peer}", "       Data   : 172.16.0.1", "       Link Type: P-2-P",
                    f"       Metric : {metric}"]
        for stub in lsa.stubs:
            net, plen = stub.split("/")
            mask = str(__import__("ipaddress").IPv4Network(stub).netmask)
            out += [f"       Link ID: {net}", f"       Data   : {mask}", "       Link Type: StubNet",
                    "       Metric : 10", "       Priority : Low"]
        out.append("")
    return "\n".join(out)


def routes_text(ov, via: str) -> str:
    rows = [f"{lan}        O_INTRA 10  20          172.16.0.5      {via}"
            for name, dev in sorted(ov.devices.items()) if name != "fukuoka" for lan in dev.lans]
    return "OSPF Routing table status : <Active>\nSummary count : 3\n\nDestination/Mask   Proto   Pre Cost" \
           "        NextHop         Interface\n" + "\n".join(rows) + "\n"


def test_collect_asks_for_the_lsdb_only_with_redundant_hubs(tmp_path):
    ov = load(tmp_path / "a")
    assert lsdb.SHOW in [c for r in CW.collect(ov, "fukuoka", None) for c in r]
    from controller import inventory
    from tests.unit.platforms.h3c_comware.conformance import inventory as single
    plain = inventory.load(single(tmp_path / "b"))
    assert lsdb.SHOW not in [c for r in CW.collect(plain, "fukuoka", None) for c in r]


def test_the_lsdb_reads_back_what_was_written(tmp_path):
    db = area_lsdb(load(tmp_path))
    assert lsdb.parse_router_lsdb(lsdb_text(db)) == db


@pytest.mark.parametrize("via,drop,fail", [
    ("Tun2", None, []),
    ("Tun1023", None, [("routes.lan", "PATH_NOT_PREFERRED")]),
    ("Tun2", "backup-link", [("ospf.backup", "OSPF_BACKUP_PATH_MISSING")]),
], ids=["healthy", "lans-through-the-backup", "backup-link-missing"])
def test_dual_homed_site_checks(tmp_path, via, drop, fail):
    ov = load(tmp_path)
    db = area_lsdb(ov)
    if drop:
        tokyo = str(ov.devices["tokyo"].router_id)
        db[str(ov.devices["fukuoka"].router_id)].links.pop(tokyo)
    st = CW.parse(ov, "fukuoka", None, {ROUTES: routes_text(ov, via), lsdb.SHOW: lsdb_text(db)})
    checks = [c for c in verify.check_device(ov, "fukuoka", st)]
    assert {c.check for c in checks} >= {"routes.lan", "ospf.backup"}
    assert sorted({(c.check, c.reason) for c in checks if c.status == "fail"}) == fail


@pytest.mark.parametrize("text", ["", "Type : Router\n" + "x" * 500, "Type : Network\nAdv Rtr : 1.1.1.1\n"
                                  "Link ID: 2.2.2.2\nLink Type: P-2-P\nMetric : 10\n",
                                  "Type : Router\nAdv Rtr : 1.1.1.1\nLink ID: 10.0.0.0\nData : bogus\n"
                                  "Link Type: StubNet\n"])
def test_what_is_not_a_router_link_is_not_read(text):
    assert all(not lsa.links and not lsa.stubs for lsa in lsdb.parse_router_lsdb(text).values())
