"""VyOS dual-stack (issue 22): golden renders of a dual-stack site (and its Linux hub's peer
piece), every line a path of vyos-1x's own definitions, the 1.3 refusal, and the exact commands
that add the IPv6 objects and remove them when the LANs go back to IPv4 only."""
from pathlib import Path

import pytest

from controller import inventory, platforms, render
from controller.errors import InventoryError
from controller.platforms.vyos import cli_check
from tests.unit.platforms.mixed import VYOS_DEFS, dual_stack_lans, golden, mixed_inventory, need_defs

HERE = Path(__file__).parent
VYOS = platforms.get("vyos")


def dual(tmp: Path, six: bool = True, release: str | None = None, lan6: list | None = None, **intent) -> Path:
    """The mixed overlay with fukuoka on Linux; with ``six`` tokyo and osaka get an IPv6 LAN and the
    tunnels a tunnel_pool6. osaka's IPv6 LAN is on eth1."""
    lan6 = lan6 if lan6 is not None else ["eth1"]
    return dual_stack_lans(mixed_inventory(tmp, vyos_release=release, **intent), "osaka", lan6, "2001:db8:2::/64", ("fukuoka", "172.31.255.13"), six)


def test_golden(tmp_path):
    golden(HERE / "golden" / "osaka-dualstack.set", render.render_device(inventory.load(dual(tmp_path)), "osaka"))


def test_ipv4_only_has_no_ipv6_line(tmp_path):
    text = render.render_device(inventory.load(dual(tmp_path, six=False)), "osaka")
    assert "ospfv3" not in text and "ipv6" not in text and "fe80" not in text


@need_defs
@pytest.mark.parametrize("intent", [{}, {"gre.key": True, "nat_t": True}, {"tunnel_prefixlen6": 127}])
def test_vyos_definitions_accept_the_dual_stack_lines(tmp_path, intent):
    ov = inventory.load(dual(tmp_path, **intent))
    text = render.render_device(ov, "osaka")
    assert "set protocols ospfv3 interface tun1 area '0.0.0.0'" in text
    c = cli_check.Checker(VYOS_DEFS)
    assert c.check(text) == [] and not c.unjudged, c.unjudged


@need_defs
def test_vyos_definitions_refuse_a_wrong_ospfv3_line():
    """The check can fail: a network type OSPFv3 has not, and an IPv6 MSS below 536."""
    c = cli_check.Checker(VYOS_DEFS)
    bad = c.check("set protocols ospfv3 interface tun1 network 'nbma'\n"
                  "set interfaces tunnel tun1 ipv6 adjust-mss '500'\n")
    assert [n for n, *_ in bad] == [1, 2]


@pytest.mark.parametrize("kw,why", [
    ({"release": "1.3"}, "VyOS 1.4+ syntax only"),
    ({"lan6": []}, "must name one interface per IPv6 LAN"),
    ({"lan6": ["eth 1"]}, "lan6_interfaces"),
])
def test_refusals(tmp_path, kw, why):
    with pytest.raises(InventoryError) as e:
        inventory.load(dual(tmp_path, **kw))
    assert why in str(e.value)


def _running(ov) -> str:
    """VyOS's ``show configuration commands`` of a router running ``ov``'s intent, plus the
    operator's own lines."""
    return "set system host-name 'osaka'\nset interfaces ethernet eth1 address '2001:db8:2::1/64'\n" + \
        render.render_device(ov, "osaka")


def test_in_sync_is_empty(tmp_path):
    ov = inventory.load(dual(tmp_path))
    assert VYOS.remediation(_running(ov), render.render_device(ov, "osaka"), True) == []


def test_going_dual_stack_adds_the_ipv6_objects(tmp_path):
    before, after = inventory.load(dual(tmp_path / "a", six=False)), inventory.load(dual(tmp_path / "b"))
    assert VYOS.remediation(_running(before), render.render_device(after, "osaka"), True) == [
        "set interfaces tunnel tun1 address 'fe80::2/64'",
        "set interfaces tunnel tun1 address '2001:db8:ffff::2/64'",
        "set interfaces tunnel tun1 ipv6 address no-default-link-local",
        "set interfaces tunnel tun1 ipv6 adjust-mss '1374'",
        "set protocols ospfv3 parameters router-id '10.1.2.1'",
        "set protocols ospfv3 interface eth1 area '0.0.0.0'",
        "set protocols ospfv3 interface eth1 passive",
        "set protocols ospfv3 interface tun1 area '0.0.0.0'",
        "set protocols ospfv3 interface tun1 network 'point-to-point'",
        "set protocols ospfv3 interface tun1 hello-interval '2'",
        "set protocols ospfv3 interface tun1 dead-interval '8'",
    ]


