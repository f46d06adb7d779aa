"""A Linux hub (tokyo) with an H3C Comware site (fukuoka): both ends of the tunnel agree on every
negotiated parameter, read back from the rendered text of each platform (not from the intent):
IKE and ESP proposals, both lifetimes, DPD, transport mode, identities and PSK, GRE endpoints,
key and MTU, the GRE ACL, OSPF hello/dead, network type and area of the tunnel subnet."""
import ipaddress
import re

import pytest

from controller import inventory, proposals, render
from controller.platforms.linux.router import linuxconf
from tests.unit.platforms.h3c_comware import conformance

DH = {"group14": "modp2048"}
INTENTS = [
    {"gre.key": False, "ipsec.mode": "transport"},
    {"gre.key": True, "ipsec.mode": "transport", "ike.lifetime": 28800, "ipsec.lifetime": 1800,
     "ike.dpd_delay": 30, "ospf.hello": 5, "ospf.dead": 20, "ospf.area": "0.0.0.1",
     "ike.proposal": "aes128-sha384-modp2048", "ipsec.transform": "aes128-sha1"},
]


def hub_end(text, peer, tunnel_net):
    doc = linuxconf.parse(text)
    conn, tun = doc.connections[peer], doc.tunnels[f"gre-{peer}"]
    val = lambda k: re.findall(rf"^\s*{k} = (.*)$", conn, re.M)
    ike, esp = proposals.ike(val("proposals")[0]), proposals.esp(val("esp_proposals")[0])
    frr = dict(doc.frr)
    ospf_if = frr[f"interface gre-{peer}"]
    area = next(ln.split(" area ")[1] for ln in frr["router ospf"] if ln.startswith(f"network {tunnel_net} "))
    return dict(ike=(ike.encryption, ike.key_size, ike.integrity, ike.prf, ike.dh), esp=tuple(esp),
                mode=val("mode")[0], ike_life=int(val("rekey_time")[0].rstrip("s")),
                esp_life=int(val("rekey_time")[1].rstrip("s")), dpd=int(val("dpd_delay")[0].rstrip("s")),
                local_id=re.search(r"local \{[^}]*id = (\S+)", conn).group(1),
                remote_id=re.search(r"remote \{[^}]*id = (\S+)", conn).group(1),
                psk=re.search(r'secret = "([^"]+)"', doc.secrets[f"ike-{peer}"]).group(1),
                key=int(tun["key"]) or None, address=tun["address"], src=tun["local"], dst=tun["remote"],
                mtu=int(tun["mtu"]), hello=int(next(ln.split()[-1] for ln in ospf_if if "hello-interval" in ln)),
                dead=int(next(ln.split()[-1] for ln in ospf_if if "dead-interval" in ln)), area=area,
                network_type="point-to-point", gre_acl=(tun["remote"], tun["local"]))


def block(text, header):
    m = re.search(rf"^{re.escape(header)}\n((?: .*\n)*)#", text, re.M)
    assert m, header
    return m.group(1)


def comware_end(text, peer):
    g = lambda body, rx: re.search(rx, body, re.M).group(1)
    prop, ts = block(text, "ikev2 proposal grectl"), block(text, "ipsec transform-set grectl")
    prof, pol = block(text, f"ikev2 profile grectl-{peer}"), block(text, "ipsec policy grectl 2 isakmp")
    chain, acl = block(text, f"ikev2 keychain grectl-{peer}"), block(text, f"acl advanced name grectl-{peer}")
    tun = block(text, "interface Tunnel2 mode gre")
    enc = lambda s: ("aes-cbc", int(s.rsplit("-", 1)[1]))
    addr, mask = g(tun, r"^ ip address (\S+) (\S+)$").split()[0], g(tun, r"^ ip address \S+ (\S+)$")
    net = ipaddress.ip_interface(f"{addr}/{mask}").network
    areas = re.findall(r"^ area (\S+)\n((?:  .*\n)*)", block(text, "ospf 1 router-id 10.1.3.1"), re.M)
    area = next(a for a, body in areas if f"  network {net.network_address} {net.hostmask}\n" in body)
    key = re.search(r"^ gre key (\d+)$", tun, re.M)
    return dict(ike=(*enc(g(prop, r"^ encryption (\S+)$")), g(prop, r"^ integrity (\S+)$"), g(prop, r"^ prf (\S+)$"),
                     DH[g(prop, r"^ dh (\S+)$")]),
                esp=(*enc(g(ts, r"esp encryption-algorithm (\S+)")), g(ts, r"esp authentication-algorithm (\S+)")),
                mode=g(ts, r"encapsulation-mode (\S+)"), ike_life=int(g(prof, r"^ sa duration (\d+)$")),
                esp_life=int(g(pol, r"^ sa duration time-based (\d+)$")),
                dpd=int(g(prof, r"^ dpd interval (\d+) periodic$")),
                local_id=g(prof, r"^ identity local address (\S+)$"),
                remote_id=g(prof, r"^ match remote identity address (\S+) 32$"),
                psk=g(chain, r"^  pre-shared-key plaintext (\S+)$"), key=int(key.group(1)) if key else None,
                address=f"{addr}/{net.prefixlen}", src=g(tun, r"^ source (\S+)$"), dst=g(tun, r"^ destination (\S+)$"),
                mtu=int(g(tun, r"^ mtu (\d+)$")), hello=int(g(tun, r"^ ospf timer hello (\d+)$")),
                dead=int(g(tun, r"^ ospf timer dead (\d+)$")), area=area,
                network_type={"p2p": "point-to-point"}[g(tun, r"^ ospf network-type (\S+)$")],
                gre_acl=re.search(r"rule 0 permit gre source (\S+) 0 destination (\S+) 0", acl).groups(),
                remote_addr=g(pol, r"^ remote-address (\S+)$"), local_addr=g(pol, r"^ local-address (\S+)$"))


@pytest.mark.parametrize("intent", INTENTS, ids=["defaults", "everything-changed"])
def test_linux_hub_and_h3c_site_agree(tmp_path, intent):
    ov = inventory.load(conformance.inventory(tmp_path, **intent))
    cfg = render.render_all(ov)
    t = next(t for t in ov.tunnels if t.site == "fukuoka")
    hub, site = hub_end(cfg["tokyo"], "fukuoka", t.hub_end.address.network), comware_end(cfg["fukuoka"], "tokyo")
    for k in ("ike", "esp", "mode", "ike_life", "esp_life", "dpd", "psk", "key", "mtu", "hello", "dead", "area",
              "network_type"):
        assert hub[k] == site[k], (k, hub[k], site[k])
    assert (hub["local_id"], hub["remote_id"]) == (site["remote_id"], site["local_id"])
    assert (hub["src"], hub["dst"]) == (site["dst"], site["src"]) == (str(t.hub_end.wan), str(t.site_end.wan))
    assert (site["local_addr"], site["remote_addr"]) == (site["src"], site["dst"])
    assert site["gre_acl"] == (site["src"], site["dst"]) and hub["gre_acl"] == site["gre_acl"]
    assert {hub["address"], site["address"]} == {str(t.hub_end.address), str(t.site_end.address)}
    assert hub["psk"].startswith("%{psk:") and hub["mode"] == "transport"
    assert (site["key"] is not None) == intent["gre.key"]
    if "ike.lifetime" in intent:      # the values really came from the intent, not defaults on both sides
        assert (site["ike_life"], site["esp_life"], site["dpd"], site["hello"], site["area"]) == (
            28800, 1800, 30, 5, "0.0.0.1")
