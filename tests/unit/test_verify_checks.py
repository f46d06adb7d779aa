"""The verify judge on vendor-neutral DeviceState: a healthy state built from the intent passes;
each fault fails with its reason. No strongSwan or FRR words here."""
import pytest

from controller import inventory, verify
from controller.state import (
    ChildSa,
    DeviceState,
    DfProbe,
    GreTunnel,
    IkeSa,
    NextHop,
    OspfInterface,
    OspfNeighbor,
    Route,
    RouteLookup,
)
from tests.conftest import ipv4_only


def healthy(ov) -> dict[str, DeviceState]:
    """What correctly configured routers would report, derived from the intent."""
    i = ov.intent
    states = {}
    encr, size = verify.expected_esp(i.ipsec.transform)
    for name, dev in ov.devices.items():
        st = DeviceState(daemons={"ike": True})
        for t in ov.tunnels_of(name):
            end = t.end(name)
            mtu = ov.tunnel_mtu(t)
            wan = str(end.peer_wan)
            st.gre[end.interface] = GreTunnel(name=end.interface, source=str(end.wan), destination=wan, mtu=mtu)
            st.ike_sas.append(IkeSa(peer=wan, state="established", version=2))
            child = dict(peer=wan, state="installed", mode=i.ipsec.mode, encryption=encr, key_size=size)
            st.child_sas.append(ChildSa(**child, packets_in=10, packets_out=10))
            st.child_sas_after.append(ChildSa(**child, packets_in=14, packets_out=14))
            st.ospf_neighbors.append(OspfNeighbor(router_id=str(ov.devices[end.peer].router_id), state="full",
                                                  interface=end.interface))
            st.ospf_interfaces[end.interface] = OspfInterface(
                name=end.interface, area=str(i.ospf.area), hello=i.ospf.hello, dead=i.ospf.dead,
                network_type="point-to-point", mtu=mtu)
            st.route_lookups[wan] = RouteLookup(interface=dev.wan.interface, gateway=str(dev.wan.next_hop))
            far = str(t.end(t.site if name == t.hub else t.hub).address.ip)
            st.probes[far] = {"max": DfProbe(size=mtu - 28, sent=3, received=3),
                              "over": DfProbe(size=mtu - 27, sent=1, received=0, error="message too long", mtu=mtu)}
            remote = [end.peer] if dev.role == "site" else [t.site]
            if dev.role == "site":
                remote += [x.site for x in ov.tunnels_of(t.hub) if x.site != name]
            for r in remote:
                for lan in ov.devices[r].lans:
                    st.routes[str(lan)] = [Route(protocol="ospf", nexthops=[NextHop(interface=end.interface)])]
        states[name] = st
    return states


def failing(checks):
    return {(c.device, c.check, c.reason) for c in checks if c.status == "fail"}


@pytest.fixture
def inv(inv):
    """The IPv4 judge on the example without its IPv6 (test_verify6.py judges dual-stack)."""
    return ipv4_only(inv)


def test_healthy_overlay_passes_every_check(inv):
    ov = inventory.load(inv)
    checks = verify.evaluate(ov, healthy(ov))
    assert not failing(checks)
    names = {c.check for c in checks}
    assert names == {"gre.link", "gre.endpoints", "gre.mtu", "ike.sa", "ipsec.child", "ipsec.counters", "df.max",
                     "df.over", "ospf.neighbor", "ospf.interface", "underlay.route", "routes.lan", "ospf.no_wan"}
    # both ends of both tunnels, fourteen-ish checks each
    assert {(c.device, c.peer) for c in checks if c.check == "ike.sa"} == {
        ("tokyo", "osaka"), ("osaka", "tokyo"), ("tokyo", "fukuoka"), ("fukuoka", "tokyo")}


def _mut_psk(st):
    st["osaka"].ike_sas, st["osaka"].auth_failed = [], ["198.51.100.2"]


def _mut_charon(st):
    st["osaka"].daemons["ike"], st["osaka"].ike_sas = False, []


def _mut_wan_down(st):
    st["osaka"].route_lookups["198.51.100.2"] = RouteLookup(error="RTNETLINK answers: Network is unreachable")


def _mut_hello(st):
    st["osaka"].ospf_interfaces["gre-tokyo"].hello = 5


def _mut_mtu(st):
    st["osaka"].gre["gre-tokyo"].mtu = 1400
    st["osaka"].ospf_neighbors[0].state = "exstart"


def _mut_recursive(st):
    st["tokyo"].route_lookups["198.51.100.6"] = RouteLookup(interface="gre-osaka")
    st["tokyo"].routes["198.51.100.4/30"] = [Route(protocol="ospf")]


def _mut_df_timeout(st):
    far = next(str(t.site_end.address.ip) for t in OV.tunnels if t.site == "fukuoka")
    st["tokyo"].probes[far]["over"] = DfProbe(size=1, sent=1, received=0)


def _mut_counters(st):
    st["fukuoka"].child_sas_after = [c.model_copy() for c in st["fukuoka"].child_sas]


def _mut_route(st):
    del st["fukuoka"].routes["10.1.2.0/24"]


def _mut_mode(st):
    st["tokyo"].child_sas[0].mode = "tunnel"


OV = None

