"""Deploy planning on IOS as pure tests: running config text (someone's router with grectl's
objects in it) + intended -> the exact ordered command list. No fake router."""
import yaml

from controller import inventory, platforms, render

from .conftest import PSK, copy_inventory

IOS = platforms.get("ios")
OPERATOR = """\
Building configuration...

Current configuration : 4242 bytes
!
version 15.9
hostname tokyo
!
interface GigabitEthernet0/0
 ip address 198.51.100.2 255.255.255.252
 ip access-group OPERATOR-IN in
!
interface GigabitEthernet0/1
 ip address 10.1.1.1 255.255.255.0
!
interface Tunnel99
 description operator's own tunnel
 tunnel destination 203.0.113.9
!
ip access-list extended OPERATOR-IN
 permit ip any any
!
router bgp 65000
 neighbor 192.0.2.1 remote-as 65001
!
end
"""


def overlay(tmp_path, edit=None, name="x"):
    inv = copy_inventory("ioshub", tmp_path / name)
    if edit:
        doc = yaml.safe_load((inv / "overlay.yaml").read_text())
        edit(doc)
        (inv / "overlay.yaml").write_text(yaml.safe_dump(doc))
        hosts = yaml.safe_load((inv / "hosts.yaml").read_text())
        hosts["nagoya"] = {"hostname": "192.0.2.14"}
        (inv / "hosts.yaml").write_text(yaml.safe_dump(hosts))
    return inventory.load(inv)


def running_of(ov, device="tokyo"):
    """A router running ``ov``'s intent for ``device`` inside the operator's config, keys in clear."""
    return OPERATOR.replace("end\n", render.render_all(ov, device=device, show_secrets=True)[device] + "end\n")


def plan(tmp_path, edit, device="tokyo", site=None):
    n = len(list(tmp_path.iterdir()))
    before, after = overlay(tmp_path, name=f"before{n}"), overlay(tmp_path, edit, name=f"after{n}")
    return IOS.remediation(running_of(before, device), render.render_all(after, site=site, device=device)[device],
                           site is None)


def add_nagoya(doc):
    doc["sites"]["nagoya"] = {"id": 3, "hub": "tokyo", "wan": {"interface": "Gi0/0", "address": "198.51.100.14/30"},
                              "lans": ["10.1.4.0/24"]}


def test_in_sync_is_empty_and_keys_compare_by_fingerprint(tmp_path):
    assert plan(tmp_path, lambda d: None) == []
    ov = overlay(tmp_path)
    text, replace = IOS.plan(render.render_all(ov)["tokyo"], running_of(ov), True)
    assert (text, replace) == ("", False)


def test_add_a_site(tmp_path):
    assert plan(tmp_path, add_nagoya) == [
        "crypto ikev2 keyring GRECTL",
        " peer nagoya",
        "  address 198.51.100.14",
        "  pre-shared-key %{psk:e74fe7279009}",
        "crypto ikev2 profile GRECTL",
        " match identity remote address 198.51.100.14 255.255.255.255",
        "interface Tunnel3",
        " description grectl: nagoya",
        " ip address 172.16.0.9 255.255.255.252",
        " ip mtu 1434",
        " ip tcp adjust-mss 1394",
        " ip ospf network point-to-point",
        " tunnel source GigabitEthernet0/0",
        " tunnel destination 198.51.100.14",
        " tunnel protection ipsec profile GRECTL shared",
        "router ospf 1",
        " network 172.16.0.8 0.0.0.3 area 0.0.0.0",
        " no passive-interface Tunnel3",
    ]


def test_remove_a_site_unhooks_before_teardown(tmp_path):
    assert plan(tmp_path, lambda d: d["sites"].pop("fukuoka")) == [
        "router ospf 1",
        " passive-interface Tunnel2",
        " no network 172.16.0.4 0.0.0.3 area 0.0.0.0",
        "no interface Tunnel2",                      # the tunnel stops using the profile ...
        "crypto ikev2 profile GRECTL",               # ... then what only it used goes
        " no match identity remote address 198.51.100.10 255.255.255.255",
        "crypto ikev2 keyring GRECTL",
        " no peer fukuoka",
    ]


