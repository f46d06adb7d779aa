"""The iosxe renderer: Cisco native YANG <config>, same meaning as the intent; hub-side merge; checks."""
import pytest

from controller import inventory, render
from controller.errors import InventoryError
from controller.platforms import get
from controller.platforms.iosxe import build, state
from controller.platforms.iosxe import nativexml as nx
from tests.conftest import TEST_PSK, edit_yaml

from .conftest import add_iosxe_site


def lines_of(ov, device, site=None):
    return nx.lines(nx.parse(render.render_all(ov, site=site, device=device)[device]))


def test_site_payload_carries_the_intent(xe_inv):
    ov = inventory.load(xe_inv)
    text = render.render_all(ov, device="kagoshima")["kagoshima"]
    assert TEST_PSK not in text and "%{psk:" in text
    ls = nx.lines(nx.parse(text))
    t = "native/interface/Tunnel[name=3]"
    for want in (f"{t}/description = grectl: tokyo", f"{t}/ip/mtu = 1442", f"{t}/ip/tcp/adjust-mss = 1402",
                 f"{t}/ip/address/primary/address = 172.16.0.10", f"{t}/ip/address/primary/mask = 255.255.255.252",
                 f"{t}/ip/router-ospf/ospf/process-id[id=1]/area[area-id=0]",
                 f"{t}/ip/router-ospf/ospf/hello-interval = 2", f"{t}/ip/router-ospf/ospf/dead-interval = 8",
                 f"{t}/ip/router-ospf/ospf/network/point-to-point",
                 f"{t}/tunnel/source = 198.51.100.14", f"{t}/tunnel/destination-config/ipv4 = 198.51.100.2",
                 f"{t}/tunnel/protection/ipsec/profile-option/name = grectl-tokyo",
                 "native/crypto/ikev2/proposal[name=grectl]/encryption/aes-cbc-256",
                 "native/crypto/ikev2/proposal[name=grectl]/group/nineteen",
                 "native/crypto/ikev2/proposal[name=grectl]/integrity/sha256",
                 "native/crypto/ikev2/profile[name=grectl-tokyo]/keyring/local/name = grectl-tokyo",
                 "native/crypto/ikev2/profile[name=grectl-tokyo]/match/identity/remote/address/"
                 "ipv4[ipv4-address=198.51.100.2]/ipv4-mask = 255.255.255.255",
                 "native/crypto/ipsec/transform-set[tag=grectl]/esp = esp-gcm",
                 "native/crypto/ipsec/transform-set[tag=grectl]/key-bit = 128",
                 "native/crypto/ipsec/transform-set[tag=grectl]/mode/transport-choice",
                 "native/crypto/ipsec/profile[name=grectl-tokyo]/set/ikev2-profile = grectl-tokyo",
                 "native/router/router-ospf/ospf/process-id[id=1]/router-id = 10.1.4.1",
                 "native/router/router-ospf/ospf/process-id[id=1]/network[ip=10.1.4.0,wildcard=0.0.0.255]/area = 0"):
        assert want in ls, want
    assert not any("/tunnel/key" in x for x in ls)  # gre.key false
    # every leafref's target comes first (yuma123 checks leafrefs as the edit arrives)
    assert text.index("<keyring>") < text.index("<profile>")


def test_gre_key_and_cbc_transform(xe_inv):
    edit_yaml(xe_inv / "overlay.yaml", {"gre.key": True, "ipsec.transform": "aes256-sha256", "ipsec.mode": "tunnel"})
    ls = lines_of(inventory.load(xe_inv), "kagoshima")
    assert "native/interface/Tunnel[name=3]/tunnel/key = 3" in ls
    assert "native/crypto/ipsec/transform-set[tag=grectl]/esp = esp-aes" in ls
    assert "native/crypto/ipsec/transform-set[tag=grectl]/esp-hmac = esp-sha256-hmac" in ls
    assert "native/crypto/ipsec/transform-set[tag=grectl]/mode/tunnel-choice" in ls


