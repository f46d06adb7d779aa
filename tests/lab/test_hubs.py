"""Redundant hubs on lab routers (issue 23): two hubs (tokyo, nagoya) and two dual-homed sites (osaka:
tokyo then nagoya; fukuoka: nagoya then tokyo), built from the intent. Deploy is green; routes take
the primary; FRR runs the intended OSPF costs and verify compares them; `grectl drill` measures
failover and fail-back within the bound; a drill whose backup tunnel is broken first is refused; a
controller killed mid-drill leaves the tunnel restored by the router's own timer."""
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from controller import drill as drill_mod
from controller import inventory
from tasks.verify import verify
from tests.conftest import ROOT, edit_yaml
from tests.lab.helpers import cli, fresh_lab, sh, wait_green
from tests.unit.hubs_fixture import dual_homed

pytestmark = pytest.mark.lab

LAB, MGMT = "ghubs", "172.31.229"
HOSTS = {"tokyo": 11, "osaka": 12, "fukuoka": 13, "nagoya": 14}


@pytest.fixture(scope="module")
def hubs(tmp_path_factory):
    inv = dual_homed(tmp_path_factory.mktemp("hubs"), {"lab.name": LAB, "lab.mgmt_network": f"{MGMT}.0/24"})
    edit_yaml(inv / "hosts.yaml", {f"{h}.hostname": f"{MGMT}.{n}" for h, n in HOSTS.items()})
    state = Path(f"/var/lib/grectl/test-{LAB}")
    with fresh_lab(inv, state):
        t0 = time.monotonic()
        r = cli(inv, "deploy", "--json", "--confirm-timeout", "180")
        print(f"two-hub deploy {time.monotonic() - t0:.1f}s")
        yield inv, state, inventory.load(inv), r


def link_up(state, router, ifname) -> bool:
    return ",UP" in sh(state, router, f"ip -o link show dev {ifname}") or "<UP" in sh(state, router, f"ip -o link show dev {ifname}")


def test_two_hubs_deploy_green(hubs):
    inv, state, ov, r = hubs
    assert r.returncode == 0, r.stdout + r.stderr
    data = json.loads(r.stdout)
    assert {d["device"]: d["status"] for d in data["devices"]} == dict.fromkeys(HOSTS, "ok")
    print(f"verify green {wait_green(ov, wait=60):.1f}s")


def test_routes_prefer_the_primary(hubs):
    inv, state, ov, r = hubs
    assert r.returncode == 0, r.stdout + r.stderr
    for router, target, via in (("osaka", "10.1.3.10", "gre-tokyo"), ("fukuoka", "10.1.2.10", "gre-nagoya"),
                                ("osaka", "10.1.4.10", "gre-tokyo"), ("tokyo", "10.1.3.10", "gre-nagoya")):
        route = sh(state, router, f"ip route get {target}")
        assert f"dev {via} " in route, f"{router}: {route}"
    out = sh(state, "lan-osaka-0", "ping -n -c 3 -i 0.2 -W 2 10.1.3.10")
    assert " 0% packet loss" in out, out


def test_ospf_costs_match_the_intent(hubs):
    """FRR runs the intended costs (primary 10, backup 100) and verify compares them (ospf.cost);
    the backup set to the primary's cost on the router is OSPF_COST_MISMATCH until it is put back."""
    inv, state, ov, r = hubs
    assert r.returncode == 0, r.stdout + r.stderr
    got = json.loads(sh(state, "osaka", "vtysh -c 'show ip ospf interface json'"))["interfaces"]
    assert (got["gre-tokyo"]["cost"], got["gre-nagoya"]["cost"]) == (10, 100), got
    checks, _ = verify(ov, "osaka")
    costs = {(c.device, c.peer): (c.status, c.observed) for c in checks if c.check == "ospf.cost"}
    assert costs[("osaka", "tokyo")] == costs[("tokyo", "osaka")] == ("pass", "cost 10"), costs
    assert costs[("osaka", "nagoya")] == costs[("nagoya", "osaka")] == ("pass", "cost 100"), costs
    sh(state, "osaka", "vtysh -c 'conf t' -c 'interface gre-nagoya' -c 'ip ospf cost 10'")
    try:
        checks, _ = verify(ov, "osaka")
        bad = {(c.device, c.peer, c.check, c.reason) for c in checks if c.status == "fail"}
        assert ("osaka", "nagoya", "ospf.cost", "OSPF_COST_MISMATCH") in bad, bad
    finally:
        sh(state, "osaka", "vtysh -c 'conf t' -c 'interface gre-nagoya' -c 'ip ospf cost 100'")
    wait_green(ov, "osaka", wait=60)


def test_drill_measures_failover_and_failback(hubs):
    inv, state, ov, r = hubs
    assert r.returncode == 0, r.stdout + r.stderr
    t0 = time.monotonic()
    d = cli(inv, "drill", "--site", "osaka", "--json")
    rep = json.loads(d.stdout) if d.stdout.strip().startswith("{") else {}
    print(f"drill {time.monotonic() - t0:.1f}s: {json.dumps(rep)}")
    assert d.returncode == 0, d.stdout + d.stderr
    assert rep["ok"] and rep["failover_s"] <= ov.intent.ospf.dead + 3 and rep["failback_s"] is not None
    assert rep["traffic_returned"] and rep["received"] > 0 and len(rep["ospf_events"]) == 3
    assert rep["route_failover_s"] is not None and rep["route_failover_s"] <= rep["bound_s"]
    assert link_up(state, "osaka", "gre-tokyo")
    assert "dev gre-tokyo " in sh(state, "osaka", "ip route get 10.1.3.10")


def test_drill_refused_when_backup_is_broken(hubs):
    inv, state, ov, r = hubs
    assert r.returncode == 0, r.stdout + r.stderr
    sh(state, "osaka", "ip link set dev gre-nagoya down")
    try:
        d = cli(inv, "drill", "--site", "osaka")
        assert d.returncode == 1 and "refused: the backup path osaka <-> nagoya is not green" in d.stderr, \
            d.stdout + d.stderr
        assert link_up(state, "osaka", "gre-tokyo")  # nothing was taken down
    finally:
        sh(state, "osaka", "ip link set dev gre-nagoya up")
    wait_green(ov, "osaka", wait=60)


def test_killed_controller_leaves_the_tunnel_restored_by_the_router(hubs):
    inv, state, ov, r = hubs
    assert r.returncode == 0, r.stdout + r.stderr
    p = subprocess.Popen([sys.executable, "-m", "controller", "drill", "--site", "osaka", "-i", str(inv)],
                         cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seen = []
    try:
        for line in p.stderr:  # killed right after the router took the primary down, before any restore
            seen.append(line)
            if "is down; measuring" in line:
                break
    finally:
        p.send_signal(signal.SIGKILL)
        p.wait()
    assert any("is down; measuring" in line for line in seen), "".join(seen)
    assert not link_up(state, "osaka", "gre-tokyo"), "the primary is not down after the kill"
    down = time.monotonic()
    timer = drill_mod.plan(ov, "osaka").timer
    while time.monotonic() < down + timer + 15 and not link_up(state, "osaka", "gre-tokyo"):
        time.sleep(1)
    print(f"restored by the router {time.monotonic() - down:.1f}s after the kill (timer {timer}s)")
    assert link_up(state, "osaka", "gre-tokyo")
    assert "drill timer restored" in sh(state, "osaka", "cat /etc/grectl/revert.log")
    wait_green(ov, "osaka", wait=60)
