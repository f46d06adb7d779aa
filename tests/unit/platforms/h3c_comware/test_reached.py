"""An H3C device validates, renders, and is no longer refused by the commands that reach devices:
its platform names the ``comware_grectl`` driver and the Nornir connection opens it."""
import pytest
from typer.testing import CliRunner

from controller.cli import app
from tests.conftest import edit_yaml, ipv4_only


@pytest.fixture
def h3c_inv(inv):
    ipv4_only(inv)  # the platform takes IPv4 only so far (issue 22)
    edit_yaml(inv / "hosts.yaml", {"fukuoka.platform": "h3c_comware", "fukuoka.groups": []})
    edit_yaml(inv / "overlay.yaml", {"sites.fukuoka.wan.interface": "GigabitEthernet1/0/1",
                                     "ipsec.transform": "aes256-sha256", "ike.proposal": "aes256-sha256-modp2048"})
    return inv


def test_it_validates_and_renders(h3c_inv):
    assert CliRunner().invoke(app, ["validate", "-i", str(h3c_inv)]).exit_code == 0
    r = CliRunner().invoke(app, ["render", "-i", str(h3c_inv)])
    assert r.exit_code == 0 and "interface Tunnel2 mode gre" in r.output, r.output


def test_deploy_drift_verify_rollback_accept_it(h3c_inv):
    import tasks.common
    from controller import inventory
    ov = inventory.load(h3c_inv)
    tasks.common.require_drivers(ov, ov.devices)        # raises NoDriver for a driverless platform
    nr = tasks.common.make_nornir(ov)
    opts = nr.inventory.hosts["fukuoka"].connection_options
    assert opts["napalm"].platform == "comware_grectl"
    assert opts["netmiko"].platform == "hp_comware"
    assert opts["netmiko"].extras["ssh_strict"] is True
