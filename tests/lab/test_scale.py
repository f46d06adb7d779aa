"""Scale: a hub with 24 sites deploys without a single connection failure, and a second deploy
changes nothing (issue 10; verify at scale and the 50-site run are bench/bench_scale.py). Own lab
name and management network."""
import time
from pathlib import Path

import pytest

from controller import inventory
from tasks.deploy import deploy
from tests.gen_inventory import generate
from tests.lab.helpers import fresh_lab

pytestmark = pytest.mark.lab

SITES = 24


@pytest.fixture(scope="module")
def scale_lab(tmp_path_factory):
    inv = generate(tmp_path_factory.mktemp("scale") / "inv", SITES, lab_name="gtscale", mgmt="172.31.236.0/24")
    state = Path("/var/lib/grectl/test-gtscale")
    with fresh_lab(inv, state, timeout=400) as summary:
        print(f"hub+{SITES}: lab up in {summary['seconds']:.1f}s")
        yield inventory.load(inv), tmp_path_factory.mktemp("scale-backups")


def test_hub_and_24_deploys_without_a_connection_failure(scale_lab):
    ov, backups = scale_lab
    t0 = time.monotonic()
    out = deploy(ov, workers=20, backup_dir=backups, confirm_timeout=300)
    print(f"hub+{SITES}: deploy {time.monotonic() - t0:.1f}s")
    assert [(o.device, o.status, o.error) for o in out if o.status != "ok"] == []
    t1 = time.monotonic()
    again = deploy(ov, workers=20, backup_dir=backups)
    print(f"hub+{SITES}: second deploy {time.monotonic() - t1:.1f}s")
    assert {o.status for o in again} == {"unchanged"} and sum(o.changes for o in again) == 0
