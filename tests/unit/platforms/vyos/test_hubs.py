"""VyOS redundant hubs (issue 23): golden renders of a dual-homed site and of its backup hub on
the same platform (the backup tunnel's hub side and the hub-to-hub tunnel), one interface per hub,
and the remediation that adds the backup hub and removes it again (goldens too)."""
from pathlib import Path

import pytest

from controller import inventory, platforms, render
from controller.platforms.vyos import cli_check
from tests.unit.platforms import shapes
from tests.unit.platforms.mixed import VYOS_DEFS, golden, need_defs
from tests.unit.platforms.vyos import conformance as conf

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
    golden(HERE / "golden" / f"hubs-{device}.set", render.render_device(load(tmp_path), device))


@pytest.mark.parametrize("device", [conf.DEVICE, shapes.BACKUP])
def test_golden_dual_stack(tmp_path, device):
    golden(HERE / "golden" / f"hubs6-{device}.set", render.render_device(load(tmp_path, six=True), device))


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
