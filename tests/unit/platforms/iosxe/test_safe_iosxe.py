"""Safe values on Cisco IOS-XE (NETCONF): keys placed as element text by lxml, safe parsing of
payloads and replies, documented ranges, a mixed inventory with real interface names that
yanglint accepts, and no rendered payload or IOS config gaining an element or a line. Cases are
the YAML tables in ``hostile/`` here and in ``../ios/hostile`` (found by glob)."""
from pathlib import Path

import pytest
import yaml
from lxml import etree

from controller import inventory, models, render
from controller.errors import InventoryError
from controller.platforms.iosxe import PLATFORM as IOSXE
from controller.platforms.iosxe import nativexml as nx
from controller.platforms.iosxe import yang
from controller.platforms.iosxe.driver import IosXeNetconfDriver
from tests.conftest import copy_inventory, edit_yaml

from .conftest import add_iosxe_site, libyang_dir, need_libyang

HERE = Path(__file__).parent


def cases(kind: str):
    out = []
    for path in sorted([*(HERE / "hostile").glob(f"{kind}*.yaml"), *(HERE.parent / "ios" / "hostile").glob(f"{kind}*.yaml")]):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        out += doc if isinstance(doc, list) else [doc]
    assert out, f"no hostile/{kind}*.yaml"
    return out


KEYS = [k for k in cases("xml_keys")] + [c["key"] for c in cases("psk") if c["key"]]
RANGES = [c for c in cases("ranges") if "inventory" not in c]  # ../ios/hostile/ranges.yaml names its own


def _model_takes(name: str) -> bool:
    try:
        models.Wan(interface=name, address="198.51.100.2/30")
        return True
    except Exception:
        return False


def xml_compatible(text: str) -> bool:
    try:
        etree.Element("k").text = text
        return True
    except ValueError:
        return False


@pytest.fixture(scope="module")
def payload(tmp_path_factory):
    """kagoshima's rendered ``<config>`` with its key as a placeholder (and the placeholder)."""
    ov = inventory.load(add_iosxe_site(copy_inventory(tmp_path_factory.mktemp("xe"))))
    ph = "%{psk:0123456789ab}"
    return IOSXE.render(ov, "kagoshima", {s: ph for s in ov.intent.sites}), "0123456789ab"


def elements(text: str) -> list[str]:
    return [etree.QName(e).localname for e in etree.fromstring(text.encode()).iter() if isinstance(e.tag, str)]


@pytest.mark.parametrize("key", KEYS, ids=[repr(k)[:50] for k in KEYS])
def test_fill_keys_places_any_key_as_element_text(payload, key):
    xml, fp = payload
    if not xml_compatible(key):
        with pytest.raises(ValueError) as e:  # XML 1.0 cannot carry it: refused, never altered
            nx.fill_keys(xml, {fp: key})
        assert key not in str(e.value)
        return
    out = nx.fill_keys(xml, {fp: key})
    assert elements(out) == elements(xml)                     # no element gained or lost
    assert "]]>]]>" not in out                                # NETCONF 1.0 framing intact
    keys = [e.text for e in etree.fromstring(out.encode()).iter() if isinstance(e.tag, str)
            and etree.QName(e).localname == "key"]
    assert keys == [key]                                      # read back exactly, by an XML parser


def test_the_driver_sends_keys_placed_by_lxml():
    key = "abcdefgh</key><injected>yes</injected><key>x&amp;]]>]]>"
    sent = {}

    class Manager:
        def edit_config(self, **kw):
            sent.update(kw)

    d = IosXeNetconfDriver("192.0.2.1", "u", optional_args={"secrets": {nx.fingerprint(key): key}})
    d.m = Manager()
    d._edit(f"<config><pre-shared-key><key>{nx.placeholder(key)}</key></pre-shared-key></config>", ValueError, "edit")
    root = etree.fromstring(sent["config"].encode())
    assert root.find("pre-shared-key/key").text == key and len(list(root.iter())) == 3
    assert "]]>]]>" not in sent["config"]


@pytest.mark.parametrize("bad,why", [
    ('<!DOCTYPE c [<!ENTITY e "x">]><c><key>%{psk:0123456789ab}</key></c>', "DOCTYPE"),
    ('<c><key a="%{psk:0123456789ab}">x</key></c>', "outside"),
    ("<c><key>x %{psk:0123456789ab}</key></c>", "inside a longer text"),
    ("<c><key>x</key>%{psk:0123456789ab}</c>", "outside"),
])
def test_fill_keys_refuses_placeholders_it_cannot_place_as_a_whole_text(bad, why):
    with pytest.raises(nx.PayloadError, match=why):
        nx.fill_keys(bad, {"0123456789ab": "k" * 20})


def test_fill_keys_refuses_an_unknown_fingerprint():
    with pytest.raises(KeyError, match="no key known"):
        nx.fill_keys("<c><key>%{psk:0123456789ab}</key></c>", {})


BOMB = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">' + "".join(
    f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)) + ']><data>&i;</data>')


@pytest.mark.parametrize("doc", [
    BOMB,
    '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><data>&x;</data>',
    '<!DOCTYPE d [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]><data>&x;</data>',
])
def test_replies_are_parsed_without_entity_expansion(doc):
    try:
        root = nx.parse(doc)
    except etree.XMLSyntaxError as e:  # libxml2 refuses the amplification outright: also safe
        assert "amplification" in str(e) or "entity" in str(e).lower(), e
        return
    assert len(etree.tostring(root)) < 200 and b"root:" not in etree.tostring(root)


