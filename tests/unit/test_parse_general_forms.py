"""`grectl parse` takes the general form of a command when its format is the one grectl collects:
the same capture gives the same facts under either form; every interface / the whole route table
(recorded captures of other people's routers) parse too; other formats (brief) are refused."""
import json
from pathlib import Path

import pytest

from controller import cli

UNIT = Path(__file__).parent
IOS = UNIT / "platforms" / "ios" / "cases" / "healthy"
VRP = UNIT / "platforms" / "huawei_vrp" / "cases" / "healthy-fukuoka"
VYOS = UNIT / "platforms" / "vyos" / "cases" / "healthy-osaka"
RECORDED = UNIT.parents[2] / "shared" / "recorded"


def parse(capsys, platform, command, file):
    with pytest.raises(SystemExit) as e:
        cli.main(["parse", platform, command, str(file), "--json"])
    c = capsys.readouterr()
    return e.value.code, c.out, c.err


# (platform, the form grectl collects, general forms with the same format, capture)
SAME = [
    ("ios", "show interfaces Tunnel1", ["show interfaces", "sh int"], IOS / "show_interfaces_Tunnel1.txt"),
    ("ios", "show ip interface Tunnel1", ["show ip interface", "sh ip int"], IOS / "show_ip_interface_Tunnel1.txt"),
    ("ios", "show ip ospf interface Tunnel1", ["show ip ospf interface"], IOS / "show_ip_ospf_interface_Tunnel1.txt"),
    ("ios", "show ip route ospf", ["show ip route", "sh ip ro", "show ip route ospf 1"],
     IOS / "show_ip_route_ospf.txt"),
    ("huawei_vrp", "display interface Tunnel0/0/2", ["display interface"], VRP / "display_interface_Tunnel0~0~2.txt"),
    ("huawei_vrp", "display ip routing-table protocol ospf", ["display ip routing-table"],
     VRP / "display_ip_routing-table_protocol_ospf.txt"),
    ("vyos", "show ip route ospf", ["show ip route"], VYOS / "show_ip_route_ospf.txt"),
]


@pytest.mark.parametrize("platform,specific,general,capture", SAME, ids=[s[1] for s in SAME])
def test_general_forms_give_the_same_facts(capsys, platform, specific, general, capture):
    code, want, err = parse(capsys, platform, specific, capture)
    assert code == 0 and json.loads(want), err
    for form in general:
        code, got, err = parse(capsys, platform, form, capture)
        assert code == 0, err
        assert json.loads(got) == json.loads(want), form


@pytest.mark.parametrize("platform,command", [("ios", "show interfaces brief"), ("ios", "show ip interface brief"),
                                              ("ios", "show interfaces description")])
def test_other_formats_are_still_refused(capsys, platform, command):
    code, out, err = parse(capsys, platform, command, IOS / "show_interfaces_Tunnel1.txt")
    assert code == 1 and "no parser" in err and "show interfaces [TunnelN]" in " ".join(err.split())


def recorded(platform, command) -> Path:
    d = RECORDED / platform / command
    if not d.is_dir():
        pytest.skip(f"../shared/recorded/{platform}/{command} absent")
    return next(d.glob("*.raw"))


def test_whole_ios_route_table_keeps_the_ospf_routes(capsys):
    capture = recorded("cisco_ios", "show_ip_route")
    code, out, err = parse(capsys, "ios", "show ip route", capture)
    assert code == 0, err
    routes = json.loads(out)["routes"]
    o_lines = [ln for ln in capture.read_text().splitlines() if ln.startswith("O ")]
    assert routes and len(routes) <= len(o_lines) + 5
    assert all(r["protocol"] == "ospf" for rs in routes.values() for r in rs)
    assert "172.20.1.1/32" in routes


def test_every_ios_interface_on_a_router_without_tunnels(capsys):
    code, out, err = parse(capsys, "ios", "show interfaces", recorded("cisco_ios", "show_interfaces"))
    assert code == 0 and json.loads(out) == {}, err     # no tunnel: no facts, no error
