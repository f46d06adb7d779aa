"""Comware parsers: on the recorded hp_comware captures (ntc-templates' fixtures: our parse agrees
with ntc's expected result), on the outputs written from the documented displays (cases/), and
through ``grectl parse h3c_comware "<command>" FILE``."""
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from controller import platforms
from controller.cli import app
from controller.platforms.h3c_comware import collect, values
from tests.unit.platforms.mixed import RECORDED, need_recorded

HERE = Path(__file__).parent
HEALTHY = HERE / "cases" / "healthy-fukuoka"
PLAT = platforms.get("h3c_comware")


def _capture(command: str):
    d = RECORDED / "hp_comware" / command
    return next(d.glob("*.raw")).read_text(), yaml.safe_load(next(d.glob("*.yml")).read_text())["parsed_sample"]


@need_recorded
def test_display_interface_capture_agrees_with_ntc():
    raw, want = _capture("display_interface")
    got = collect.parse_interface(raw)
    assert list(got) == [w["interface"] for w in want]
    for w in want:
        g = got[w["interface"]]
        assert g.oper_up == (w["protocol_status"] == "UP"), w["interface"]
        assert g.mtu == (int(w["mtu"]) if w["mtu"] else None), w["interface"]


@need_recorded
def test_display_ip_routing_table_capture_agrees_with_ntc():
    raw, want = _capture("display_ip_routing-table")
    got = collect.parse_routes(raw)
    flat = sorted((p, r.protocol, h.ip, h.interface) for p, rs in got.items() for r in rs for h in r.nexthops)
    expect = sorted((f"{w['network']}/{w['prefix_length']}", collect.PROTOCOLS.get(w["protocol"], w["protocol"].lower()),
                     w["nexthop_ip"], values.canonical_interface(w["nexthop_if"])) for w in want)
    assert flat == expect


@pytest.mark.parametrize("command,field,check", [
    ("display interface Tunnel2", "gre",
     lambda s: s.gre["Tunnel2"].mtu == 1434 and s.gre["Tunnel2"].destination == "198.51.100.2"),
    ("display ikev2 sa", "ike_sas", lambda s: [(x.peer, x.state) for x in s.ike_sas] == [("198.51.100.2", "established")]),
    ("display ipsec sa", "child_sas",
     lambda s: [(c.peer, c.mode, c.encryption, c.key_size, c.integrity, c.packets_in, c.packets_out)
                for c in s.child_sas] == [("198.51.100.2", "transport", "aes-cbc", 256, "sha256", 30, 31)]),
    ("display ospf peer", "ospf_neighbors",
     lambda s: [(n.router_id, n.state, n.interface) for n in s.ospf_neighbors] == [("10.1.1.1", "full", "Tunnel2")]),
    ("display ospf interface Tunnel2 verbose", "ospf_interfaces",
     lambda s: (s.ospf_interfaces["Tunnel2"].hello, s.ospf_interfaces["Tunnel2"].dead,
                s.ospf_interfaces["Tunnel2"].network_type) == (2, 8, "point-to-point")),
    ("display ip routing-table protocol ospf", "routes", lambda s: sorted(s.routes) == [
        "10.1.1.0/24", "10.1.2.0/24", "172.16.0.0/30"] and s.routes["10.1.1.0/24"][0].protocol == "ospf"),
    ("display ip routing-table 198.51.100.2", "route_lookups",
     lambda s: s.route_lookups["198.51.100.2"].interface == "Dialer1"),
    ("ping -f -s 1406 -c 2 172.16.0.5", "probes", lambda s: s.probes["172.16.0.5"]["probe"].received == 2),
    ("ping -f -s 1407 -c 1 172.16.0.5", "probes",
     lambda s: s.probes["172.16.0.5"]["probe"].error == "message too long"),
])
def test_each_documented_display(command, field, check):
    from tests.unit.platforms.mixed import command_file
    state = PLAT.parse_command(command, (HEALTHY / command_file(command)).read_text())
    assert check(state), getattr(state, field)


def test_ikev1_display_ike_sa():
    text = ("    Connection-ID   Remote                Flag         DOI\n"
            "  ------------------------------------------------------------------\n"
            "    1               198.51.100.2          RD           IPsec\n"
            "    2               198.51.100.6          Unknown      IPsec\n"
            "Flags:\nRD--READY RL--REPLACED FD-FADING RK-REKEY\n")
    got = PLAT.parse_command("display ike sa", text).ike_sas
    assert [(s.peer, s.state) for s in got] == [("198.51.100.2", "established"), ("198.51.100.6", "connecting")]


def test_unknown_command_is_refused():
    with pytest.raises(NotImplementedError):
        PLAT.parse_command("display version", "")


def test_grectl_parse_cli():
    f = HEALTHY / "display_ikev2_sa.txt"
    r = CliRunner().invoke(app, ["parse", "h3c_comware", "display ikev2 sa", str(f)])
    assert r.exit_code == 0, r.output
    assert "198.51.100.2" in r.output and "established" in r.output
