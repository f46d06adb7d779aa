"""verify on real routers: green on the deployed overlay; each injected fault red for its reason."""
import json
import time

import pytest

from controller import inventory
from tasks.deploy import deploy
from tasks.verify import verify
from tests.lab.helpers import cli, sh, wait_green

pytestmark = pytest.mark.lab


def wait_reason(ov, device, check, reason, timeout=45, site=None):
    """Poll verify until ``device`` fails ``check`` with ``reason``; return that check."""
    deadline = time.monotonic() + timeout
    seen = []
    while True:
        result, _ = verify(ov, site)
        hits = [c for c in result if c.device == device and c.check == check and c.reason == reason]
        if hits:
            return hits[0]
        seen = sorted({(c.device, c.check, c.reason) for c in result if c.status == "fail"})
        if time.monotonic() > deadline:
            pytest.fail(f"{device} {check} never failed with {reason}; failing: {seen}")
        time.sleep(1)


def repair(inv, ov):
    outcomes = deploy(inventory.load(inv), backup_dir=inv.parent / "fault-backups")
    assert all(o.status != "failed" for o in outcomes), [(o.device, o.error) for o in outcomes]
    wait_green(ov)


def test_verify_green_json_and_site(deployed):
    inv, state, ov, _ = deployed
    r = cli(inv, "verify", "--json")
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr
    data = json.loads(r.stdout)
    assert data["ok"] and all(c["status"] == "pass" for c in data["checks"])
    got = {(c["device"], c["peer"], c["check"]) for c in data["checks"]}
    for dev, peer in (("tokyo", "osaka"), ("osaka", "tokyo"), ("tokyo", "fukuoka"), ("fukuoka", "tokyo")):
        for check in ("gre.link", "gre.mtu", "ike.sa", "ipsec.child", "ipsec.counters", "df.max", "df.over",
                      "ospf.neighbor", "ospf.interface", "underlay.route"):
            assert (dev, peer, check) in got
    df = {(c["device"], c["check"]): c["observed"] for c in data["checks"]}
    assert "payload 1414: 3/3" in df[("osaka", "df.max")] or "payload 1414: 2/3" in df[("osaka", "df.max")]
    assert "message too long mtu=1442" in df[("osaka", "df.over")]
    r = cli(inv, "verify", "--site", "fukuoka", "--json")
    assert r.returncode == 0
    assert {c["peer"] for c in json.loads(r.stdout)["checks"]} <= {"fukuoka", "tokyo", "-"}


def test_lan_to_lan_through_hub(deployed):
    inv, state, ov, _ = deployed
    out = sh(state, "lan-osaka-0", "ping -n -c 3 -i 0.2 -W 2 10.1.3.10")
    assert " 0% packet loss" in out or "3 received" in out
    assert "10.1.3.0/24" in sh(state, "osaka", "ip route show proto ospf") and "gre-tokyo" in sh(
        state, "osaka", "ip route get 10.1.3.10")


def test_wrong_psk_on_one_site(deployed):
    inv, state, ov, _ = deployed
    sh(state, "osaka", "sed -i 's/secret = \".*\"/secret = \"wrong-psk-000000000000000\"/' "
                       "/etc/swanctl/conf.d/grectl.conf && swanctl --load-all --noprompt >/dev/null 2>&1; "
                       "swanctl --terminate --ike tokyo >/dev/null 2>&1; "
                       "swanctl --initiate --child gre-tokyo --timeout 5 >/dev/null 2>&1; true")
    c = wait_reason(ov, "osaka", "ike.sa", "IKE_PHASE1_KEY_MISMATCH")
    assert c.peer == "tokyo"
    repair(inv, ov)


def test_charon_stopped_on_one_site(deployed):
    inv, state, ov, _ = deployed
    sh(state, "fukuoka", "kill $(cat /run/charon.pid)")
    try:
        c = wait_reason(ov, "fukuoka", "ike.sa", "IKE_DAEMON_DOWN")
        assert c.observed == "IKE daemon not running"
    finally:
        sh(state, "fukuoka", "setsid -f /usr/lib/ipsec/charon </dev/null >/dev/null 2>&1; "
                             "for i in $(seq 100); do swanctl --stats >/dev/null 2>&1 && break; sleep 0.1; done")
    # charon is back with nothing loaded: that is drift, and deploy loads the connections again
    assert cli(inv, "drift").returncode == 2
    repair(inv, ov)


def test_wan_link_down_on_one_site(deployed):
    inv, state, ov, _ = deployed
    gw = ov.devices["osaka"].wan.next_hop
    sh(state, "osaka", "ip link set wan0 down")
    try:
        wait_reason(ov, "osaka", "underlay.route", "UNDERLAY_UNREACHABLE")
    finally:
        sh(state, "osaka", f"ip link set wan0 up; ip route replace default via {gw}")
    repair(inv, ov)


def test_ospf_hello_changed_on_one_site(deployed):
    inv, state, ov, _ = deployed
    sh(state, "fukuoka", "vtysh -c 'conf t' -c 'interface gre-tokyo' -c 'ip ospf hello-interval 5'")
    c = wait_reason(ov, "fukuoka", "ospf.interface", "OSPF_HELLO_MISMATCH")
    assert c.observed.startswith("hello 5") and c.expected.startswith("hello 2")
    repair(inv, ov)


def test_tunnel_mtu_changed_on_one_end(deployed):
    inv, state, ov, _ = deployed
    sh(state, "osaka", "ip link set gre-tokyo mtu 1400")
    c = wait_reason(ov, "osaka", "gre.mtu", "GRE_MTU_MISMATCH")
    assert (c.observed, c.expected) == ("1400", "1442")
    result, _ = verify(ov)
    assert any(x.device == "osaka" and x.check == "df.max" and x.status == "fail" for x in result)
    repair(inv, ov)


def test_wan_prefix_in_ospf_is_recursive_routing(deployed):
    inv, state, ov, _ = deployed
    sh(state, "osaka", "vtysh -c 'conf t' -c 'router ospf' -c 'network 198.51.100.4/30 area 0.0.0.0'")
    c = wait_reason(ov, "tokyo", "ospf.no_wan", "RECURSIVE_ROUTING")
    assert "198.51.100.4/30" in c.observed
    repair(inv, ov)


def test_a_new_key_in_the_intent_is_red_before_any_sa_is_reestablished(deployed, tmp_path):
    """The network runs the old key; the intent holds a new one. The established SAs outlive the
    difference, so the tunnel checks stay green; the config group is red on every device at once."""
    import shutil
    inv, state, ov, _ = deployed
    rotated = tmp_path / "inventory"
    shutil.copytree(inv, rotated, ignore=shutil.ignore_patterns(".grectl"))
    (rotated / "secrets" / "psk.txt").write_text("rotated-psk-0123456789abcdef\n")
    (rotated / "secrets" / "psk.txt").chmod(0o600)
    result, _ = verify(inventory.load(rotated))
    by = {(c.device, c.peer, c.check): c for c in result}
    for dev in ("tokyo", "osaka", "fukuoka"):
        c = by[(dev, "-", "config.intent")]
        assert (c.status, c.reason) == ("fail", "CONFIG_DRIFT"), c
        assert "rotated-psk" not in c.detail and "test-psk" not in c.detail
    assert by[("osaka", "tokyo", "ike.sa")].status == "pass"
    assert by[("tokyo", "osaka", "ipsec.child")].status == "pass"
    # the intent the network runs: the config group is green
    result, _ = verify(ov)
    assert {c.status for c in result if c.check == "config.intent"} == {"pass"}
