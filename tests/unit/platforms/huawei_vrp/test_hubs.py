"""Huawei VRP redundant hubs (issue 23): golden renders of a dual-homed site and of its backup hub on
the same platform (the backup tunnel's hub side and the hub-to-hub tunnel), one interface per hub,
and the remediation that adds the backup hub and removes it again (goldens too)."""
from pathlib import Path

import pytest

from controller import inventory, platforms, render
from tests.unit.platforms import shapes
from tests.unit.platforms.huawei_vrp import conformance as conf
from tests.unit.platforms.mixed import golden

HERE = Path(__file__).parent
PLAT = platforms.get(conf.PLATFORM)


def load(tmp: Path, dual: bool = True, six: bool = False):
    """The platform's inventory, its device dual-homed (on its hub and a second hub of its platform);
    with ``six`` IPv4-only but for the device's IPv6 LAN (its tunnels dual-stack)."""
    tmp.mkdir(parents=True, exist_ok=True)
    inv = conf.inventory(tmp)
    if six:
        shapes.single_stack(inv)
    if dual:
        shapes.dual_homed(inv, conf.DEVICE)
    if six:
        shapes.dual_stack(inv, conf.DEVICE, conf.LAN6_INTERFACE)
    return inventory.load(inv)


@pytest.mark.parametrize("device", [conf.DEVICE, shapes.BACKUP])
def test_golden(tmp_path, device):
    golden(HERE / "golden" / f"hubs-{device}.cfg", render.render_device(load(tmp_path), device))


@pytest.mark.parametrize("device", [conf.DEVICE, shapes.BACKUP])
def test_golden_dual_stack(tmp_path, device):
    golden(HERE / "golden" / f"hubs6-{device}.cfg", render.render_device(load(tmp_path, six=True), device))


def test_one_interface_per_hub_and_hub_link(tmp_path):
    ov = load(tmp_path)
    site = {t.kind: t.end(conf.DEVICE).interface for t in ov.tunnels_of(conf.DEVICE)}
    hub = {t.kind: t.end(shapes.BACKUP).interface for t in ov.tunnels_of(shapes.BACKUP)}
    assert set(site) == {"primary", "backup"} and set(hub) == {"backup", "hubs"}
    assert site["primary"] != site["backup"] and hub["backup"] != hub["hubs"]
    assert PLAT.check_interface(site["backup"]) is None and PLAT.check_interface(hub["hubs"]) is None


def test_adding_the_backup_hub_and_removing_it(tmp_path):
    single = render.render_device(load(tmp_path / "a", dual=False), conf.DEVICE)
    ov = load(tmp_path / "b")
    dual = render.render_device(ov, conf.DEVICE)
    there, back = PLAT.remediation(single, dual, True), PLAT.remediation(dual, single, True)
    golden(HERE / "golden" / "hubs-add.txt", "\n".join(there) + "\n")
    golden(HERE / "golden" / "hubs-remove.txt", "\n".join(back) + "\n")
    backup = next(t for t in ov.tunnels_of(conf.DEVICE) if t.kind == "backup").site_end.interface
    primary = next(t for t in ov.tunnels_of(conf.DEVICE) if t.kind == "primary").site_end.interface
    assert any(backup in line for line in there) and any(backup in line for line in back)
    assert not any(line.strip().endswith(primary) and line.split()[0] in ("no", "undo", "delete")
                   for line in there + back)     # the primary tunnel stays up both ways
    assert PLAT.remediation(dual, dual, True) == [] and PLAT.remediation(single, single, True) == []


def test_the_primary_hub_gains_the_hub_link_and_loses_it_again(tmp_path):
    """The primary hub on this platform too: a site of it going dual-homed adds the hub-to-hub
    tunnel and the costs there, and nothing of its site tunnels goes; going back removes them."""
    def hub_render(tmp, dual):
        tmp.mkdir(parents=True)
        inv = conf.inventory(tmp)
        hub = shapes.own_hub(inv, conf.DEVICE)
        if dual:
            shapes.dual_homed(inv, conf.DEVICE)
        ov = inventory.load(inv)
        return ov, hub, render.render_device(ov, hub)
    single_ov, hub, single = hub_render(tmp_path / "a", False)
    ov, _, dual = hub_render(tmp_path / "b", True)
    there, back = PLAT.remediation(single, dual, True), PLAT.remediation(dual, single, True)
    link = next(t for t in ov.tunnels_of(hub) if t.kind == "hubs").end(hub).interface
    assert any(link in line for line in there) and any(link in line for line in back)
    for t in single_ov.tunnels_of(hub):     # every site tunnel stays, and gets its cost
        iface = t.end(hub).interface
        assert not any(line.strip().endswith(iface) and line.split()[0] in ("no", "undo", "delete")
                       for line in there + back), iface
    assert any(str(shapes.COST) in line for line in there)
    assert PLAT.remediation(dual, dual, True) == []


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
