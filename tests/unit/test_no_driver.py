"""A device whose platform grectl validates and renders but has no driver (the ``toy`` plugin
platform, installed the way pip would) is refused before any device is contacted, naming the
device and platform: exit 1, no traceback. deploy, drift and verify alike."""
import os
import subprocess
import sys

import pytest

import tasks.common
from tests.conftest import edit_yaml, ipv4_only
from tests.unit.test_platform_plugin import toy_installed  # noqa: F401 (fixture)

REFUSED = "osaka: platform toy has no driver yet"


@pytest.fixture
def toy_inv(inv, toy_installed):  # noqa: F811
    ipv4_only(inv)  # the platform takes IPv4 only so far (issue 22)
    edit_yaml(inv / "hosts.yaml", {"osaka.platform": "toy"})
    return inv


def test_the_toy_has_no_driver(toy_inv):
    from controller import platforms
    assert platforms.get("toy").caps.napalm_driver is None


def test_deploy_and_collect_refuse_it_before_contacting_anything(toy_inv):
    from controller import inventory
    from tasks.deploy import deploy
    from tasks.verify import collect
    ov = inventory.load(toy_inv)
    for run in (lambda: deploy(ov, confirm_timeout=120), lambda: deploy(ov, dry_run=True), lambda: collect(ov)):
        with pytest.raises(tasks.common.NoDriver, match=REFUSED):
            run()


@pytest.mark.parametrize("command", [["deploy", "--confirm-timeout", "120"], ["drift"], ["verify"]])
def test_commands_that_reach_it_are_refused(toy_inv, tmp_path, command):
    site = str(tmp_path / "site")     # where the fixture installed the plugin (package + dist-info)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([site, os.getcwd(), os.environ.get("PYTHONPATH", "")]))
    r = subprocess.run([sys.executable, "-c", "from controller.cli import main; main()", *command, "-i", str(toy_inv)],
                       capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 1, r.stdout + r.stderr
    assert REFUSED in r.stderr and "Traceback" not in r.stderr
