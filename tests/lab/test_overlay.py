"""Deploy on real lab routers: builds, idempotent, dry run, commit-confirm, --site, unreachable, rollback."""
import json
import time

import pytest

from controller import inventory
from controller.platforms.linux import parsers
from controller.platforms.linux.router import linuxconf
from tasks.deploy import deploy
from tests.conftest import TEST_PSK, edit_yaml
from tests.lab.helpers import by_device, cli, driver, running, sh, wait_green

pytestmark = pytest.mark.lab


def test_deploy_builds_the_overlay(deployed):
    inv, state, ov, _ = deployed
    for name in ("tokyo", "osaka", "fukuoka"):
        links = {ln["ifname"]: ln for ln in json.loads(sh(state, name, "ip -d -j link show type gre"))}
        for t in ov.tunnels_of(name):
            ln = links[t.end(name).interface]
            assert ln["mtu"] == 1442 and ln["linkinfo"]["info_data"]["remote"] == str(t.end(name).peer_wan)
        sas = sh(state, name, "swanctl --list-sas 2>/dev/null")
        assert sas.count("ESTABLISHED") == len(ov.tunnels_of(name)) and "INSTALLED, TRANSPORT" in sas
        nbr = sh(state, name, "vtysh -c 'show ip ospf neighbor'")
        assert nbr.count("Full/") == len(ov.tunnels_of(name))
    # the secret reached the router's swanctl file, nowhere else in what the controller shows
    assert f'secret = "{TEST_PSK}"' in sh(state, "osaka", "cat /etc/swanctl/conf.d/grectl.conf")


def test_second_deploy_changes_nothing_and_restarts_nothing(deployed):
    inv, state, ov, backups = deployed
    before = sh(state, "tokyo", "swanctl --list-sas --raw 2>/dev/null")
    outcomes = by_device(deploy(ov, backup_dir=backups))
    assert {n: (o.status, o.changes) for n, o in outcomes.items()} == {
        "tokyo": ("unchanged", 0), "osaka": ("unchanged", 0), "fukuoka": ("unchanged", 0)}
    after = sh(state, "tokyo", "swanctl --list-sas --raw 2>/dev/null")
    ids = lambda raw: sorted(s["uniqueid"] for s in parsers.parse_vici_raw(raw))  # noqa: E731
    assert ids(before) == ids(after) and ids(before)


def test_dry_run_shows_manual_change_and_changes_nothing(deployed):
    inv, state, ov, backups = deployed
    sh(state, "osaka", "ip link set gre-tokyo mtu 1400")
    try:
        r = cli(inv, "deploy", "--dry-run", "--json", "--backup-dir", str(backups))
        data = {d["device"]: d for d in json.loads(r.stdout)["devices"]}
        assert data["osaka"]["status"] == "would-change"
        assert "-gre-tokyo local 198.51.100.6 remote 198.51.100.2 ttl 64 key 0 mtu 1400" in data["osaka"]["diff"]
        assert data["tokyo"]["status"] == "unchanged"
        assert cli(inv, "drift").returncode == 2
        assert '"mtu": 1400' in sh(state, "osaka", "ip -j link show gre-tokyo").replace(":1400", ": 1400")
    finally:
        outcomes = by_device(deploy(ov, backup_dir=backups))
    assert outcomes["osaka"].status == "ok"
    assert '"mtu":1442' in sh(state, "osaka", "ip -j link show gre-tokyo").replace(" ", "")
    assert cli(inv, "drift").returncode == 0


def test_unconfirmed_commit_rolls_itself_back(deployed):
    inv, state, ov, _ = deployed
    d = driver(ov, "fukuoka")
    doc = linuxconf.parse(d.get_config(retrieve="running")["running"])
    doc.tunnels["gre-tokyo"]["mtu"] = "1300"
    d.load_replace_candidate(config=linuxconf.dump(doc))
    assert "mtu 1300" in d.compare_config()
    d.commit_config(revert_in=6)
    assert d.has_pending_commit()
    d.close()  # the controller goes away without confirming
    assert '"mtu":1300' in sh(state, "fukuoka", "ip -j link show gre-tokyo").replace(" ", "")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if '"mtu":1442' in sh(state, "fukuoka", "ip -j link show gre-tokyo").replace(" ", ""):
            break
        time.sleep(1)
    assert '"mtu":1442' in sh(state, "fukuoka", "ip -j link show gre-tokyo").replace(" ", "")
    d = driver(ov, "fukuoka")
    assert not d.has_pending_commit()
    d.close()


