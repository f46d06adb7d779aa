"""The verify judge and the Linux collector on dual-stack tunnels (issue 22): IPv6 checks with the
family in their ids, the same reason codes, parsed from FRR 8.4's OSPFv3 and IPv6 JSON."""
import json

import pytest

from controller import inventory, probes, verify, verify_view
from controller.platforms.linux import collect, parsers
from controller.state import DfProbe, NextHop, OspfInterface, OspfNeighbor, Route
from tests.conftest import edit_yaml, ipv4_only
from tests.unit.test_verify_checks import failing, healthy

DUAL = {"tunnel_pool6": "2001:db8:ffff::/48", "hubs.tokyo.lans": ["10.1.1.0/24", "2001:db8:1:1::/64"],
        "sites.osaka.lans": ["10.1.2.0/24", "2001:db8:1:2::/64"]}


@pytest.fixture(params=["pool6", "link-local"])
def dual(inv, request):
    edit_yaml(inv / "overlay.yaml", DUAL if request.param == "pool6" else {**DUAL, "tunnel_pool6": None})
    return inventory.load(inv)


def healthy6(ov):
    """``healthy`` plus what correctly configured dual-stack routers would report over IPv6."""
    states, i = healthy(ov), ov.intent
    for name, st in states.items():
        dev = ov.devices[name]
        for t in ov.tunnels_of(name):
            if "ipv6" not in t.families:
                continue
            end, mtu = t.end(name), ov.tunnel_mtu(t)
            st.ospf6_neighbors.append(OspfNeighbor(router_id=str(ov.devices[end.peer].router_id), state="Full",
                                                   interface=end.interface))
            st.ospf6_interfaces[end.interface] = OspfInterface(name=end.interface, area=str(i.ospf.area),
                                                               hello=i.ospf.hello, dead=i.ospf.dead,
                                                               network_type="point-to-point", mtu=mtu)
            st.probes6[probes.far_address(t, name, "ipv6")] = {
                "max": DfProbe(size=mtu - 48, sent=3, received=3),
                "over": DfProbe(size=mtu - 47, sent=1, received=0, error="message too long", mtu=mtu)}
            remote = [end.peer] if dev.role == "site" else [t.site]
            if dev.role == "site":
                remote += [x.site for x in ov.tunnels_of(t.hub) if x.site != name and "ipv6" in x.families]
            for r in remote:
                for lan in ov.devices[r].lans6:
                    st.routes6[str(lan)] = [Route(protocol="ospf6", nexthops=[NextHop(interface=end.interface)])]
    return states


def test_healthy_dual_stack_passes_with_ipv6_checks(dual):
    checks = verify.evaluate(dual, healthy6(dual))
    assert not failing(checks)
    six = {(c.device, c.peer, c.check) for c in checks if c.check.split(".")[0] in verify.GROUPS6}
    for a, b in (("tokyo", "osaka"), ("osaka", "tokyo"), ("tokyo", "fukuoka"), ("fukuoka", "tokyo")):
        assert {(a, b, x) for x in ("df6.max", "df6.over", "ospf6.neighbor", "ospf6.interface")} <= six
    assert ("osaka", "tokyo", "routes6.lan") in six and ("tokyo", "osaka", "routes6.lan") in six
    assert ("fukuoka", "tokyo", "routes6.lan") in six  # osaka's IPv6 LAN through the hub
    assert "OSPFv3" in verify_view.columns(checks) and "routes6" in verify_view.columns(checks)


def test_ipv4_only_has_no_ipv6_checks_or_columns(inv):
    ov = inventory.load(ipv4_only(inv))
    checks = verify.evaluate(ov, healthy(ov))
    assert not [c for c in checks if c.check.split(".")[0] in verify.GROUPS6]
    assert verify_view.columns(checks) == verify_view.COLUMNS


def _mtu6(st):
    n = st.ospf6_neighbors[0]
    st.ospf6_neighbors[0] = OspfNeighbor(router_id=n.router_id, state="ExStart", interface=n.interface)


def _hello6(st):
    k = next(iter(st.ospf6_interfaces))
    st.ospf6_interfaces[k] = st.ospf6_interfaces[k].model_copy(update={"hello": 10})


