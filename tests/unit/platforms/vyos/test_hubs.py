"""VyOS redundant hubs (issue 23), what is VyOS's own: its definitions accept the hub lines and
refuse a cost out of range, and release 1.3 refuses a dual-homed device. The goldens, interfaces
and remediation shared with the other platforms: tests/unit/platforms/test_hubs_shared.py."""
import pytest

from controller import inventory, render
from controller.platforms.vyos import cli_check
from tests.unit.platforms import shapes
from tests.unit.platforms.mixed import VYOS_DEFS, need_defs
from tests.unit.platforms.vyos import conformance as conf


def load(tmp, dual: bool = True, six: bool = False):
    return shapes.hubs_overlay(conf, tmp, dual, six)


@need_defs
@pytest.mark.parametrize("device", [conf.DEVICE, shapes.BACKUP])
def test_vyos_definitions_accept_the_hub_lines(tmp_path, device):
    text = render.render_device(load(tmp_path), device)
    assert " cost '173'" in text
    c = cli_check.Checker(VYOS_DEFS)
    assert c.check(text) == [] and not c.unjudged, c.unjudged


@need_defs
def test_vyos_definitions_refuse_a_cost_out_of_range():
    assert [n for n, *_ in cli_check.Checker(VYOS_DEFS).check("set protocols ospf interface tun1 cost '0'\n")] == [1]


def test_release_13_refuses_a_dual_homed_device(tmp_path):
    from controller.errors import InventoryError
    inv = conf.inventory(tmp_path)
    shapes.dual_homed(inv, conf.DEVICE)
    import yaml
    h = yaml.safe_load((inv / "hosts.yaml").read_text())
    h[conf.DEVICE]["data"]["vyos_release"] = "1.3"
    (inv / "hosts.yaml").write_text(yaml.safe_dump(h))
    with pytest.raises(InventoryError, match="vyos_release.*1.4"):
        inventory.load(inv)


@need_defs
@pytest.mark.parametrize("device", [conf.DEVICE, shapes.BACKUP])
def test_vyos_definitions_accept_the_dual_stack_hub_lines(tmp_path, device):
    text = render.render_device(load(tmp_path, six=True), device)
    assert "set protocols ospfv3 interface tun100001 cost '173'" in text or device != conf.DEVICE
    c = cli_check.Checker(VYOS_DEFS)
    assert c.check(text) == [] and not c.unjudged, c.unjudged
