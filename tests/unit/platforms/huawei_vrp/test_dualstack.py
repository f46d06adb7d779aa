"""Huawei VRP dual-stack (issue 22): golden render of a dual-stack site, the exact commands that add
the IPv6 objects and remove them when the LANs go back to IPv4 only (the operator's interface and
lines stay), and the IPv6 verify parsers on Huawei's documented formats."""
from pathlib import Path

import pytest

from controller import inventory, platforms, render
from controller.errors import InventoryError
from tests.unit.platforms.mixed import SIX_CASES, dual_stack_lans, golden, mixed_inventory, six_checks

HERE = Path(__file__).parent
VRP = platforms.get("huawei_vrp")


def dual(tmp: Path, six: bool = True, lan6: list | None = None, **intent) -> Path:
    """The mixed overlay with osaka on Linux; with ``six`` tokyo and fukuoka get an IPv6 LAN and the
    tunnels a tunnel_pool6. fukuoka's IPv6 LAN is on GigabitEthernet0/0/1."""
    lan6 = lan6 if lan6 is not None else ["GE0/0/1"]
    return dual_stack_lans(mixed_inventory(tmp, **intent), "fukuoka", lan6, "2001:db8:3::/64", ("osaka", "172.31.255.12"), six)


def test_golden(tmp_path):
    golden(HERE / "golden" / "fukuoka-dualstack.cfg", render.render_device(inventory.load(dual(tmp_path)), "fukuoka"))


def test_ipv4_only_has_no_ipv6_line(tmp_path):
    text = render.render_device(inventory.load(dual(tmp_path, six=False)), "fukuoka")
    assert "ipv6" not in text and "ospfv3" not in text


@pytest.mark.parametrize("lan6,why", [([], "must name one interface per IPv6 LAN"), (["eth0"], "lan6_interfaces")])
def test_refusals(tmp_path, lan6, why):
    with pytest.raises(InventoryError) as e:
        inventory.load(dual(tmp_path, lan6=lan6))
    assert why in str(e.value)


OPERATOR = "interface GigabitEthernet0/0/1\n ip address 10.1.3.1 255.255.255.0\n ipv6 enable\n" \
           " ipv6 address 2001:DB8:3::1/64\n{lan6}#\nospfv3 7\n router-id 9.9.9.9\n#\n"


def _running(ov, lan6: bool) -> str:
    """``display current-configuration`` of fukuoka running ``ov``'s intent beside the operator's
    LAN interface (its OSPFv3 line grectl's) and the operator's own OSPFv3 process 7."""
    text = render.render_device(ov, "fukuoka")
    text = text.replace("interface GigabitEthernet0/0/1\n ospfv3 1 area 0.0.0.0\n#\n", "")
    return OPERATOR.format(lan6=" ospfv3 1 area 0.0.0.0\n" if lan6 else "") + text


def test_in_sync_is_empty(tmp_path):
    ov = inventory.load(dual(tmp_path))
    assert VRP.remediation(_running(ov, True), render.render_device(ov, "fukuoka"), True) == []


def test_going_dual_stack_adds_the_ipv6_objects(tmp_path):
    before, after = inventory.load(dual(tmp_path / "a", six=False)), inventory.load(dual(tmp_path / "b"))
    assert VRP.remediation(_running(before, False), render.render_device(after, "fukuoka"), True) == [
        "ipv6",
        "interface Tunnel0/0/2",
        " ipv6 enable",
        " ipv6 address FE80::2 link-local",
        " ipv6 address 2001:DB8:FFFF:1::2/64",
        " ospfv3 1 area 0.0.0.0",
        " ospfv3 network-type p2p",
        " ospfv3 timer hello 2",
        " ospfv3 timer dead 8",
        "quit",
        "interface GigabitEthernet0/0/1",
        " ospfv3 1 area 0.0.0.0",
        "quit",
        "ospfv3 1",
        " router-id 10.1.3.1",
        " silent-interface GigabitEthernet0/0/1",
        "quit",
    ]


