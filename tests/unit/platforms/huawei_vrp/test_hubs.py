"""Huawei VRP redundant hubs (issue 23), what is VRP's own: tunnel numbers VRP cannot take are
refused. The goldens, interfaces and remediation shared with the other platforms:
tests/unit/platforms/test_hubs_shared.py."""
import pytest

from controller import inventory
from tests.unit.platforms import shapes
from tests.unit.platforms.huawei_vrp import conformance as conf


@pytest.mark.parametrize("site_id, why", [
    (40000, "interface Tunnel0/0/N"),          # its backup tunnel would be Tunnel0/0/70000: past 65535
    (60001, "would both be interface Tunnel0/0/60001"),   # the backup hub's tunnel to it = the hub link
])
def test_tunnel_numbers_vrp_cannot_take_are_refused(tmp_path, site_id, why):
    import yaml

    from controller.errors import InventoryError
    inv = conf.inventory(tmp_path)
    shapes.dual_homed(inv, conf.DEVICE)
    doc = yaml.safe_load((inv / "overlay.yaml").read_text())
    doc["sites"][conf.DEVICE]["id"] = site_id
    doc["tunnel_pool"] = "10.64.0.0/10"   # room for the id
    (inv / "overlay.yaml").write_text(yaml.safe_dump(doc))
    with pytest.raises(InventoryError) as e:
        inventory.load(inv)
    assert why in str(e.value) and f"sites.{conf.DEVICE}.id" in str(e.value), str(e.value)
