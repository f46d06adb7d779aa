"""H3C Comware 7: golden renders (a site under a Linux hub, a Comware hub with GRE keys), every
block of the template cites a page and marks what no page showed, validate accepts Comware devices
and refuses what Comware would read differently, the capability-row refusal still works."""
from pathlib import Path

import pytest
import yaml

from controller import inventory, platforms, render
from controller.errors import InventoryError
from controller.platforms.base import Capabilities, Platform
from controller.platforms.h3c_comware import render as comware
from tests.unit.platforms.h3c_comware.conformance import hub_inventory
from tests.unit.platforms.h3c_comware.conformance import inventory as site_inventory
from tests.unit.platforms.mixed import golden

HERE = Path(__file__).parent
TEMPLATE = Path(comware.__file__).parent / "templates" / "comware.j2"


def test_golden_site(tmp_path):
    ov = inventory.load(site_inventory(tmp_path))
    golden(HERE / "golden" / "fukuoka.cfg", render.render_device(ov, "fukuoka"))


def test_golden_hub_with_gre_key(tmp_path):
    ov = inventory.load(hub_inventory(tmp_path, **{"gre.key": True}))
    golden(HERE / "golden" / "tokyo.cfg", render.render_device(ov, "tokyo"))


def test_render_is_deterministic_and_owned(tmp_path):
    ov = inventory.load(hub_inventory(tmp_path))
    texts = render.secret_texts(ov)
    a = platforms.get("h3c_comware").render(ov, "tokyo", texts)
    assert a == platforms.get("h3c_comware").render(ov, "tokyo", dict(reversed(list(texts.items()))))
    heads = [line for line in a.splitlines() if line and not line[0].isspace() and line != "#"]
    for h in heads:   # every object grectl creates is named grectl, or is a tunnel described grectl
        assert ("grectl" in h or h.startswith(("interface Tunnel", "ospf ", "interface GigabitEthernet0/0"))), h
    assert a.count("description grectl: ") == 2


def test_ospf_never_carries_the_wan(tmp_path):
    ov = inventory.load(hub_inventory(tmp_path))
    text = render.render_device(ov, "tokyo")
    ospf = text[text.index("\nospf "):]
    assert "198.51.100." not in ospf and "network 172.16.0.0 0.0.0.3" in ospf


def test_site_scope_renders_one_tunnel_without_lans(tmp_path):
    ov = inventory.load(hub_inventory(tmp_path))
    piece = platforms.get("h3c_comware").render(ov, "tokyo", render.secret_texts(ov), site="osaka")
    assert "grectl-osaka" in piece and "grectl-fukuoka" not in piece and "10.1.1.0" not in piece


def test_template_cites_pages_and_marks_unverified():
    text = TEMPLATE.read_text()
    assert text.count("h3c.com/en/") >= 3 and text.count("https://") >= 8
    assert "[unverified]" in text


# ------------------------------------------------------------------ validate

def test_validate_accepts_comware_devices(tmp_path):
    ov = inventory.load(hub_inventory(tmp_path))
    assert ov.devices["tokyo"].platform == ov.devices["fukuoka"].platform == "h3c_comware"


@pytest.mark.parametrize("key,value,field", [
    ("ipsec.transform", "aes128gcm16", "ipsec.transform"),         # no grounded GCM keyword
    ("ike.proposal", "aes256-sha256-x25519", "ike.proposal"),      # only DH group 14 grounded
    ("ipsec.mode", "tunnel", "ipsec.mode"),                         # GRE over IPsec in transport only
    ("ipsec.lifetime", 150, "ipsec.lifetime"),                      # below 180
    ("ike.lifetime", 100000, "ike.lifetime"),                       # above 86400
])
def test_validate_refuses_what_comware_reads_differently(tmp_path, key, value, field):
    with pytest.raises(InventoryError) as e:
        inventory.load(site_inventory(tmp_path, **{key: value}))
    assert any(field in p and "fukuoka" in p for p in e.value.problems), e.value.problems


def test_site_id_beyond_the_tunnel_numbers_is_refused(tmp_path):
    inv = site_inventory(tmp_path, tunnel_pool="172.16.0.0/16")
    ov = yaml.safe_load((inv / "overlay.yaml").read_text())
    ov["sites"]["fukuoka"]["id"] = 2000
    (inv / "overlay.yaml").write_text(yaml.safe_dump(ov, sort_keys=False))
    with pytest.raises(InventoryError) as e:
        inventory.load(inv)
    assert any("sites.fukuoka.id" in p and "interface Tunnel N mode gre" in p for p in e.value.problems)


@pytest.mark.parametrize("wan", ["wan0", "GigabitEthernet1/0/1/9/2", "Vlan-interface0", "Dialer1.5"])
def test_wan_interface_comware_does_not_have_is_refused(tmp_path, wan):
    with pytest.raises(InventoryError) as e:
        inventory.load(site_inventory(tmp_path, **{"sites.fukuoka.wan.interface": wan}))
    assert any("fukuoka" in p and "wan.interface" in p for p in e.value.problems), e.value.problems


def test_an_unsupported_capability_row_is_still_refused(tmp_path):
    row = Platform("rowonly", Capabilities(frozenset({"aes256-sha256"}), supported=False))
    platforms.register(row)
    try:
        inv = site_inventory(tmp_path)
        hosts = yaml.safe_load((inv / "hosts.yaml").read_text())
        hosts["fukuoka"]["platform"] = "rowonly"
        (inv / "hosts.yaml").write_text(yaml.safe_dump(hosts))
        with pytest.raises(InventoryError) as e:
            inventory.load(inv)
        assert any("rowonly is not supported yet" in p for p in e.value.problems)
    finally:
        platforms.unregister("rowonly")