def test_back_to_ipv4_only_removes_them(tmp_path):
    """The tunnel's IPv6 leaves and every OSPFv3 interface go; the router-id (a shared leaf, as
    OSPF's) and the operator's LAN address stay."""
    before, after = inventory.load(dual(tmp_path / "a")), inventory.load(dual(tmp_path / "b", six=False))
    assert VYOS.remediation(_running(before), render.render_device(after, "osaka"), True) == [
        "delete interfaces tunnel tun1 address fe80::2/64",
        "delete interfaces tunnel tun1 address 2001:db8:ffff::2/64",
        "delete interfaces tunnel tun1 ipv6 address no-default-link-local",
        "delete interfaces tunnel tun1 ipv6 adjust-mss 1374",
        "delete protocols ospfv3 interface eth1",
        "delete protocols ospfv3 interface tun1",
    ]


# ---------------------------------------------------------------- verify (IPv6 side)
SIX = ("df6.", "ospf6.", "routes6.")


def _frr6(state="Full"):
    """FRR's JSON as ospf6d 8.4 prints it (the Linux collector's format; VyOS runs FRR)."""
    import json
    nbr = {"neighbors": [{"neighborId": "10.1.1.1", "priority": 1, "deadTime": "00:00:07", "state": state,
                          "ifState": "PointToPoint", "interfaceName": "tun1", "interfaceState": "PointToPoint"}]}
    ifs = {"tun1": {"status": "up", "type": "BROADCAST", "interfaceId": 8, "interfaceMtu": 1434, "areaId": "0.0.0.0",
                    "timerIntervalsConfigHello": 2, "timerIntervalsConfigDead": 8,
                    "ospf6InterfaceState": "PointToPoint"}}
    rt = {} if state != "Full" else {"2001:db8:1::/64": [
        {"prefix": "2001:db8:1::/64", "protocol": "ospf6", "selected": True,
         "nexthops": [{"ip": "fe80::1", "afi": "ipv6", "interfaceName": "tun1", "active": True}]}]}
    return [json.dumps(nbr), json.dumps(ifs), json.dumps(rt)]


PING_MAX = "3 packets transmitted, 2 received, 0% packet loss\n"
PING_OVER = "ping: local error: message too long, mtu: 1434\n1 packets transmitted, 0 received, +1 errors\n"


@pytest.mark.parametrize("state,over,fail", [
    ("Full", PING_OVER, []),
    ("Init", PING_OVER, [("ospf6.neighbor", "OSPF_NO_SESSION"), ("routes6.lan", "ROUTE_MISSING")]),
    ("ExStart", PING_OVER, [("ospf6.neighbor", "OSPF_MTU_MISMATCH"), ("routes6.lan", "ROUTE_MISSING")]),
    ("Full", PING_MAX, [("df6.over", "DF_BOUNDARY_WRONG")]),
], ids=["healthy", "ospf6-init", "ospf6-exstart", "df6-over-passes"])
def test_ipv6_verify_cases(tmp_path, state, over, fail):
    from controller import verify
    from controller.platforms.vyos import collect
    ov = inventory.load(dual(tmp_path))
    cmds = [c for r in VYOS.collect(ov, "osaka", None) for c in r]
    assert [c for c in cmds if "ospf6" in c or "ipv6" in c or "2001:db8" in c] == [
        *collect.FRR6, "ping 2001:db8:ffff::1 size 1386 do-not-fragment count 2",
        "ping 2001:db8:ffff::1 size 1387 do-not-fragment count 1"]
    outputs = dict(zip(collect.FRR6, _frr6(state)))
    outputs["ping 2001:db8:ffff::1 size 1386 do-not-fragment count 2"] = PING_MAX
    outputs["ping 2001:db8:ffff::1 size 1387 do-not-fragment count 1"] = over
    st = VYOS.parse(ov, "osaka", None, outputs)
    checks = [c for c in verify.evaluate(ov, {"osaka": st}) if c.device == "osaka" and c.check.startswith(SIX)]
    assert {c.check for c in checks} == {"df6.max", "df6.over", "ospf6.neighbor", "ospf6.interface", "routes6.lan"}
    assert sorted({(c.check, c.reason) for c in checks if c.status == "fail"}) == fail


def test_ipv4_only_collects_no_ipv6_command(tmp_path):
    ov = inventory.load(dual(tmp_path, six=False))
    assert not [c for r in VYOS.collect(ov, "osaka", None) for c in r if "ipv6" in c or "ospf6" in c]
