"""Dual-stack overlay on real lab routers (issue 22): a hub and one site, each with an IPv4 and an
IPv6 LAN; deploy is green with the IPv6 checks among the passing ones, a LAN host reaches the other
LAN's host over IPv6 through the tunnel, and a second deploy changes nothing."""
import json
import time
from pathlib import Path

import pytest

from controller import inventory
from tasks.deploy import deploy
from tasks.verify import verify
from tests.conftest import copy_inventory, edit_yaml
from tests.lab.helpers import by_device, cli, fresh_lab, sh

pytestmark = pytest.mark.lab

LAB, MGMT = "gds", "172.31.234"
IPV6_CHECKS = {"df6.max", "df6.over", "ospf6.neighbor", "ospf6.interface", "routes6.lan"}


@pytest.fixture(scope="module")
def dual(tmp_path_factory):
    inv = copy_inventory(tmp_path_factory.mktemp("dualstack"))
    edit_yaml(inv / "overlay.yaml", {"lab.name": LAB, "lab.mgmt_network": f"{MGMT}.0/24",
                                     "tunnel_pool6": "2001:db8:ffff::/48",
                                     "hubs.tokyo.lans": ["10.1.1.0/24", "2001:db8:1:1::/64"],
                                     "sites.osaka.lans": ["10.1.2.0/24", "2001:db8:1:2::/64"]},
              deletes=["sites.fukuoka"])
    edit_yaml(inv / "hosts.yaml", {"tokyo.hostname": f"{MGMT}.11", "osaka.hostname": f"{MGMT}.12"},
              deletes=["fukuoka"])
    state = Path(f"/var/lib/grectl/test-{LAB}")
    with fresh_lab(inv, state):
        t0 = time.monotonic()
        r = cli(inv, "deploy", "--json", "--confirm-timeout", "120")
        took = time.monotonic() - t0
        print(f"dual-stack deploy {took:.1f}s")
        yield inv, state, inventory.load(inv), r


def test_dual_stack_deploy_is_green_with_the_ipv6_checks(dual):
    inv, state, ov, r = dual
    assert r.returncode == 0, r.stdout + r.stderr
    data = json.loads(r.stdout)
    assert {d["device"]: d["status"] for d in data["devices"]} == {"tokyo": "ok", "osaka": "ok"}
    result, _ = verify(ov, None, wait=60)
    failed = [f"{c.device} {c.peer} {c.check} {c.reason} {c.observed}" for c in result if c.status != "pass"]
    assert not failed, "\n".join(failed)
    passed = {(c.device, c.check) for c in result if c.status == "pass"}
    for device in ("tokyo", "osaka"):
        assert {(device, x) for x in IPV6_CHECKS} <= passed, sorted(passed)


def test_lan_host_to_lan_host_over_ipv6(dual):
    inv, state, ov, r = dual
    assert r.returncode == 0, r.stdout + r.stderr
    out = sh(state, "lan-osaka-0", "ping -6 -n -c 3 -i 0.2 -W 2 2001:db8:1:1::a")
    assert " 0% packet loss" in out, out
    route = sh(state, "osaka", "ip -6 route get 2001:db8:1:1::a")
    assert "dev gre-tokyo" in route, route


def test_second_dual_stack_deploy_changes_nothing(dual):
    inv, state, ov, r = dual
    assert r.returncode == 0, r.stdout + r.stderr
    outcomes = by_device(deploy(ov))
    assert {n: (o.status, o.changes) for n, o in outcomes.items()} == {"tokyo": ("unchanged", 0),
                                                                      "osaka": ("unchanged", 0)}
