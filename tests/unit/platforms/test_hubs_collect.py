"""Collect and parse on a dual-homed device (issue 23), for each object platform with a recorded
healthy case: the commands read each tunnel (both hubs' WAN addresses, both interfaces), and the
healthy single-tunnel outputs, judged against the dual-homed intent, pass every check of the primary
tunnel and fail the backup's: the parsers key each fact by its own tunnel. With redundant hubs
each also reads the OSPF router LSAs, and verify proves the backup path from them."""
import ipaddress
import json
from pathlib import Path

import pytest

from controller import inventory, platforms
from tests.unit.hubs_fixture import area_lsdb
from tests.unit.platforms import shapes
from tests.unit.platforms.judge import judge_case
from tests.unit.platforms.mixed import load_case

HERE = Path(__file__).parent
HEALTHY = {"ios": "healthy", "vyos": "healthy-osaka", "huawei_vrp": "healthy-fukuoka"}


def dual(name: str, tmp: Path):
    import importlib
    conf = importlib.import_module(f"tests.unit.platforms.{name}.conformance")
    inv = conf.inventory(tmp)
    shapes.dual_homed(inv, conf.DEVICE)
    return conf, inventory.load(inv)


@pytest.mark.parametrize("name", sorted(HEALTHY))
def test_collect_reads_each_tunnel(name, tmp_path):
    conf, ov = dual(name, tmp_path)
    plat = platforms.get(name)
    commands = "\n".join(c for rnd in plat.collect(ov, conf.DEVICE, None) for c in rnd)
    for t in ov.tunnels_of(conf.DEVICE):
        assert str(t.site_end.peer_wan) in commands, (t.kind, commands)


@pytest.mark.parametrize("name", sorted(HEALTHY))
def test_parse_keys_each_tunnel(name, tmp_path):
    conf, ov = dual(name, tmp_path)
    exp, outputs = load_case(HERE / name / "cases" / HEALTHY[name])
    assert exp["device"] == conf.DEVICE
    _, checks = judge_case(ov, conf.DEVICE, outputs)
    primary, backup = (next(t for t in ov.tunnels_of(conf.DEVICE) if t.kind == k).hub for k in ("primary", "backup"))
    by_peer = {p: [c for c in checks if c.peer == p] for p in (primary, backup)}
    assert by_peer[primary] and by_peer[backup]
    # a primary-tunnel check may only fail on what the new intent added (the new hub's LAN, which
    # the recorded routes cannot hold): nothing in the parse may mix the two tunnels
    failing_primary = [c for c in by_peer[primary] if c.status == "fail"]
    assert all(c.check == "routes.lan" and shapes.BACKUP_LAN in c.expected + c.detail + c.observed
               for c in failing_primary), failing_primary
    assert any(c.status == "fail" for c in by_peer[backup])


# ---------------------------------------------------------------- the OSPF database (backup path)

def cisco_text(lsdb) -> str:
    """Router LSAs in the layout of IOS's ``show ip ospf database router`` (Cisco's field names)."""
    out = ["            OSPF Router with ID (10.1.2.1) (Process ID 1)", "", "                Router Link States (Area 0)"]
    for adv, lsa in lsdb.items():
        out += ["", "  LS age: 12", "  LS Type: Router Links", f"  Link State ID: {adv}", f"  Advertising Router: {adv}",
                f"  Number of Links: {len(lsa.links) + len(lsa.stubs)}", ""]
        for rid, metric in lsa.links.items():
            out += ["    Link connected to: another Router (point-to-point)",
                    f"     (Link ID) Neighboring Router ID: {rid}", "     (Link Data) Router Interface address: 0.0.0.1",
                    "      Number of MTID metrics: 0", f"       TOS 0 Metrics: {metric}", ""]
        for stub in lsa.stubs:
            net = ipaddress.ip_network(stub)
            out += ["    Link connected to: a Stub Network", f"     (Link ID) Network/subnet number: {net.network_address}",
                    f"     (Link Data) Network Mask: {net.netmask}", "      Number of MTID metrics: 0",
                    "       TOS 0 Metrics: 1", ""]
    return "\n".join(out) + "\n"


