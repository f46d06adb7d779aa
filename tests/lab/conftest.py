"""A lab built from the example inventory (own lab name and management network, so it never
collides with a demo lab), shared by the deploy and verify tests of one session."""
from pathlib import Path

import pytest

from controller import inventory
from tests.conftest import copy_inventory, edit_yaml
from tests.lab.helpers import fresh_lab

TEST_LAB = "gtest"
TEST_MGMT = "172.31.250"


@pytest.fixture(scope="session")
def overlay_lab(tmp_path_factory):
    inv = copy_inventory(tmp_path_factory.mktemp("overlay"))
    edit_yaml(inv / "overlay.yaml", {"lab.name": TEST_LAB, "lab.mgmt_network": f"{TEST_MGMT}.0/24"})
    edit_yaml(inv / "hosts.yaml", {f"{h}.hostname": f"{TEST_MGMT}.{n}"
                                   for h, n in (("tokyo", 11), ("osaka", 12), ("fukuoka", 13))})
    state = Path(f"/var/lib/grectl/test-{TEST_LAB}")
    with fresh_lab(inv, state):
        yield inv, state


@pytest.fixture(scope="session")
def deployed(overlay_lab, tmp_path_factory):
    """The example overlay deployed through the CLI and verified green."""
    import json
    import time

    from tests.conftest import TEST_PSK
    from tests.lab.helpers import cli, wait_green

    inv, state = overlay_lab
    backups = tmp_path_factory.mktemp("backups")
    ov = inventory.load(inv)
    t0 = time.monotonic()
    r = cli(inv, "deploy", "--json", "--confirm-timeout", "120", "--backup-dir", str(backups))
    assert r.returncode == 0, r.stdout + r.stderr
    data = json.loads(r.stdout)
    assert {d["device"]: d["status"] for d in data["devices"]} == {"tokyo": "ok", "osaka": "ok", "fukuoka": "ok"}
    events = [e["event"] for e in data["timeline"]["events"]]   # where the time went, in order
    assert events[:4] == ["read", "hubs committed", "sites committed", "proof started"], events
    assert events[-2:] == ["proven", "confirmed"] and "ike green" in events and "ospf green" in events, events
    assert all(d["commit"] > 0 and d["confirm"] > 0 for d in data["timeline"]["devices"].values()), data["timeline"]
    print("timeline:", json.dumps(data["timeline"]))
    assert TEST_PSK not in r.stdout + r.stderr
    for f in backups.rglob("*.conf"):
        assert TEST_PSK not in f.read_text()
    deployed_at = time.monotonic() - t0
    green = wait_green(ov)
    print(f"deploy {deployed_at:.1f}s; verify green {green:.1f}s later")
    return inv, state, ov, backups
