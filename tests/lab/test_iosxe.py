"""IOS-XE over NETCONF against a real NETCONF server: the lab's yuma123 netconfd loaded with Cisco's
IOS-XE 17.12.1 YANG at the iosxe site's management address, beside Linux routers.

Proven here: confirmed commit with persist id confirmed from a fresh session, idempotency, the
server rolling back an unconfirmed commit by itself, Cisco's YANG refusing a payload (error path and
message reported, candidate discarded, running unchanged), drift of an out-of-band edit, rollback
from a backup, and no PSK anywhere the controller writes or prints.
"""
import json
import os
import shutil
import time
from pathlib import Path

import napalm
import pytest

from controller import inventory
from controller.platforms.iosxe import nativexml as nx
from tasks import common
from tasks.deploy import deploy
from tasks.verify import verify
from tests.conftest import TEST_PSK, copy_inventory, edit_yaml
from tests.lab.helpers import by_device, cli, fresh_lab
from tests.unit.platforms.iosxe.conftest import add_iosxe_site

pytestmark = pytest.mark.lab

LAB, MGMT = "gxe", "172.31.248"
STATE = Path(f"/var/lib/grectl/test-{LAB}")
XE = "kagoshima"
XE_LAN = "10.1.4.0/24"
YANG = Path(__file__).resolve().parents[2].parent / "shared" / "yang" / "cisco-xe-17.12.1-yuma123"


@pytest.fixture(scope="module")
def xe_lab(tmp_path_factory):
    if not (Path(os.environ.get("GRECTL_NETCONF_YANG") or YANG) / "Cisco-IOS-XE-native.yang").is_file():
        pytest.skip(f"no IOS-XE YANG for netconfd at {YANG} (../shared absent; set GRECTL_NETCONF_YANG)")
    if not shutil.which("netconfd", path="/usr/sbin:/usr/bin"):
        pytest.skip("netconfd not installed (scripts/install-system.sh)")
    inv = copy_inventory(tmp_path_factory.mktemp("xe"))
    edit_yaml(inv / "overlay.yaml", {"lab.name": LAB, "lab.mgmt_network": f"{MGMT}.0/24"})
    edit_yaml(inv / "hosts.yaml", {f"{h}.hostname": f"{MGMT}.{n}"
                                   for h, n in (("tokyo", 11), ("osaka", 12), ("fukuoka", 13))})
    add_iosxe_site(inv, name=XE, mgmt=f"{MGMT}.14")
    with fresh_lab(inv, STATE):
        yield inv, inventory.load(inv), tmp_path_factory.mktemp("xe-backups")


def xe_driver(ov):
    ssh = common.ssh_options(ov)
    from controller import secrets
    d = napalm.get_network_driver("iosxe_netconf")(ov.devices[XE].hostname, ssh["username"], optional_args={
        "port": 830, "key_file": ssh["key_file"], "known_hosts": ssh["known_hosts"],
        "secrets": {secrets.fingerprint(TEST_PSK): TEST_PSK}})
    d.open()
    return d


def raw(ov, source="running") -> str:
    """The server's datastore, unmasked, read with ncclient directly (not through grectl)."""
    d = xe_driver(ov)
    try:
        return d.m.get_config(source=source, filter=("subtree", nx.FILTER)).data_xml
    finally:
        d.close()


def owned_lines(xml: str) -> list[str]:
    return nx.lines(nx.mask_tree(nx.owned(nx.parse(xml))))


def no_psk(*texts):
    for t in texts:
        assert TEST_PSK not in t


def backups_clean(backups: Path):
    files = list(backups.rglob("*.conf"))
    assert files
    no_psk(*(f.read_text() for f in files))


def test_lab_status_shows_the_netconf_target(xe_lab):
    inv, ov, _ = xe_lab
    r = cli(inv, "lab", "status", "--json")
    rows = {x["name"]: x for x in json.loads(r.stdout)}
    assert r.returncode == 0, r.stdout + r.stderr
    assert rows[XE]["kind"] == "netconf" and rows[XE]["mgmt_ip"] == f"{MGMT}.14:830" and rows[XE]["ssh"]
    assert rows[XE]["daemons"] == {"netconfd": True, "sshd": True}