def test_change_a_proposal_builds_new_objects_then_moves_references_then_removes_old(tmp_path):
    def edit(d):
        d["ike"]["proposal"] = "aes128-sha256-ecp256"
        d["ipsec"]["transform"] = "aes128gcm16"
    assert plan(tmp_path, edit) == [
        "crypto ikev2 proposal GRECTL-AES128-SHA256-ECP256",
        " encryption aes-cbc-128",
        " integrity sha256",
        " group 19",
        "crypto ikev2 policy GRECTL",
        " proposal GRECTL-AES128-SHA256-ECP256",
        " no proposal GRECTL-AES256-SHA256-MODP2048",   # never an empty policy
        "crypto ipsec transform-set GRECTL-AES128GCM16 esp-gcm",
        " mode transport",
        "crypto ipsec profile GRECTL",
        " set transform-set GRECTL-AES128GCM16",
        "interface Tunnel1",                             # GCM leaves more room: the MTU follows
        " ip mtu 1442",
        " ip tcp adjust-mss 1402",
        "interface Tunnel2",
        " ip mtu 1442",
        " ip tcp adjust-mss 1402",
        "no crypto ipsec transform-set GRECTL-AES256-SHA256 esp-aes 256 esp-sha256-hmac",
        "no crypto ikev2 proposal GRECTL-AES256-SHA256-MODP2048",
    ]


def test_change_the_mtu(tmp_path):
    assert plan(tmp_path, lambda d: d["sites"]["osaka"]["wan"].update(mtu=1400)) == [
        "interface Tunnel1", " ip mtu 1322", " ip tcp adjust-mss 1282"]


def test_changed_key_is_replaced_not_negated(tmp_path):
    ov = overlay(tmp_path)
    running = running_of(ov).replace(PSK, "an-old-key-0123456789")
    cmds = IOS.remediation(running, render.render_all(ov)["tokyo"], True)
    assert cmds == ["crypto ikev2 keyring GRECTL", " peer osaka", "  pre-shared-key %{psk:e74fe7279009}",
                    " peer fukuoka", "  pre-shared-key %{psk:e74fe7279009}"]
    assert "an-old-key" not in "\n".join(cmds)


def test_site_scope_touches_only_that_site_on_the_hub(tmp_path):
    cmds = plan(tmp_path, add_nagoya, site="nagoya")
    assert not any(c.lstrip().startswith("no ") and "passive-interface" not in c for c in cmds), cmds
    assert "interface Tunnel3" in cmds and "interface Tunnel1" not in cmds and "interface Tunnel2" not in cmds
    # a site-scoped merge of an existing site with nothing to change is empty
    assert plan(tmp_path, lambda d: None, site="osaka") == []


def test_never_touches_what_grectl_does_not_own(tmp_path):
    ov = overlay(tmp_path)
    cmds = IOS.remediation(OPERATOR, render.render_all(ov)["tokyo"], True)
    joined = "\n".join(cmds)
    for foreign in ("Tunnel99", "OPERATOR-IN", "bgp", "GigabitEthernet0/1", "hostname"):
        assert foreign not in joined
    text, replace = IOS.plan(render.render_all(ov)["tokyo"], OPERATOR, True)
    assert replace is False and text.endswith("end\n")   # a NAPALM merge, never a config replace
    # everything grectl owns goes away when the intent no longer has the hub's tunnels
    assert IOS.remediation(running_of(ov), "", True)[:2] == ["no interface Tunnel1", "no interface Tunnel2"]


def test_style_switch_unhooks_the_crypto_map_before_removing_it(tmp_path):
    inv = copy_inventory("mixed", tmp_path)
    ov = inventory.load(inv)
    running = render.render_all(ov, device="fukuoka", show_secrets=True)["fukuoka"]
    hosts = yaml.safe_load((inv / "hosts.yaml").read_text())
    hosts["fukuoka"]["data"] = {}
    (inv / "hosts.yaml").write_text(yaml.safe_dump(hosts))
    cmds = IOS.remediation(running, render.render_all(inventory.load(inv), device="fukuoka")["fukuoka"], True)
    assert cmds[-6:] == ["interface GigabitEthernet1", " no crypto map GRECTL", " no ip access-group GRECTL-WAN-IN in",
                         "no crypto map GRECTL 2 ipsec-isakmp", "no ip access-list extended GRECTL-GRE-2",
                         "no ip access-list extended GRECTL-WAN-IN"]
    assert cmds.index(" tunnel protection ipsec profile GRECTL") < cmds.index(" no crypto map GRECTL")


def test_keep_site_restores_one_tunnel_as_it_runs(tmp_path):
    before = overlay(tmp_path, name="before")
    after = overlay(tmp_path, lambda d: d["sites"]["fukuoka"]["wan"].update(mtu=1400), name="after")
    t = next(t for t in after.tunnels if t.site == "fukuoka")
    kept = IOS.keep_site(render.render_all(after)["tokyo"], running_of(before), t)
    assert IOS.remediation(running_of(before), kept, True) == []