def vrp_text(lsdb) -> str:
    """The same in the layout of VRP's ``display ospf lsdb router``."""
    out = ["", "          OSPF Process 1 with Router ID 10.1.3.1", "                  Area: 0.0.0.0",
           "          Link State Database", ""]
    for adv, lsa in lsdb.items():
        out += ["  Type      : Router", f"  Ls id     : {adv}", f"  Adv rtr   : {adv}", "  Ls age    : 12",
                f"  Link count: {len(lsa.links) + len(lsa.stubs)}"]
        for rid, metric in lsa.links.items():
            out += [f"   * Link ID: {rid}", "     Data   : 0.0.0.1", "     Link Type: P-2-P", f"     Metric : {metric}"]
        for stub in lsa.stubs:
            net = ipaddress.ip_network(stub)
            out += [f"   * Link ID: {net.network_address}", f"     Data   : {net.netmask}", "     Link Type: StubNet",
                    "     Metric : 1", "     Priority : Low"]
        out.append("")
    return "\n".join(out) + "\n"


def frr_json(lsdb) -> str:
    """The same as FRR's ``show ip ospf database router json`` (what VyOS's vtysh prints)."""
    lsas = [{"lsaType": "router-LSA", "advertisingRouter": adv, "routerLinks": {
        **{f"link{n}": {"linkType": "another Router (point-to-point)", "neighborRouterId": rid, "tos0Metric": m}
           for n, (rid, m) in enumerate(lsa.links.items())},
        **{f"link{len(lsa.links) + n}": {"linkType": "Stub Network", "networkAddress": str(ipaddress.ip_network(s).network_address),
                                         "networkMask": str(ipaddress.ip_network(s).netmask), "tos0Metric": 1}
           for n, s in enumerate(lsa.stubs)}}} for adv, lsa in lsdb.items()]
    return json.dumps({"routerId": "10.1.2.1", "routerLinkStates": {"areas": {"0.0.0.0": lsas}}})


WRITE = {"ios": cisco_text, "vyos": frr_json, "huawei_vrp": vrp_text}


@pytest.mark.parametrize("name", sorted(HEALTHY))
def test_the_ospf_database_is_read_only_with_redundant_hubs(name, tmp_path):
    conf, ov = dual(name, tmp_path / "dual")
    (tmp_path / "single").mkdir()
    single = inventory.load(conf.inventory(tmp_path / "single"))
    plat, lsdb = platforms.get(name), _lsdb_command(name)
    assert lsdb in [c for rnd in plat.collect(ov, conf.DEVICE, None) for c in rnd]
    assert lsdb not in [c for rnd in plat.collect(single, conf.DEVICE, None) for c in rnd]
    assert lsdb in plat.commands()


@pytest.mark.parametrize("name", sorted(HEALTHY))
def test_the_backup_path_is_proven_from_the_parsed_database(name, tmp_path):
    conf, ov = dual(name, tmp_path)
    want = area_lsdb(ov)
    lsdb = _lsdb_command(name)
    assert platforms.get(name).parse_command(lsdb, WRITE[name](want)).ospf_lsdb == want
    _, outputs = load_case(HERE / name / "cases" / HEALTHY[name])

    def backup(text):
        _, checks = judge_case(ov, conf.DEVICE, {**outputs, lsdb: text})
        return next(c for c in checks if c.check == "ospf.backup")
    assert backup(WRITE[name](want)).status == "pass"
    site = str(ov.devices[conf.DEVICE].router_id)
    hub = str(ov.devices[shapes.BACKUP].router_id)
    broken = {**want, hub: want[hub].model_copy(update={"links": {k: v for k, v in want[hub].links.items() if k != site}})}
    assert (backup(WRITE[name](broken)).status, backup(WRITE[name](broken)).reason) == ("fail", "OSPF_BACKUP_PATH_MISSING")


def _lsdb_command(name: str) -> str:
    import importlib
    return importlib.import_module(f"controller.platforms.{name}.collect").LSDB
