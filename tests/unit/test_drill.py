"""`grectl drill` (issue 23) without routers: the plan, the probe log read, the verdict, the
refusal of a red backup path, and the router-side timer scripts run by a real sh against a fake
`ip` (the timer restores the tunnel by itself after the shell that armed it is gone)."""
import os
import subprocess
import time
from pathlib import Path

import pytest

from controller import drill as d
from controller import inventory, verify
from controller.errors import GrectlError
from controller.platforms.linux.router import drill as router
from tasks.drill import backup_red
from tests.unit.hubs_fixture import dual_homed
from tests.unit.test_verify_checks import healthy
from tests.unit.test_verify_hubs import preferred_routes


@pytest.fixture
def ov(tmp_path):
    return inventory.load(dual_homed(tmp_path))


def test_plan_takes_the_primary_down_on_the_site(ov):
    p = d.plan(ov, "osaka")
    assert (p.down_hub, p.backup_hub, p.interface, p.backup_interface) == ("tokyo", "nagoya", "gre-tokyo", "gre-nagoya")
    assert (str(p.source), str(p.target), p.target_device) == ("10.1.2.1", "10.1.3.1", "fukuoka")
    assert p.bound == ov.intent.ospf.dead + 3 and p.timer > p.bound + 10
    assert d.plan(ov, "osaka", hub="nagoya").interface == "gre-nagoya"


@pytest.mark.parametrize("site, hub, expect", [
    ("kobe", None, "unknown site 'kobe'"),
    ("osaka", "kobe", "hub 'kobe' is not one of site 'osaka'"),
])
def test_plan_refuses(ov, site, hub, expect):
    with pytest.raises(GrectlError, match=expect):
        d.plan(ov, site, hub)


def test_single_homed_site_is_refused(inv):
    with pytest.raises(GrectlError, match="homed on one hub"):
        d.plan(inventory.load(inv), "osaka")


LOG = """PING 10.1.3.1 (10.1.3.1) from 10.1.2.1 : 56(84) bytes of data.
[100.000000] 64 bytes from 10.1.3.1: icmp_seq=1 ttl=62 time=1.1 ms
[100.200000] 64 bytes from 10.1.3.1: icmp_seq=2 ttl=62 time=1.0 ms
[101.800000] 64 bytes from 10.1.3.1: icmp_seq=10 ttl=62 time=1.3 ms
[102.000000] 64 bytes from 10.1.3.1: icmp_seq=11 ttl=62 time=1.2 ms

--- 10.1.3.1 ping statistics ---
11 packets transmitted, 4 received, 63.6364% packet loss, time 2000ms
"""


def test_probe_log():
    rs = d.replies(LOG)
    assert [r.seq for r in rs] == [1, 2, 10, 11]
    assert d.outage(rs, 100.3) == (1.5, 7)
    assert d.summary(LOG) == (11, 4)


@pytest.mark.parametrize("failover, returned, ok, reason", [
    (1.5, True, True, ""),
    (None, True, False, "did not flow through the backup"),
    (12.0, True, False, "failover took 12.0s"),
    (2.0, False, False, "did not return"),
])
def test_verdict(failover, returned, ok, reason):
    rep = d.verdict(d.Report("osaka", "tokyo", "nagoya", "x", 11.0, 8, failover_s=failover, traffic_returned=returned))
    assert rep.ok is ok and reason in rep.reason


def test_red_backup_refuses(ov):
    states = preferred_routes(ov, healthy(ov))
    p = d.plan(ov, "osaka")
    assert backup_red(ov, p, verify.evaluate(ov, states, "osaka")) == []
    states["nagoya"].ospf_neighbors = [n for n in states["nagoya"].ospf_neighbors if n.interface != "gre-osaka"]
    red = backup_red(ov, p, verify.evaluate(ov, states, "osaka"))
    assert red and all(r.startswith("nagoya ospf.neighbor") for r in red)


def _hub_link_down(states):
    states["tokyo"].ospf_neighbors = [n for n in states["tokyo"].ospf_neighbors if n.interface != "gre-nagoya"]


def _backup_not_in_lsdb(states):
    states["osaka"].ospf_lsdb["10.1.4.1"].links.pop("10.1.2.1")


@pytest.mark.parametrize("break_it, starts", [
    (_hub_link_down, "tokyo ospf.neighbor OSPF_NO_SESSION"),                # the hub-to-hub link
    (_backup_not_in_lsdb, "osaka ospf.backup OSPF_BACKUP_PATH_MISSING"),   # the backup not in OSPF's database
])
def test_red_backup_path_refuses(ov, break_it, starts):
    states = preferred_routes(ov, healthy(ov))
    break_it(states)
    red = backup_red(ov, d.plan(ov, "osaka"), verify.evaluate(ov, states, "osaka"))
    assert red and all(r.startswith(starts) for r in red), red


@pytest.fixture
def fake_ip(tmp_path):
    bin_dir, log = tmp_path / "bin", tmp_path / "ip.log"
    bin_dir.mkdir()
    (bin_dir / "ip").write_text(f'#!/bin/sh\necho "$*" >> {log}\n')
    (bin_dir / "ip").chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    (tmp_path / "agent").mkdir()
    return tmp_path / "agent", log, env


def run(script: str, env) -> str:
    return subprocess.run(["sh", "-s"], input=script, capture_output=True, text=True, env=env, timeout=20,
                          check=True).stdout


def test_timer_restores_by_itself(fake_ip):
    agent, log, env = fake_ip
    down = float(run(router.arm("gre-tokyo", 1, str(agent)), env).split()[-1])
    assert abs(down - time.time()) < 5
    assert log.read_text().splitlines()[-1] == "link set dev gre-tokyo down"
    revert_log = agent / "revert.log"
    for _ in range(300):  # the arming shell is gone; the timer is not (up to 30 s on a loaded machine)
        if not (agent / router.PID).exists() and revert_log.exists() and "restored" in revert_log.read_text():
            break
        time.sleep(0.1)
    assert log.read_text().splitlines()[-1] == "link set dev gre-tokyo up"
    assert "drill timer restored" in (agent / "revert.log").read_text()


def test_disarm_stops_the_timer_and_restores(fake_ip):
    agent, log, env = fake_ip
    run(router.arm("gre-tokyo", 30, str(agent)), env)
    with pytest.raises(subprocess.CalledProcessError):  # a second drill while the first runs: refused
        run(router.arm("gre-tokyo", 30, str(agent)), env)
    pid = int((agent / router.PID).read_text())
    run(router.disarm("gre-tokyo", str(agent)), env)
    assert log.read_text().splitlines()[-1] == "link set dev gre-tokyo up" and not (agent / router.PID).exists()
    time.sleep(0.3)
    assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()


def test_hostile_interface_name_stays_a_word(fake_ip, tmp_path):
    agent, log, env = fake_ip
    name = "g$(touch${IFS}x)"
    subprocess.run(["sh", "-s"], input=router.arm(name, 30, str(agent)) + router.disarm(name, str(agent))
                   + router.route_wait("10.1.3.1", name, 0), text=True, env=env, cwd=tmp_path, timeout=20,
                   capture_output=True)
    assert not (tmp_path / "x").exists()
    assert f"link set dev {name} down" in log.read_text()
