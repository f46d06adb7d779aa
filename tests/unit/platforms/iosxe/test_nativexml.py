"""Ownership, canonical lines, masking and edit payloads of the iosxe_netconf driver. Pure."""
from lxml import etree

from controller.platforms.iosxe import nativexml as nx
from controller.platforms.iosxe.driver import rpc_error_text

RUNNING = f"""<data xmlns="{nx.NC}"><native xmlns="{nx.NATIVE}">
 <interface>
  <Tunnel><name>3</name><description>grectl: tokyo</description>
   <ip><router-ospf xmlns="{nx.OSPF}"><ospf><process-id><id>7</id><area><area-id>0</area-id></area></process-id></ospf></router-ospf></ip></Tunnel>
  <Tunnel><name>99</name><description>customer VPN</description></Tunnel>
 </interface>
 <crypto>
  <ikev2 xmlns="{nx.CRYPTO}">
   <keyring><name>grectl-tokyo</name><peer><name>tokyo</name><pre-shared-key><key>real-secret-0123456789</key></pre-shared-key></peer></keyring>
   <keyring><name>OTHER</name><peer><name>x</name><pre-shared-key><key>other-secret-0123456789</key></pre-shared-key></peer></keyring>
   <proposal><name>grectl</name><group><nineteen/></group></proposal>
  </ikev2>
  <ipsec xmlns="{nx.CRYPTO}"><transform-set><tag>grectl</tag><esp>esp-gcm</esp></transform-set>
   <transform-set><tag>LEGACY</tag><esp>esp-aes</esp></transform-set></ipsec>
 </crypto>
 <router><router-ospf xmlns="{nx.OSPF}"><ospf>
  <process-id><id>7</id><router-id>10.1.4.1</router-id></process-id>
  <process-id><id>100</id><router-id>192.0.2.1</router-id></process-id></ospf></router-ospf></router>
</native></data>"""


def test_owned_keeps_only_grectl_objects():
    ls = nx.lines(nx.owned(nx.parse(RUNNING)))
    text = "\n".join(ls)
    assert "Tunnel[name=3]" in text and "Tunnel[name=99]" not in text
    assert "keyring[name=grectl-tokyo]" in text and "OTHER" not in text and "LEGACY" not in text
    assert "process-id[id=7]/router-id = 10.1.4.1" in text and "id=100" not in text  # OSPF of grectl's tunnels


def test_mask_replaces_keys_by_placeholders():
    tree = nx.mask_tree(nx.owned(nx.parse(RUNNING)))
    text = nx.pretty(tree)
    assert "real-secret" not in text and nx.placeholder("real-secret-0123456789") in text
    assert nx.clear_secrets(nx.parse(RUNNING)) == {nx.fingerprint("real-secret-0123456789"): "real-secret-0123456789",
                                                    nx.fingerprint("other-secret-0123456789"): "other-secret-0123456789"}
    masked = nx.mask_text(RUNNING)
    assert "real-secret" not in masked and "other-secret" not in masked
    assert nx.mask_text("error near real-secret-0123456789",
                        {nx.fingerprint("real-secret-0123456789"): "real-secret-0123456789"}) == \
        "error near " + nx.placeholder("real-secret-0123456789")
    assert nx.unmask(masked, {nx.fingerprint("real-secret-0123456789"): "K1",
                              nx.fingerprint("other-secret-0123456789"): "K2"}).count("<key>K") == 2


def test_lines_ignore_order_and_prefixes():
    a = f'<config xmlns="{nx.NC}"><native xmlns="{nx.NATIVE}"><interface><Tunnel><name>1</name><description>grectl: a</description><ip><mtu>1400</mtu></ip></Tunnel></interface></native></config>'
    b = f'<data xmlns="{nx.NC}"><n:native xmlns:n="{nx.NATIVE}"><n:interface><n:Tunnel><n:ip><n:mtu>1400</n:mtu></n:ip><n:description>grectl: a</n:description><n:name>1</n:name></n:Tunnel></n:interface></n:native></data>'
    assert nx.lines(nx.parse(a)) == nx.lines(nx.parse(b))
    assert nx.pretty(nx.owned(nx.parse(a))) == nx.pretty(nx.owned(nx.parse(b)))


def test_removal_and_replace_payloads():
    running = nx.owned(nx.parse(RUNNING))
    rm = nx.removal("crypto/ikev2/keyring", ("grectl-tokyo",), running)
    el = etree.fromstring(rm.encode())
    entry = next(e for e in el.iter() if isinstance(e.tag, str) and nx.local(e) == "keyring")
    assert entry.get(f"{{{nx.NC}}}operation") == "remove" and [nx.local(c) for c in entry] == ["name"]
    assert "secret" not in rm
    rep = nx.with_operation(running, "replace")
    ops = [nx.local(e) for e in rep.iter() if isinstance(e.tag, str) and e.get(f"{{{nx.NC}}}operation") == "replace"]
    assert sorted(ops) == ["Tunnel", "keyring", "process-id", "proposal", "transform-set"]
    # removal order: referencing objects before what they reference
    paths = [p for p, _ in nx.OWNED]
    assert paths.index("crypto/ipsec/profile") < paths.index("crypto/ikev2/profile") < paths.index("crypto/ikev2/keyring")


class _Err(Exception):
    def __init__(self, path, message, tag, info=""):
        self.path, self.message, self.tag, self.info = path, message, tag, info


def test_rpc_error_text_names_path_and_message():
    e = _Err("/nc:rpc/nc:edit-config/nc:config/ios:native/ios:interface/ios:Tunnel[ios:name='3']/id",
             "value not in range", "invalid-value", "<error-info><bad-value>70000</bad-value></error-info>")
    assert rpc_error_text(e) == ("/nc:rpc/nc:edit-config/nc:config/ios:native/ios:interface/ios:Tunnel[ios:name='3']/id"
                                 ": value not in range (invalid-value, bad value 70000)")