def test_render_is_deterministic(xe_inv):
    ov = inventory.load(xe_inv)
    assert render.render_all(ov, device="kagoshima") == render.render_all(ov, device="kagoshima")


def test_x25519_and_short_dpd_are_refused_for_iosxe(xe_inv):
    edit_yaml(xe_inv / "overlay.yaml", {"ike.proposal": "aes256-sha256-x25519", "ike.dpd_delay": 5})
    with pytest.raises(InventoryError) as e:
        inventory.load(xe_inv)
    text = "\n".join(e.value.problems)
    assert "x25519" in text and "kagoshima" in text and "dpd_delay" in text


def test_hub_on_iosxe_site_scope_and_keep_site(tmp_path):
    from tests.conftest import copy_inventory
    inv = add_iosxe_site(copy_inventory(tmp_path))
    edit_yaml(inv / "hosts.yaml", {"tokyo.groups": ["lab_iosxe"]})
    edit_yaml(inv / "overlay.yaml", {"hubs.tokyo.wan.interface": "GigabitEthernet1"})  # an IOS-XE name
    ov = inventory.load(inv)
    full = render.render_all(ov, device="tokyo")["tokyo"]
    ls = nx.lines(nx.parse(full))
    assert {x.split("/")[2] for x in ls if x.startswith("native/interface/")} == {
        "Tunnel[name=1]", "Tunnel[name=2]", "Tunnel[name=3]"}
    # --site osaka: only osaka's tunnel and the shared proposal/policy/transform-set; of the OSPF
    # process only its id (it must exist before a tunnel runs in it), no router-id, no LAN
    part = lines_of(ov, "tokyo", site="osaka")
    assert any("Tunnel[name=1]" in x for x in part) and not any("Tunnel[name=2]" in x for x in part)
    assert [x for x in part if x.startswith("native/router/")] == ["native/router/router-ospf/ospf/process-id[id=1]"]
    # keep_site: fukuoka's hub pieces exactly as running (absent there: absent here)
    t = next(t for t in ov.tunnels if t.site == "fukuoka")
    kept = nx.lines(nx.parse(get("iosxe").keep_site(full, '<config/>', t)))
    assert not any("fukuoka" in x or "Tunnel[name=2]" in x for x in kept)
    assert any("Tunnel[name=1]" in x for x in kept)
    running = full.replace("<mtu>1442</mtu>", "<mtu>1300</mtu>")
    kept = nx.lines(nx.parse(get("iosxe").keep_site(full, running, t)))
    assert "native/interface/Tunnel[name=2]/ip/mtu = 1300" in kept
    assert "native/interface/Tunnel[name=1]/ip/mtu = 1442" in kept


def test_parse_config_gives_gre_from_configuration_and_marks_the_rest(xe_inv):
    ov = inventory.load(xe_inv)
    xml = render.render_all(ov, device="kagoshima")["kagoshima"]
    st = get("iosxe").parse(ov, "kagoshima", None, {state.GET_CONFIG: xml})
    g = st.gre["Tunnel3"]
    assert (g.source, g.destination, g.mtu, g.admin_up) == ("198.51.100.14", "198.51.100.2", 1442, True)
    assert set(st.unavailable) == {"ike", "ipsec", "df", "ospf", "routes", "underlay"}
    from controller import verify
    checks = verify.evaluate(ov, {"kagoshima": st, "tokyo": "not collected"}, site="kagoshima")
    mine = [c for c in checks if c.device == "kagoshima"]
    assert {c.check for c in mine if c.status == "pass"} == {"gre.link", "gre.endpoints", "gre.mtu"}
    assert all(c.status == "n/a" and c.reason == "NOT_AVAILABLE_ON_TARGET" for c in mine if c.group != "gre")


def test_build_uses_the_yang_map(xe_inv):
    ov = inventory.load(xe_inv)
    assert build.object_name("tokyo") == "grectl-tokyo"
    assert build.area_id(ov.intent.ospf.area) == "0"
