"""Dual-stack overlay on real lab routers (issue 22), on the session's lab: the example inventory is
dual-stack (a hub and two sites, each with an IPv4 and an IPv6 LAN); deploy is green with the IPv6
checks among the passing ones, a LAN host reaches the other LAN's host over IPv6 through the tunnel,
and a second deploy changes nothing. Then faults on the same lab: a wrong tunnel MTU on one end is
OSPFv3's MTU reason; taking osaka's IPv6 LAN out of the intent removes its OSPFv3 objects and the
far end's route; putting it back restores them."""
import time

import pytest

from controller import inventory
from controller.platforms.linux import parsers
from tasks.deploy import deploy
from tasks.verify import verify
from tests.conftest import edit_yaml
from tests.lab.helpers import by_device, sh, wait_green
from tests.lab.test_verify import wait_reason

pytestmark = pytest.mark.lab

IPV6_CHECKS = {"df6.max", "df6.over", "ospf6.neighbor", "ospf6.interface", "routes6.lan"}
OSAKA_LAN6, TOKYO_HOST6 = "2001:db8:1:2::/64", "2001:db8:1:1::a"
OSAKA_LANS = ["10.1.2.0/24", OSAKA_LAN6]   # the example's


@pytest.fixture(scope="module")
def dual(deployed):
    """The session's lab (tests/lab/conftest.py): the example inventory, which is dual-stack, deployed
    through the CLI (every device ok, asserted there). No lab of its own: a second boot and deploy of
    the same example would prove nothing more. Left as the example says, whatever a test did."""
    inv, state, ov, _ = deployed
    yield inv, state, inventory.load(inv)
    edit_yaml(inv / "overlay.yaml", {"sites.osaka.lans": OSAKA_LANS})   # a no-op unless a test stopped midway
    redeploy(inv)
    wait_green(ov)


def test_dual_stack_deploy_is_green_with_the_ipv6_checks(dual):
    inv, state, ov = dual
    result, _ = verify(ov, None, wait=60)
    failed = [f"{c.device} {c.peer} {c.check} {c.reason} {c.observed}" for c in result if c.status != "pass"]
    assert not failed, "\n".join(failed)
    passed = {(c.device, c.check) for c in result if c.status == "pass"}
    for device in ("tokyo", "osaka", "fukuoka"):
        assert {(device, x) for x in IPV6_CHECKS} <= passed, sorted(passed)


def test_lan_host_to_lan_host_over_ipv6(dual):
    inv, state, ov = dual
    out = sh(state, "lan-osaka-0", "ping -6 -n -c 3 -i 0.2 -W 2 2001:db8:1:1::a")
    assert " 0% packet loss" in out, out
    route = sh(state, "osaka", "ip -6 route get 2001:db8:1:1::a")
    assert "dev gre-tokyo" in route, route


def test_second_dual_stack_deploy_changes_nothing(dual):
    inv, state, ov = dual
    outcomes = by_device(deploy(ov))
    assert {n: (o.status, o.changes) for n, o in outcomes.items()} == {
        "tokyo": ("unchanged", 0), "osaka": ("unchanged", 0), "fukuoka": ("unchanged", 0)}


def ospf6_interfaces(state, router) -> dict:
    return parsers.parse_ospf6_interfaces(sh(state, router, "vtysh -c 'show ipv6 ospf6 interface json'"))


def redeploy(inv) -> dict:
    """Deploy the intent now in ``inv`` (in process, as repair does); every device must take it."""
    outcomes = by_device(deploy(inventory.load(inv), backup_dir=inv.parent / "dual-backups"))
    assert all(o.status != "failed" for o in outcomes.values()), [(o.device, o.error) for o in outcomes.values()]
    return outcomes


def wait_for(what, probe, timeout=45):
    deadline = time.monotonic() + timeout
    while not probe():
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(1)


