"""An H3C device validates and renders, but a command that must reach it is refused before any
device is contacted, naming the device and platform (no driver yet): exit 1, no traceback."""
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from controller.cli import app
from tests.conftest import edit_yaml


@pytest.fixture
def h3c_inv(inv):
    edit_yaml(inv / "hosts.yaml", {"fukuoka.platform": "h3c_comware", "fukuoka.groups": []})
    edit_yaml(inv / "overlay.yaml", {"sites.fukuoka.wan.interface": "GigabitEthernet1/0/1",
                                     "ipsec.transform": "aes256-sha256", "ike.proposal": "aes256-sha256-modp2048"})
    return inv


@pytest.mark.parametrize("command", [["deploy", "--confirm-timeout", "120"], ["drift"], ["verify"]])
def test_commands_that_reach_it_are_refused(h3c_inv, command):
    import tasks.common
    from controller import inventory
    from tasks.deploy import deploy
    from tasks.verify import collect
    ov = inventory.load(h3c_inv)
    for run in (lambda: deploy(ov, confirm_timeout=120), lambda: deploy(ov, dry_run=True), lambda: collect(ov)):
        with pytest.raises(tasks.common.NoDriver, match="fukuoka: platform h3c_comware has no driver yet"):
            run()
    r = subprocess.run([sys.executable, "-c", "from controller.cli import main; main()", *command, "-i", str(h3c_inv)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "fukuoka: platform h3c_comware has no driver yet" in r.stderr and "Traceback" not in r.stderr


def test_it_validates_and_renders(h3c_inv):
    assert CliRunner().invoke(app, ["validate", "-i", str(h3c_inv)]).exit_code == 0
    r = CliRunner().invoke(app, ["render", "-i", str(h3c_inv)])
    assert r.exit_code == 0 and "interface Tunnel2 mode gre" in r.output, r.output