def test_site_scope_touches_only_that_site(deployed, tmp_path):
    inv, state, ov, backups = deployed
    hub_before = running(ov, "tokyo")
    edit_yaml(inv / "overlay.yaml", {"ospf.hello": 3})
    try:
        outcomes = by_device(deploy(inventory.load(inv), site="osaka", backup_dir=backups))
        assert set(outcomes) == {"tokyo", "osaka"} and outcomes["tokyo"].status == "ok"
        hub_after = running(ov, "tokyo")
        frr_b, frr_a = dict(hub_before.frr), dict(hub_after.frr)
        assert "ip ospf hello-interval 3" in frr_a["interface gre-osaka"]
        assert frr_a["interface gre-fukuoka"] == frr_b["interface gre-fukuoka"]
        assert frr_a["router ospf"] == frr_b["router ospf"]
        for part in ("tunnels", "connections", "secrets"):
            b, a = getattr(hub_before, part), getattr(hub_after, part)
            assert {k: v for k, v in a.items() if "osaka" not in k} == {k: v for k, v in b.items() if "osaka" not in k}
    finally:
        edit_yaml(inv / "overlay.yaml", {"ospf.hello": 2})
        deploy(inventory.load(inv), backup_dir=backups)
    wait_green(ov)


def test_unreachable_site_others_deploy_exit_1(deployed):
    inv, state, ov, backups = deployed
    hub_before = running(ov, "tokyo")
    edit_yaml(inv / "overlay.yaml", {"ospf.hello": 4, "ospf.dead": 16})
    sh(state, "fukuoka", "kill $(cat /run/sshd.pid)")
    try:
        r = cli(inv, "deploy", "--json", "--backup-dir", str(backups))
        assert r.returncode == 1
        data = {d["device"]: d for d in json.loads(r.stdout)["devices"]}
        assert data["fukuoka"]["status"] == "failed" and "unreachable" in data["fukuoka"]["error"]
        assert data["osaka"]["status"] == "ok" and data["tokyo"]["status"] == "ok"
        hub_after = running(ov, "tokyo")
        # the failed site's hub side is exactly as it was
        assert dict(hub_after.frr)["interface gre-fukuoka"] == dict(hub_before.frr)["interface gre-fukuoka"]
        assert hub_after.tunnels["gre-fukuoka"] == hub_before.tunnels["gre-fukuoka"]
        assert "ip ospf hello-interval 4" in dict(hub_after.frr)["interface gre-osaka"]
    finally:
        sh(state, "fukuoka", "/usr/sbin/sshd")
        edit_yaml(inv / "overlay.yaml", {"ospf.hello": 2, "ospf.dead": 8})
        assert all(o.status != "failed" for o in deploy(inventory.load(inv), backup_dir=backups))
    wait_green(ov)


def test_rollback_restores_backup(deployed, tmp_path):
    inv, state, ov, _ = deployed
    backups = tmp_path / "b"
    edit_yaml(inv / "overlay.yaml", {"ospf.hello": 5, "ospf.dead": 20})
    try:
        assert all(o.status == "ok" for o in deploy(inventory.load(inv), backup_dir=backups))
        assert "ip ospf hello-interval 5" in dict(running(ov, "osaka").frr)["interface gre-tokyo"]
    finally:
        edit_yaml(inv / "overlay.yaml", {"ospf.hello": 2, "ospf.dead": 8})
    r = cli(inv, "rollback", "--json", "--backup-dir", str(backups))
    assert r.returncode == 0, r.stdout + r.stderr
    assert {d["status"] for d in json.loads(r.stdout)["devices"]} == {"ok"}
    assert "ip ospf hello-interval 2" in dict(running(ov, "osaka").frr)["interface gre-tokyo"]
    # restored exactly what the intent renders, keys included: a deploy finds nothing to do
    assert {o.status for o in deploy(inventory.load(inv), backup_dir=backups)} == {"unchanged"}
    wait_green(ov)


def test_config_survives_daemon_restart(deployed):
    """Everything is persisted on the router: frr.conf, the swanctl file, the tunnel definitions."""
    inv, state, ov, _ = deployed
    sh(state, "osaka", "/usr/lib/frr/frrinit.sh stop >/dev/null 2>&1; kill $(cat /run/charon.pid); "
                       "ip link del gre-tokyo; sleep 1")
    sh(state, "osaka", "python3 /etc/grectl/agent.py restore >/dev/null && "
                       "setsid -f /usr/lib/ipsec/charon </dev/null >/dev/null 2>&1; "
                       "for i in $(seq 100); do swanctl --stats >/dev/null 2>&1 && break; sleep 0.1; done; "
                       "swanctl --load-all --noprompt >/dev/null 2>&1; "
                       "/usr/lib/frr/frrinit.sh start >/dev/null 2>&1")
    wait_green(ov)
    assert cli(inv, "drift").returncode == 0
