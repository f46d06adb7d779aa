"""Every rendered iosxe payload is valid against Cisco's IOS-XE 17.12.1 YANG (libyang's yanglint);
a payload Cisco's YANG refuses is reported with the data path."""
import pytest

from controller import inventory, render
from controller.platforms.iosxe import yang
from tests.conftest import copy_inventory, edit_yaml

from .conftest import add_iosxe_site, libyang_dir, need_libyang


def payloads(tmp_path) -> dict[str, str]:
    """kagoshima as a site (GCM, transport) and tokyo as an iosxe hub of three (CBC, GRE key, tunnel mode)."""
    inv = add_iosxe_site(copy_inventory(tmp_path / "a"))
    out = {"site": render.render_all(inventory.load(inv), device="kagoshima")["kagoshima"]}
    inv = add_iosxe_site(copy_inventory(tmp_path / "b"))
    edit_yaml(inv / "hosts.yaml", {"tokyo.groups": ["lab_iosxe"]})
    edit_yaml(inv / "overlay.yaml", {"hubs.tokyo.wan.interface": "GigabitEthernet1"})  # an IOS-XE name
    edit_yaml(inv / "overlay.yaml", {"gre.key": True, "ipsec.transform": "aes256-sha256", "ipsec.mode": "tunnel",
                                     "ike.proposal": "aes128gcm16-prfsha384-modp2048"})
    ov = inventory.load(inv)
    out["hub"] = render.render_all(ov, device="tokyo")["tokyo"]
    out["hub-site-scope"] = render.render_all(ov, site="osaka", device="tokyo")["tokyo"]
    return out


def test_rendered_payloads_are_valid_and_a_bad_one_is_refused(tmp_path):
    need_libyang()
    p = payloads(tmp_path)
    p["bad"] = p["site"].replace("<id>1</id>", "<id>70000</id>")
    result = yang.validate(p, libyang_dir())
    assert result["site"] == [] and result["hub"] == [] and result["hub-site-scope"] == [], result
    assert result["bad"] and "70000" in result["bad"][0] and "process-id/id" in result["bad"][0]


def test_missing_yang_dir_is_a_clear_error(tmp_path):
    from controller.errors import GrectlError
    with pytest.raises(GrectlError, match="no Cisco-IOS-XE-native.yang"):
        yang.validate({"x": "<config/>"}, tmp_path)