def test_deploy_commits_confirmed_and_linux_side_is_green(xe_lab):
    inv, ov, backups = xe_lab
    t0 = time.monotonic()
    r = cli(inv, "deploy", "--json", "--confirm-timeout", "120", "--backup-dir", str(backups))
    assert r.returncode == 0, r.stdout + r.stderr
    data = json.loads(r.stdout)
    assert {d["device"]: d["status"] for d in data["devices"]} == {
        "tokyo": "ok", "osaka": "ok", "fukuoka": "ok", XE: "ok"}
    xe = next(d for d in data["devices"] if d["device"] == XE)
    assert "native/interface/Tunnel[name=3]/ip/mtu = 1442" in xe["diff"]
    no_psk(r.stdout, r.stderr)
    backups_clean(backups)
    print(f"deploy with a NETCONF site: {time.monotonic() - t0:.1f}s")
    # the server holds the key itself (the driver swapped the placeholder on the way)
    server = raw(ov)
    assert TEST_PSK in server and "<description>grectl: tokyo</description>" in server
    # the candidate equals running: nothing left uncommitted
    assert owned_lines(raw(ov, "candidate")) == owned_lines(server)

    # Linux side green; the NETCONF site: config-level GRE checks pass, operational groups n/a
    deadline, bad = time.monotonic() + 120, None
    while time.monotonic() < deadline:
        checks, _ = verify(ov)
        bad = [c for c in checks if c.status == "fail" and not (c.peer == XE or XE_LAN in c.expected)]
        if not bad:
            break
        time.sleep(3)
    assert not bad, "\n".join(f"{c.device} {c.peer} {c.check} {c.reason} {c.observed}" for c in bad)
    mine = [c for c in checks if c.device == XE]
    assert {c.check for c in mine if c.status == "pass"} == {"gre.link", "gre.endpoints", "gre.mtu", "config.intent"}
    assert all(c.status == "n/a" and c.reason == "NOT_AVAILABLE_ON_TARGET" for c in mine
               if c.group not in ("gre", "config"))
    # the Linux hub's checks toward the NETCONF target are n/a too (its peer carries no SA), never a failure
    toward = [c for c in checks if c.peer == XE and c.group not in ("gre", "config")]
    assert toward and all(c.status == "n/a" for c in toward), [(c.device, c.check, c.status) for c in toward]
    assert not [c for c in mine if c.status == "fail"]


def test_second_deploy_changes_nothing(xe_lab):
    inv, ov, backups = xe_lab
    outcomes = by_device(deploy(ov, backup_dir=backups))
    assert {n: (o.status, o.changes) for n, o in outcomes.items()} == {
        "tokyo": ("unchanged", 0), "osaka": ("unchanged", 0), "fukuoka": ("unchanged", 0), XE: ("unchanged", 0)}


def test_unconfirmed_commit_rolls_back_on_the_server(xe_lab):
    inv, ov, _ = xe_lab
    before = owned_lines(raw(ov))
    assert "native/interface/Tunnel[name=3]/ip/mtu = 1442" in before  # the deploy's commit was confirmed
    d = xe_driver(ov)
    d.load_replace_candidate(config=d.get_config(retrieve="running")["running"].replace(
        "<mtu>1442</mtu>", "<mtu>1300</mtu>"))
    assert "+native/interface/Tunnel[name=3]/ip/mtu = 1300" in d.compare_config()
    d.commit_config(revert_in=8)
    d.close()  # never confirmed
    assert "native/interface/Tunnel[name=3]/ip/mtu = 1300" in owned_lines(raw(ov))
    t0 = time.monotonic()
    while owned_lines(raw(ov)) != before:
        assert time.monotonic() - t0 < 60, "the server did not roll the unconfirmed commit back"
        time.sleep(1)
    print(f"rolled back by the server {time.monotonic() - t0:.1f}s after the commit (timeout 8s)")


def test_payload_yang_refuses_fails_with_path_and_message(xe_lab, monkeypatch):
    inv, ov, backups = xe_lab
    before = raw(ov)
    from controller.platforms.iosxe import build
    real = build.render

    def out_of_range(overlay, device, secrets, site=None):  # an OSPF process id beyond uint16
        return real(overlay, device, secrets, site).replace("<id>1</id>", "<id>70000</id>")
    monkeypatch.setattr(build, "render", out_of_range)
    outcomes = by_device(deploy(ov, backup_dir=backups))
    o = outcomes[XE]
    assert o.status == "failed"
    assert "process-id" in o.error and "not in range" in o.error, o.error
    no_psk(o.error)
    assert raw(ov) == before                                        # running unchanged
    assert owned_lines(raw(ov, "candidate")) == owned_lines(before)  # candidate discarded
    assert all(outcomes[n].status == "unchanged" for n in ("tokyo", "osaka", "fukuoka"))
    d = xe_driver(ov)  # and the candidate is not left locked
    try:
        d.m.lock(target="candidate")
        d.m.unlock(target="candidate")
    finally:
        d.close()


def test_out_of_band_edit_is_drift_and_rollback_restores(xe_lab):
    inv, ov, backups = xe_lab
    intended = owned_lines(raw(ov))
    d = xe_driver(ov)  # someone edits the router behind grectl's back
    try:
        d.m.edit_config(target="candidate", config=(
            f'<config xmlns="{nx.NC}"><native xmlns="{nx.NATIVE}"><interface><Tunnel><name>3</name>'
            f'<ip><mtu>1280</mtu></ip></Tunnel></interface></native></config>'))
        d.m.commit()
    finally:
        d.close()
    r = cli(inv, "drift", "--json")
    assert r.returncode == 2, r.stdout + r.stderr
    data = json.loads(r.stdout)
    xe = next(x for x in data["devices"] if x["device"] == XE)
    assert xe["status"] == "would-change"
    assert "-native/interface/Tunnel[name=3]/ip/mtu = 1280" in xe["diff"]
    assert "+native/interface/Tunnel[name=3]/ip/mtu = 1442" in xe["diff"]
    assert all(x["status"] == "unchanged" for x in data["devices"] if x["device"] != XE)
    no_psk(r.stdout, r.stderr)

    r = cli(inv, "rollback", "--device", XE, "--backup-dir", str(backups), "--confirm-timeout", "60", "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    assert json.loads(r.stdout)["devices"][0]["status"] == "ok"
    no_psk(r.stdout, r.stderr)
    assert owned_lines(raw(ov)) == intended
    r = cli(inv, "drift", "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    backups_clean(backups)