def _route6(st):
    st.routes6.clear()


def _df6(st):
    far = next(iter(st.probes6))
    st.probes6[far]["over"] = DfProbe(size=1, sent=1, received=1)


@pytest.mark.parametrize("mutate,expected", [
    (_mtu6, ("osaka", "ospf6.neighbor", "OSPF_MTU_MISMATCH")),
    (_hello6, ("osaka", "ospf6.interface", "OSPF_HELLO_MISMATCH")),
    (_route6, ("osaka", "routes6.lan", "ROUTE_MISSING")),
    (_df6, ("osaka", "df6.over", "DF_BOUNDARY_WRONG")),
])
def test_ipv6_fault_gives_the_same_reason_codes(dual, mutate, expected):
    states = healthy6(dual)
    mutate(states["osaka"])
    got = failing(verify.evaluate(dual, states))
    assert expected in got
    assert not [f for f in got if not f[1].split(".")[0].endswith("6")]  # the IPv4 checks stay green


NBR6 = ('{"neighbors":[{"neighborId":"10.1.1.1","priority":1,"deadTime":"00:00:07","state":"Full",'
        '"ifState":"PointToPoint","interfaceName":"gre-tokyo","interfaceState":"PointToPoint"}]}')
# as ospf6d 8.4 printed them (a GRE link set point-to-point still says "type": "BROADCAST")
IF6 = ('{"gre-tokyo":{"status":"up","type":"BROADCAST","interfaceId":8,"interfaceMtu":1442,"areaId":"0.0.0.0",'
       '"timerIntervalsConfigHello":2,"timerIntervalsConfigDead":8,"ospf6InterfaceState":"PointToPoint"},'
       '"lo":{"status":"up","type":"LOOPBACK","interfaceId":1},"wan0":{"status":"up","type":"BROADCAST","interfaceId":2}}')
RT6 = json.dumps({"2001:db8:1:1::/64": [{"prefix": "2001:db8:1:1::/64", "protocol": "ospf6", "selected": True,
                                         "nexthops": [{"ip": "fe80::1", "afi": "ipv6", "interfaceName": "gre-tokyo",
                                                       "active": True}]}]})


def test_linux_collects_and_parses_the_ipv6_side(dual):
    script = collect.commands(dual, "osaka", None)[0][0]
    assert "show ipv6 ospf6 neighbor json" in script and "ping -6" in script
    t = dual.tunnels_of("osaka")[0]
    far, size = probes.far_address(t, "osaka", "ipv6"), dual.tunnel_mtu(t) - 48
    out = (f"{parsers.MARK}frr6\n{NBR6}\n{IF6}\n{RT6}\n"
           f"{parsers.MARK}6.{far}.max\n3 packets transmitted, 3 received, 0% packet loss\nrc=0\n"
           f"{parsers.MARK}6.{far}.over\nping: local error: message too long, mtu: {size + 48}\n"
           "1 packets transmitted, 0 received, +1 errors, 100% packet loss\nrc=1\n")
    st = collect.parse(dual, "osaka", None, {"script": out})
    assert [(n.router_id, n.state, n.interface) for n in st.ospf6_neighbors] == [("10.1.1.1", "full", "gre-tokyo")]
    oi = st.ospf6_interfaces["gre-tokyo"]
    assert (oi.area, oi.hello, oi.dead, oi.network_type, oi.mtu) == ("0.0.0.0", 2, 8, "point-to-point", 1442)
    assert set(st.ospf6_interfaces) == {"gre-tokyo"}
    assert st.routes6["2001:db8:1:1::/64"][0].nexthops[0].interface == "gre-tokyo"
    assert st.probes6[far]["max"].received == 3
    assert (st.probes6[far]["over"].error, st.probes6[far]["over"].mtu) == ("message too long", size + 48)


def test_ipv4_only_script_has_no_ipv6_reads(inv):
    ov = inventory.load(ipv4_only(inv))
    script = collect.commands(ov, "osaka", None)[0][0]
    assert "ipv6" not in script and "ping -6" not in script and "frr6" not in script