FAULTS = [
    (_mut_psk, ("osaka", "ike.sa", "IKE_PHASE1_KEY_MISMATCH")),
    (_mut_charon, ("osaka", "ike.sa", "IKE_DAEMON_DOWN")),
    (_mut_wan_down, ("osaka", "underlay.route", "UNDERLAY_UNREACHABLE")),
    (_mut_hello, ("osaka", "ospf.interface", "OSPF_HELLO_MISMATCH")),
    (_mut_mtu, ("osaka", "gre.mtu", "GRE_MTU_MISMATCH")),
    (_mut_mtu, ("osaka", "ospf.neighbor", "OSPF_MTU_MISMATCH")),
    (_mut_recursive, ("tokyo", "underlay.route", "RECURSIVE_ROUTING")),
    (_mut_recursive, ("tokyo", "ospf.no_wan", "RECURSIVE_ROUTING")),
    (_mut_df_timeout, ("tokyo", "df.over", "DF_BOUNDARY_WRONG")),
    (_mut_counters, ("fukuoka", "ipsec.counters", "ESP_COUNTERS_STALLED")),
    (_mut_route, ("fukuoka", "routes.lan", "ROUTE_MISSING")),
    (_mut_mode, ("tokyo", "ipsec.child", "IPSEC_MODE_MISMATCH")),
]


@pytest.mark.parametrize("mutate,expected", FAULTS, ids=[f"{m.__name__[5:]}-{e[2]}" for m, e in FAULTS])
def test_fault_gives_reason(inv, mutate, expected):
    global OV
    ov = OV = inventory.load(inv)
    st = healthy(ov)
    mutate(st)
    assert expected in failing(verify.evaluate(ov, st))


def test_unreachable_device(inv):
    ov = inventory.load(inv)
    st = healthy(ov)
    st["fukuoka"] = "ConnectionException: timed out"
    f = failing(verify.evaluate(ov, st))
    assert ("fukuoka", "device.reachable", "DEVICE_UNREACHABLE") in f
    assert not any(d == "osaka" for d, _, _ in f)


def test_site_scope(inv):
    ov = inventory.load(inv)
    checks = verify.evaluate(ov, healthy(ov), site="osaka")
    assert {c.peer for c in checks} <= {"osaka", "tokyo", "-"}
    assert {c.device for c in checks} == {"tokyo", "osaka"}


def test_unavailable_group_is_not_a_pass(inv):
    """A target that cannot observe a check group (e.g. a NETCONF-only server) reports n/a."""
    ov = inventory.load(inv)
    st = healthy(ov)
    st["osaka"].unavailable["ipsec"] = "NETCONF target carries no SAs"
    st["osaka"].child_sas = []
    checks = [c for c in verify.evaluate(ov, st) if c.device == "osaka" and c.group == "ipsec"]
    assert checks and all(c.status == "n/a" and c.reason == "NOT_AVAILABLE_ON_TARGET" for c in checks)


def test_judge_reads_only_device_state():
    """No vendor words in the judge: it must work for any platform's parser."""
    import inspect
    src = inspect.getsource(verify).lower()
    for word in ("swanctl", "vtysh", "strongswan", "frr", "gre-", "aes_gcm", "pointopoint"):
        assert word not in src, word


@pytest.mark.parametrize("diff, error, status, reason", [
    ("", "", "pass", ""),
    ("--- running\n+++ candidate\n@@ -1 +1 @@\n-secret = \"%{psk:aaaaaaaaaaaa}\"\n+secret = \"%{psk:bbbbbbbbbbbb}\"",
     "", "fail", "CONFIG_DRIFT"),
    (None, "ConnectionError: gone", "fail", "CONFIG_UNREADABLE"),
])
def test_config_group_compares_running_with_intent(diff, error, status, reason):
    from controller.state import DeviceState
    from controller.verify import check_config
    got = check_config("tokyo", DeviceState(config_diff=diff, config_error=error))
    assert [(c.check, c.status, c.reason) for c in got] == [("config.intent", status, reason)]


def test_config_group_absent_when_not_compared():
    from controller.state import DeviceState
    from controller.verify import check_config
    assert check_config("tokyo", DeviceState()) == []


def test_checks_toward_a_peer_that_cannot_run_the_tunnel_are_not_available(inv):
    from controller.verify import Check, _peer_not_available
    ov = inventory.load(inv)
    osaka_lan = str(ov.devices["osaka"].lans[0])
    cfg_only = DeviceState(unavailable={g: "NETCONF target" for g in ("ike", "ipsec", "df", "ospf", "routes",
                                                                       "underlay")})
    checks = [Check("tokyo", "osaka", "ike.sa", "fail", reason="IKE_PHASE1_FAILED"),
              Check("tokyo", "osaka", "gre.mtu", "fail", reason="GRE_MTU_MISMATCH"),
              Check("fukuoka", "tokyo", "routes.lan", "fail", expected=f"{osaka_lan} via gre-tokyo (OSPF)"),
              Check("tokyo", "fukuoka", "ike.sa", "fail", reason="IKE_PHASE1_FAILED"),
              Check("tokyo", "-", "config.intent", "fail", reason="CONFIG_DRIFT")]
    got = _peer_not_available(ov, checks, {"osaka": cfg_only, "tokyo": DeviceState(), "fukuoka": DeviceState()})
    assert [(c.device, c.peer, c.check, c.status) for c in got] == [
        ("tokyo", "osaka", "ike.sa", "n/a"), ("tokyo", "osaka", "gre.mtu", "fail"),
        ("fukuoka", "tokyo", "routes.lan", "n/a"), ("tokyo", "fukuoka", "ike.sa", "fail"),
        ("tokyo", "-", "config.intent", "fail")]
    assert got[0].reason == "NOT_AVAILABLE_ON_TARGET" and "peer osaka cannot take part" in got[0].detail
