"""The verify judge: a healthy state built from the intent passes; each fault fails with its reason."""
import copy

import pytest

from controller import inventory, verify


def healthy(ov) -> dict[str, dict]:
    """What correctly configured routers would report, derived from the intent."""
    i = ov.intent
    states = {}
    for name, dev in ov.devices.items():
        st = {"gre": {}, "sas": [], "sas_after": [], "charon": True, "auth_failed": [],
              "ospf_neighbors": [], "ospf_interfaces": {}, "routes": {}, "route_get": {}, "ping": {}}
        for t in ov.tunnels_of(name):
            end = t.end(name)
            mtu = ov.tunnel_mtu(t)
            st["gre"][end.interface] = {"local": str(end.wan), "remote": str(end.peer_wan), "mtu": mtu,
                                        "admin_up": True, "lower_up": True, "key": None}
            encr, size = verify.expected_encr(i.ipsec.transform)
            child = {"name": f"gre-{end.peer}", "state": "INSTALLED", "mode": "TRANSPORT", "protocol": "ESP",
                     "encr-alg": encr, "encr-keysize": size, "packets-in": "10", "packets-out": "10"}
            sa = {"name": end.peer, "state": "ESTABLISHED", "remote-host": str(end.peer_wan),
                  "child-sas": {f"gre-{end.peer}-1": child}}
            st["sas"].append(sa)
            after = copy.deepcopy(sa)
            after["child-sas"][f"gre-{end.peer}-1"].update({"packets-in": "14", "packets-out": "14"})
            st["sas_after"].append(after)
            st["ospf_neighbors"].append({"router_id": str(ov.devices[end.peer].router_id), "state": "Full",
                                         "address": None, "interface": end.interface})
            st["ospf_interfaces"][end.interface] = {"area": str(i.ospf.area), "hello": i.ospf.hello,
                                                    "dead": i.ospf.dead, "network_type": "POINTOPOINT",
                                                    "mtu": mtu, "passive": False, "up": True}
            st["route_get"][str(end.peer_wan)] = {"dev": dev.wan.interface, "gateway": str(dev.wan.next_hop)}
            size = mtu - 28
            st["ping"][t.site] = {"max": {"rc": 0, "sent": 3, "received": 3, "error": None, "mtu": None},
                                  "over": {"rc": 1, "sent": 1, "received": 0, "error": "message too long",
                                           "mtu": mtu}}
            remote = [end.peer] if dev.role == "site" else [t.site]
            if dev.role == "site":
                remote += [x.site for x in ov.tunnels_of(t.hub) if x.site != name]
            for r in remote:
                for lan in ov.devices[r].lans:
                    st["routes"][str(lan)] = [{"protocol": "ospf", "selected": True,
                                               "nexthops": [{"ip": None, "interface": end.interface, "active": True}]}]
        states[name] = st
    return states


def failing(checks):
    return {(c.device, c.check, c.reason) for c in checks if c.status == "fail"}


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
    st["osaka"]["sas"], st["osaka"]["auth_failed"] = [], ["tokyo"]


def _mut_charon(st):
    st["osaka"]["charon"], st["osaka"]["sas"] = False, []


def _mut_wan_down(st):
    st["osaka"]["route_get"]["198.51.100.2"] = {"error": "RTNETLINK answers: Network is unreachable"}


def _mut_hello(st):
    st["osaka"]["ospf_interfaces"]["gre-tokyo"]["hello"] = 5


def _mut_mtu(st):
    st["osaka"]["gre"]["gre-tokyo"]["mtu"] = 1400
    st["osaka"]["ospf_neighbors"][0]["state"] = "ExStart"


def _mut_recursive(st):
    st["tokyo"]["route_get"]["198.51.100.6"] = {"dev": "gre-osaka", "gateway": None}
    st["tokyo"]["routes"]["198.51.100.4/30"] = [{"protocol": "ospf", "selected": True, "nexthops": []}]


def _mut_df_timeout(st):
    st["tokyo"]["ping"]["fukuoka"]["over"] = {"rc": 1, "sent": 1, "received": 0, "error": None, "mtu": None}


def _mut_counters(st):
    st["fukuoka"]["sas_after"] = copy.deepcopy(st["fukuoka"]["sas"])


def _mut_route(st):
    del st["fukuoka"]["routes"]["10.1.2.0/24"]


def _mut_mode(st):
    st["tokyo"]["sas"][0]["child-sas"]["gre-osaka-1"]["mode"] = "TUNNEL"


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
    ov = inventory.load(inv)
    st = healthy(ov)
    mutate(st)
    assert expected in failing(verify.evaluate(ov, st))


def test_unreachable_device(inv):
    ov = inventory.load(inv)
    st = healthy(ov)
    st["fukuoka"] = {"error": "ConnectionException: timed out"}
    f = failing(verify.evaluate(ov, st))
    assert ("fukuoka", "device.reachable", "DEVICE_UNREACHABLE") in f
    assert not any(d == "osaka" for d, _, _ in f)


def test_site_scope(inv):
    ov = inventory.load(inv)
    checks = verify.evaluate(ov, healthy(ov), site="osaka")
    assert {c.peer for c in checks} <= {"osaka", "tokyo", "-"}
    assert {c.device for c in checks} == {"tokyo", "osaka"}