def test_wrong_tunnel_mtu_on_one_end_is_the_ospfv3_mtu_reason(dual):
    """osaka's tunnel MTU drops to 1400 (tokyo's stays 1442); once the adjacency re-forms, OSPFv3
    sticks in ExStart/Exchange (RFC 5340 A.3.3: a DBD whose Interface MTU is larger than ours is
    dropped), and the ospf6 check names it. Deploy puts the MTU back and the overlay is green."""
    inv, state, ov = dual
    sh(state, "osaka", "ip link set gre-tokyo mtu 1400")
    wait_for("ospf6d sees mtu 1400", lambda: ospf6_interfaces(state, "osaka")["gre-tokyo"]["mtu"] == 1400)
    sh(state, "osaka", "vtysh -c 'clear ipv6 ospf6 interface gre-tokyo'")
    c = wait_reason(ov, "osaka", "ospf6.neighbor", "OSPF_MTU_MISMATCH", timeout=60)
    assert c.peer == "tokyo" and c.status == "fail", c
    assert set(c.observed.split(",")) <= {"exstart", "exchange"}, c.observed
    result, _ = verify(ov)
    by = {(x.device, x.check): x for x in result}
    assert (by[("osaka", "gre.mtu")].status, by[("osaka", "gre.mtu")].observed) == ("fail", "1400")
    redeploy(inv)
    wait_green(ov)
    assert ospf6_interfaces(state, "osaka")["gre-tokyo"]["mtu"] == 1442


def test_removing_an_ipv6_lan_removes_its_objects_and_route(dual):
    """osaka's IPv6 LAN leaves the intent: its OSPFv3 interface goes (the LAN address itself is the
    lab's, as for IPv4 LANs on Linux), tokyo loses the route, osaka's LAN host can no longer reach
    tokyo's over IPv6, and verify is green with only the IPv4 route check for osaka's LAN."""
    inv, state, ov = dual
    lan = ov.devices["osaka"].lan6_interfaces[0]
    assert lan in ospf6_interfaces(state, "osaka")  # there before: the test can fail
    edit_yaml(inv / "overlay.yaml", {"sites.osaka.lans": ["10.1.2.0/24"]})
    out = redeploy(inv)
    assert out["osaka"].status == "ok" and out["osaka"].changes > 0, out["osaka"]
    frr = sh(state, "osaka", "vtysh -c 'show running-config'")
    block = frr.split(f"interface {lan}\n", 1)[1].split("exit", 1)[0] if f"interface {lan}\n" in frr else ""
    assert "ipv6 ospf6" not in block, block
    assert lan not in ospf6_interfaces(state, "osaka")
    wait_for("tokyo drops osaka's IPv6 LAN route",
             lambda: not sh(state, "tokyo", f"ip -6 route show {OSAKA_LAN6}").strip())
    ping = sh(state, "lan-osaka-0", f"ping -6 -n -c 2 -i 0.2 -W 1 {TOKYO_HOST6}", ok=False)
    assert " 0% packet loss" not in ping, ping
    smaller = inventory.load(inv)
    result, _ = verify(smaller, None, wait=60)
    failed = [f"{c.device} {c.peer} {c.check} {c.reason} {c.observed}" for c in result if c.status != "pass"]
    assert not failed, "\n".join(failed)
    lan_checks = [c for c in result if c.device == "tokyo" and c.check.startswith("routes")
                  and ("10.1.2.0/24" in c.expected or OSAKA_LAN6 in c.expected)]
    assert [c.check for c in lan_checks] == ["routes.lan"], lan_checks
    assert not [c for c in result if OSAKA_LAN6 in c.expected + c.observed]


def test_putting_the_ipv6_lan_back_restores_it(dual):
    inv, state, ov = dual
    edit_yaml(inv / "overlay.yaml", {"sites.osaka.lans": ["10.1.2.0/24", OSAKA_LAN6]})
    out = redeploy(inv)
    assert out["osaka"].status == "ok" and out["osaka"].changes > 0, out["osaka"]
    wait_green(ov)
    assert ov.devices["osaka"].lan6_interfaces[0] in ospf6_interfaces(state, "osaka")
    assert "gre-osaka" in sh(state, "tokyo", f"ip -6 route show {OSAKA_LAN6}")
    result, _ = verify(ov)
    c = [x for x in result if x.device == "tokyo" and x.check == "routes6.lan" and OSAKA_LAN6 in x.expected]
    assert [x.status for x in c] == ["pass"], c
    out = sh(state, "lan-osaka-0", f"ping -6 -n -c 3 -i 0.2 -W 2 {TOKYO_HOST6}")
    assert " 0% packet loss" in out, out