def test_back_to_ipv4_only_removes_them(tmp_path):
    """The tunnel's IPv6 lines, the LAN's OSPFv3 line and, last, grectl's OSPFv3 process 1 go; the
    operator's LAN interface, its addresses, its OSPFv3 process 7 and the system ``ipv6`` stay."""
    before, after = inventory.load(dual(tmp_path / "a")), inventory.load(dual(tmp_path / "b", six=False))
    assert VRP.remediation(_running(before, True), render.render_device(after, "fukuoka"), True) == [
        "interface Tunnel0/0/2",
        " undo ipv6 enable",
        " undo ipv6 address FE80::2 link-local",
        " undo ipv6 address 2001:DB8:FFFF:1::2/64",
        " undo ospfv3 1 area 0.0.0.0",
        " undo ospfv3 network-type",
        " undo ospfv3 timer hello",
        " undo ospfv3 timer dead",
        "quit",
        "interface GigabitEthernet0/0/1",
        " undo ospfv3 1 area 0.0.0.0",
        "quit",
        "undo ospfv3 1",
    ]


# ---------------------------------------------------------------- verify (IPv6 side)
PEER = """\
OSPFv3 Process (1)
OSPFv3 Area (0.0.0.0)
Neighbor ID     Pri  State            Dead Time Interface            Instance ID
10.1.1.1        1    {state}/ -          00:00:06  Tunnel0/0/2              0
"""
IFACE = """\
Tunnel0/0/2 is up, line protocol is up
  Interface ID 0x102
  IPv6 Prefixes
    FE80::2 (Link-Local Address)
    2001:DB8:FFFF:1::2/64
  OSPFv3 Process (1), Area 0.0.0.0, Instance ID 0
    Router ID 10.1.3.1, Network Type POINT_TO_POINT, Cost: 1562
    Transmit Delay is 1 sec, State Point-To-Point, Priority 1
    Timer interval configured, Hello 2, Dead 8, Wait 8, Retransmit 5
       Hello due in 00:00:01
    Neighbor Count is 1, Adjacent neighbor count is 1
"""
ROUTES = """\
Routing Table : Public
Summary Count : 1

 Destination  : 2001:DB8:1::                            PrefixLength : 64
 NextHop      : FE80::1                                 Preference   : 10
 Cost         : 2                                       Protocol     : OSPFv3
 RelayNextHop : ::                                      TunnelID     : 0x0
 Interface    : Tunnel0/0/2                             Flags        : D
"""
PING = """\
  PING 2001:DB8:FFFF:1::1 : 1386  data bytes, press CTRL_C to break
    Reply from 2001:DB8:FFFF:1::1
    bytes=1386 Sequence=1 hop limit=64  time = 2 ms
  --- 2001:DB8:FFFF:1::1 ping statistics ---
    2 packet(s) transmitted
    {n} packet(s) received
"""


@SIX_CASES
def test_ipv6_verify_cases(tmp_path, state, routed, replies, fail):
    ov = inventory.load(dual(tmp_path))
    six, checks = six_checks(VRP, ov, "fukuoka", [PEER.format(state=state), ROUTES if routed else "", IFACE,
                                                   PING.format(n=replies)])
    assert six == ["display ospfv3 peer", "display ipv6 routing-table protocol ospfv3",
                   "display ospfv3 interface Tunnel0/0/2", "ping ipv6 -c 2 -s 1386 2001:DB8:FFFF:1::1"]
    assert {c.check for c in checks} == {"df6.max", "ospf6.neighbor", "ospf6.interface", "routes6.lan"}
    assert sorted({(c.check, c.reason) for c in checks if c.status == "fail"}) == fail


def test_ipv6_facts_as_parsed(tmp_path):
    from controller.platforms.huawei_vrp import collect6
    oi = collect6.parse_ospfv3_interface(IFACE)["Tunnel0/0/2"]
    assert (oi.area, oi.hello, oi.dead, oi.network_type) == ("0.0.0.0", 2, 8, "point-to-point")
    r = collect6.parse_routes6(ROUTES)["2001:db8:1::/64"][0]
    assert (r.protocol, r.nexthops[0].ip, r.nexthops[0].interface) == ("ospf6", "fe80::1", "Tunnel0/0/2")
    assert VRP.parse_command("display ospfv3 peer", PEER.format(state="Full")).ospf6_neighbors[0].state == "full"


def test_ipv4_only_collects_no_ipv6_command(tmp_path):
    ov = inventory.load(dual(tmp_path, six=False))
    assert not [c for r in VRP.collect(ov, "fukuoka", None) for c in r if "ipv6" in c or "ospfv3" in c]
