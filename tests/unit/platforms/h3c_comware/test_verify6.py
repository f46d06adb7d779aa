"""H3C Comware 7 IPv6 verify (issue 22, point 5): the commands a dual-stack site runs, their parse on
the documented formats (controller/platforms/h3c_comware/collect6.py says which are unverified), and
the fault cases giving the shared reason codes. ../shared/recorded/hp_comware holds no IPv6 capture:
the recorded-capture check skips with that reason."""
from pathlib import Path

import pytest

from controller import inventory, platforms
from controller.platforms.h3c_comware import collect6
from tests.unit.platforms.h3c_comware.test_dualstack import dual
from tests.unit.platforms.mixed import SIX_CASES, six_checks

CW = platforms.get("h3c_comware")
RECORDED = Path(__file__).resolve().parents[4] / ".." / "shared" / "recorded" / "hp_comware"
PEER = """\
                    OSPFv3 Process 1 with Router ID 10.1.3.1

 Area: 0.0.0.0
-------------------------------------------------------------------------
 Router ID       Pri State             Dead-Time InstID Interface
 10.1.1.1        1   {state}/ -           00:00:07  0      Tun2
"""
IFACE = """\
                    OSPFv3 Process 1 with Router ID 10.1.3.1

 Area: 0.0.0.0
 Interface: Tunnel2
 Interface ID: 5     IPv6 Prefixes: FE80::2 (Link-Local Address)
 Cost: 1             State: P2P       Type: P2P       MTU: 1434
 Priority: 1
 Timers: Hello 2, Dead 8, Poll 40, Retransmit 5, Transmit delay 1
"""
ROUTES = """\
Summary count : 1

Destination: 2001:DB8:1::/64                           Protocol  : O_INTRA
NextHop    : FE80::1                                   Preference: 10
Interface  : Tun2                                      Cost      : 2
"""
PING = """\
Ping6(1386 data bytes) 2001:DB8:FFFF:1::2 --> 2001:DB8:FFFF:1::1, press CTRL+C to break
1394 bytes from 2001:DB8:FFFF:1::1, icmp_seq=0 hlim=64 time=2.000 ms
--- Ping6 statistics for 2001:DB8:FFFF:1::1 ---
2 packet(s) transmitted, {n} packet(s) received, 0.0% packet loss
"""


def test_dual_stack_site_runs_the_ipv6_commands(tmp_path):
    ov = inventory.load(dual(tmp_path))
    cmds = [c for r in CW.collect(ov, "fukuoka", None) for c in r]
    assert [c for c in cmds if "ospfv3" in c or "ipv6" in c] == [
        "display ospfv3 peer", "display ipv6 routing-table protocol ospfv3", "display ospfv3 interface Tunnel2",
        "ping ipv6 -c 2 -s 1386 2001:DB8:FFFF:1::1"]


def test_ipv4_only_collects_no_ipv6_command(tmp_path):
    ov = inventory.load(dual(tmp_path, six=False))
    assert not [c for r in CW.collect(ov, "fukuoka", None) for c in r if "ipv6" in c or "ospfv3" in c]


@SIX_CASES
def test_ipv6_verify_cases(tmp_path, state, routed, replies, fail):
    ov = inventory.load(dual(tmp_path))
    _, checks = six_checks(CW, ov, "fukuoka", [PEER.format(state=state), ROUTES if routed else "", IFACE,
                                               PING.format(n=replies)])
    assert {c.check for c in checks} == {"df6.max", "ospf6.neighbor", "ospf6.interface", "routes6.lan"}
    assert sorted({(c.check, c.reason) for c in checks if c.status == "fail"}) == fail


def test_wrong_timers_fail_the_interface_check(tmp_path):
    from controller import verify
    ov = inventory.load(dual(tmp_path))
    six = [c for r in CW.collect(ov, "fukuoka", None) for c in r if "ospfv3" in c or "ipv6" in c]
    outputs = dict(zip(six, [PEER.format(state="Full"), ROUTES, IFACE.replace("Hello 2, Dead 8", "Hello 10, Dead 40"),
                             PING.format(n=2)]))
    checks = verify.evaluate(ov, {"fukuoka": CW.parse(ov, "fukuoka", None, outputs)})
    assert [c.status for c in checks if c.device == "fukuoka" and c.check == "ospf6.interface"] == ["fail"]


def test_ipv6_facts_as_parsed():
    oi = collect6.parse_ospfv3_interface(IFACE)["Tunnel2"]
    assert (oi.area, oi.hello, oi.dead, oi.network_type, oi.mtu) == ("0.0.0.0", 2, 8, "point-to-point", 1434)
    r = collect6.parse_routes6(ROUTES)["2001:db8:1::/64"][0]
    assert (r.protocol, r.nexthops[0].ip, r.nexthops[0].interface) == ("ospf6", "fe80::1", "Tunnel2")
    n = CW.parse_command("display ospfv3 peer", PEER.format(state="Full")).ospf6_neighbors[0]
    assert (n.router_id, n.state, n.interface) == ("10.1.1.1", "full", "Tunnel2")
    p = CW.parse_command("ping ipv6 -c 2 -s 1386 2001:DB8:FFFF:1::1", PING.format(n=1)).probes6
    assert (p["2001:DB8:FFFF:1::1"]["probe"].sent, p["2001:DB8:FFFF:1::1"]["probe"].received) == (2, 1)


@pytest.mark.parametrize("text", ["", "garbage : : :", "Destination: 10.0.0.0/8 Protocol : O_INTRA",
                                  "Destination: 2001:db8::/64 Protocol : Static"])
def test_routes_other_than_ospfv3_are_not_read(text):
    assert collect6.parse_routes6(text) == {}


def test_a_long_hostile_line_parses_in_linear_time():
    import time
    line = "a:" * 200_000 + " : " * 100_000
    t = time.perf_counter()
    collect6.parse_routes6(line)
    collect6.parse_ospfv3_peer(line)
    collect6.parse_ospfv3_interface(line)
    assert time.perf_counter() - t < 2


def test_recorded_captures_hold_no_ipv6_display():
    if not RECORDED.is_dir():
        pytest.skip("../shared/recorded/hp_comware absent")
    names = [p.name for p in RECORDED.iterdir()]
    if not any("ipv6" in n or "ospfv3" in n for n in names):
        pytest.skip(f"../shared/recorded/hp_comware has no IPv6 capture ({', '.join(sorted(names))})")
    for p in RECORDED.iterdir():  # pragma: no cover - once a capture exists, every route it shows parses
        if "ipv6_routing" in p.name:
            assert collect6.parse_routes6(p.read_text(errors="replace"))