# ---------------------------------------------------------------- ranges

@pytest.mark.parametrize("case", RANGES, ids=[repr(c["set"]) for c in RANGES])
def test_numbers_out_of_iosxe_ranges_are_refused_naming_their_field(tmp_path, case):
    inv = add_iosxe_site(copy_inventory(tmp_path))
    edit_yaml(inv / "overlay.yaml", case["set"])
    if case["expect"] is None:
        inventory.load(inv)
        return
    with pytest.raises(InventoryError) as e:
        inventory.load(inv)
    assert any(case["expect"] in p and "overlay.yaml" in p for p in e.value.problems), e.value.problems


# ---------------------------------------------------------------- a mixed inventory, real names

def mixed(tmp_path: Path, ios_wan: str, xe_wan: str, **sets) -> Path:
    """The example inventory (Linux hub tokyo) with osaka on IOS and an iosxe site kagoshima."""
    inv = add_iosxe_site(copy_inventory(tmp_path))
    edit_yaml(inv / "overlay.yaml", {"sites.osaka.wan.interface": ios_wan, "sites.kagoshima.wan.interface": xe_wan,
                                     **sets})
    groups = yaml.safe_load((inv / "groups.yaml").read_text())
    groups["cisco_ios"] = {"platform": "ios"}
    (inv / "groups.yaml").write_text(yaml.safe_dump(groups, sort_keys=False))
    edit_yaml(inv / "hosts.yaml", {"osaka.groups": ["cisco_ios"]})
    return inv


def validates_renders_and_passes_yanglint(inv: Path) -> dict[str, str]:
    ov = inventory.load(inv)
    assert ov.devices["osaka"].platform == "ios" and ov.devices["kagoshima"].platform == "iosxe"
    cfg = render.render_all(ov)
    need_libyang()
    assert yang.validate({"kagoshima": cfg["kagoshima"]}, libyang_dir()) == {"kagoshima": []}
    return cfg


def test_mixed_inventory_with_short_cisco_names(tmp_path):
    cfg = validates_renders_and_passes_yanglint(mixed(tmp_path, "Dialer1", "Gi1"))
    assert " tunnel source Dialer1\n" in cfg["osaka"]


@pytest.mark.skipif(not _model_takes("GigabitEthernet1"),
                    reason="the model takes names over 15 characters on the core helper's branch")
def test_mixed_inventory_dialer1_on_ios_gigabitethernet1_on_iosxe(tmp_path):
    cfg = validates_renders_and_passes_yanglint(mixed(tmp_path, "Dialer1", "GigabitEthernet1"))
    assert " tunnel source Dialer1\n" in cfg["osaka"]


# Hostile but valid: every value at the edge of what validate takes (names with dashes,
# the highest site ids, area and process, a key full of shell and XML metacharacters) must not add a line (IOS) or an
# element (XML) compared with a plain rendering of the same topology.
EDGE = {"tunnel_pool": "100.64.0.0/12", "ospf.area": 4294967295, "ospf.process": 65535, "ospf.hello": 1, "ospf.dead": 65535,
        "ike.dpd_delay": 3600, "ipsec.lifetime": 86400,
        "ike.lifetime": 86400, "gre.key": True, "sites.kagoshima.id": 65535, "sites.osaka.id": 65534}


def _rename(inv: Path, old: str, new: str):
    for f in ("overlay.yaml", "hosts.yaml"):
        text = (inv / f).read_text()
        (inv / f).write_text(text.replace(f"{old}:", f"{new}:").replace(f"hub: {old}", f"hub: {new}"))


def test_hostile_but_valid_values_add_no_line_and_no_element(tmp_path):
    plain = render.render_all(inventory.load(mixed(tmp_path / "a", "Dialer1", "Gi1", **EDGE)), show_secrets=True)
    inv = mixed(tmp_path / "b", "di1", "gigabitet1", **EDGE)
    _rename(inv, "osaka", "o-s-a-k-a-1")
    _rename(inv, "kagoshima", "k-9-x--y-z-")
    (inv / "secrets" / "psk.txt").write_text("Abc123!#;$(reboot)`id`x']]>]]>&amp;</key><k>\n")
    (inv / "secrets" / "psk.txt").chmod(0o600)
    edge = render.render_all(inventory.load(inv), show_secrets=True)
    ios_a, ios_b = plain["osaka"].splitlines(), edge["o-s-a-k-a-1"].splitlines()
    assert [ln.split()[:1] for ln in ios_a] == [ln.split()[:1] for ln in ios_b]  # same lines, same commands
    assert all(ln.isascii() and ln.isprintable() for ln in ios_b)
    assert " tunnel source Dialer1" in ios_b and "interface Dialer1" not in ios_b
    xe_a, xe_b = plain["kagoshima"], edge["k-9-x--y-z-"]
    assert elements(xe_a) == elements(xe_b)                                       # no element gained
    key = "Abc123!#;$(reboot)`id`x']]>]]>&amp;</key><k>"
    assert [e.text for e in etree.fromstring(xe_b.encode()).iter(f"{{{nx.CRYPTO}}}key")] == [key]
