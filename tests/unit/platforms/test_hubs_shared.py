"""Redundant hubs (issue 23) on each platform that renders them from its own golden files: golden
renders of a dual-homed site and of its backup hub on the same platform (the backup tunnel's hub
side and the hub-to-hub tunnel), one interface per hub, and the remediation that adds the backup
hub and removes it again (goldens too). Driven by each platform's conformance provider; the
platform's own hub tests stay in its folder (``<platform>/test_hubs.py``)."""
from pathlib import Path

import pytest

from controller import inventory, platforms, render
from tests.unit.platforms import shapes
from tests.unit.platforms.huawei_vrp import conformance as vrp
from tests.unit.platforms.ios import conformance as ios
from tests.unit.platforms.mixed import golden
from tests.unit.platforms.vyos import conformance as vyos

HERE = Path(__file__).parent
# (provider, suffix of its golden renders), golden files in <platform>/golden/
PROVIDERS = [(vrp, "cfg"), (ios, "conf"), (vyos, "set")]
IDS = [conf.PLATFORM for conf, _ in PROVIDERS]
DEVICES = [(conf, ext, device) for conf, ext in PROVIDERS for device in (conf.DEVICE, shapes.BACKUP)]
DEVICE_IDS = [f"{conf.PLATFORM}-{device}" for conf, _, device in DEVICES]


def gold(conf, name: str) -> Path:
    return HERE / conf.PLATFORM / "golden" / name


@pytest.mark.parametrize("conf, ext, device", DEVICES, ids=DEVICE_IDS)
def test_golden(tmp_path, conf, ext, device):
    golden(gold(conf, f"hubs-{device}.{ext}"), render.render_device(shapes.hubs_overlay(conf, tmp_path), device))


@pytest.mark.parametrize("conf, ext, device", DEVICES, ids=DEVICE_IDS)
def test_golden_dual_stack(tmp_path, conf, ext, device):
    ov = shapes.hubs_overlay(conf, tmp_path, six=True)
    golden(gold(conf, f"hubs6-{device}.{ext}"), render.render_device(ov, device))


@pytest.mark.parametrize("conf, _ext", PROVIDERS, ids=IDS)
def test_one_interface_per_hub_and_hub_link(tmp_path, conf, _ext):
    plat = platforms.get(conf.PLATFORM)
    ov = shapes.hubs_overlay(conf, tmp_path)
    site = {t.kind: t.end(conf.DEVICE).interface for t in ov.tunnels_of(conf.DEVICE)}
    hub = {t.kind: t.end(shapes.BACKUP).interface for t in ov.tunnels_of(shapes.BACKUP)}
    assert set(site) == {"primary", "backup"} and set(hub) == {"backup", "hubs"}
    assert site["primary"] != site["backup"] and hub["backup"] != hub["hubs"]
    assert plat.check_interface(site["backup"]) is None and plat.check_interface(hub["hubs"]) is None


@pytest.mark.parametrize("conf, _ext", PROVIDERS, ids=IDS)
def test_adding_the_backup_hub_and_removing_it(tmp_path, conf, _ext):
    plat = platforms.get(conf.PLATFORM)
    single = render.render_device(shapes.hubs_overlay(conf, tmp_path / "a", dual=False), conf.DEVICE)
    ov = shapes.hubs_overlay(conf, tmp_path / "b")
    dual = render.render_device(ov, conf.DEVICE)
    there, back = plat.remediation(single, dual, True), plat.remediation(dual, single, True)
    golden(gold(conf, "hubs-add.txt"), "\n".join(there) + "\n")
    golden(gold(conf, "hubs-remove.txt"), "\n".join(back) + "\n")
    backup = next(t for t in ov.tunnels_of(conf.DEVICE) if t.kind == "backup").site_end.interface
    primary = next(t for t in ov.tunnels_of(conf.DEVICE) if t.kind == "primary").site_end.interface
    assert any(backup in line for line in there) and any(backup in line for line in back)
    assert not any(line.strip().endswith(primary) and line.split()[0] in ("no", "undo", "delete")
                   for line in there + back)     # the primary tunnel stays up both ways
    assert plat.remediation(dual, dual, True) == [] and plat.remediation(single, single, True) == []


@pytest.mark.parametrize("conf, _ext", PROVIDERS, ids=IDS)
def test_the_primary_hub_gains_the_hub_link_and_loses_it_again(tmp_path, conf, _ext):
    """The primary hub on this platform too: a site of it going dual-homed adds the hub-to-hub
    tunnel and the costs there, and nothing of its site tunnels goes; going back removes them."""
    plat = platforms.get(conf.PLATFORM)

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
    there, back = plat.remediation(single, dual, True), plat.remediation(dual, single, True)
    link = next(t for t in ov.tunnels_of(hub) if t.kind == "hubs").end(hub).interface
    assert any(link in line for line in there) and any(link in line for line in back)
    for t in single_ov.tunnels_of(hub):     # every site tunnel stays, and gets its cost
        iface = t.end(hub).interface
        assert not any(line.strip().endswith(iface) and line.split()[0] in ("no", "undo", "delete")
                       for line in there + back), iface
    assert any(str(shapes.COST) in line for line in there)
    assert plat.remediation(dual, dual, True) == []
