"""A Linux hub with a VyOS site and a Huawei VRP site: both ends of every tunnel agree on every
negotiated parameter, read back from the rendered text of each platform (not from the intent)."""
import re

import pytest

from controller import inventory, proposals, render
from controller.platforms.huawei_vrp import render as vrp_render
from controller.platforms.linux.router import linuxconf
from tests.unit.platforms.mixed import mixed_inventory

VYOS_ENC = {"aes128": ("aes-cbc", 128), "aes256": ("aes-cbc", 256), "aes128gcm128": ("aes-gcm-16", 128),
            "aes256gcm128": ("aes-gcm-16", 256)}
VRP_AUTH = {v: k for k, v in vrp_render.AUTH.items()}
DH = {str(n): k for k, n in proposals.DH_GROUPS.items() if k != "curve25519"}


def hub_end(text, peer):
    doc = linuxconf.parse(text)
    conn, tun = doc.connections[peer], doc.tunnels[f"gre-{peer}"]
    val = lambda k: re.search(rf"^\s*{k} = (.*)$", conn, re.M).group(1).strip()
    ike = proposals.ike(val("proposals"))
    esp = proposals.esp(val("esp_proposals"))
    secret = next(v for k, v in doc.secrets.items() if k == f"ike-{peer}")
    return dict(ike=(ike.encryption, ike.key_size, ike.integrity, ike.dh), esp=tuple(esp), mode=val("mode"),
                local_id=re.search(r"local \{[^}]*id = (\S+)", conn).group(1),
                remote_id=re.search(r"remote \{[^}]*id = (\S+)", conn).group(1),
                psk=re.search(r'secret = "([^"]+)"', secret).group(1), key=int(tun["key"]) or None,
                address=tun["address"], src=tun["local"], dst=tun["remote"], mtu=int(tun["mtu"]))


def vyos_end(text):
    g = lambda rx: re.search(rx, text, re.M).group(1)
    enc = VYOS_ENC[g(r"ike-group grectl proposal 1 encryption '(\S+)'")]
    esp_enc = VYOS_ENC[g(r"esp-group grectl proposal 1 encryption '(\S+)'")]
    esp_hash = g(r"esp-group grectl proposal 1 hash '(\S+)'")
    key = re.search(r"parameters ip key '(\d+)'", text)
    return dict(ike=(*enc, g(r"ike-group grectl proposal 1 hash '(\S+)'"), DH[g(r"dh-group '(\d+)'")]),
                esp=(*esp_enc, None if "gcm" in esp_enc[0] else esp_hash), mode=g(r"esp-group grectl mode '(\S+)'"),
                local_id=g(r"authentication local-id '(\S+)'"), remote_id=g(r"authentication remote-id '(\S+)'"),
                psk=g(r"psk \S+ secret '(\S+)'"), key=int(key.group(1)) if key else None,
                address=g(r"tunnel tun\d+ address '(\S+)'"), src=g(r"source-address '(\S+)'"), dst=g(r" remote '(\S+)'"),
                mtu=int(g(r"tunnel tun\d+ mtu '(\d+)'")), gre_proto=g(r"tunnel 1 protocol '(\S+)'"))


def vrp_end(text):
    g = lambda rx: re.search(rx, text, re.M).group(1)
    key = re.search(r"^ gre key (\d+)", text, re.M)
    addr, mask = re.search(r"^ ip address (\S+) (\S+)", text, re.M).groups()
    from ipaddress import IPv4Interface
    dh = {"group14": "modp2048"}[g(r"^ dh (\S+)")]
    return dict(ike=("aes-cbc", int(g(r"^ encryption-algorithm aes-(\d+)")), VRP_AUTH[g(r"^ authentication-algorithm (\S+)")], dh),
                esp=("aes-cbc", int(g(r"esp encryption-algorithm aes-(\d+)")), VRP_AUTH[g(r"esp authentication-algorithm (\S+)")]),
                mode=g(r"encapsulation-mode (\S+)"), local_id=g(r"^ source (\S+)"), remote_id=g(r"remote-address (\S+)"),
                psk=g(r"pre-shared-key cipher (\S+)"), key=int(key.group(1)) if key else None,
                address=str(IPv4Interface(f"{addr}/{mask}")), src=g(r"^ source (\S+)"), dst=g(r"^ destination (\S+)"),
                mtu=int(g(r"^ mtu (\d+)")))


@pytest.mark.parametrize("gre_key", [False, True])
def test_ends_agree(tmp_path, gre_key):
    ov = inventory.load(mixed_inventory(tmp_path, **{"gre.key": gre_key, "ipsec.mode": "transport"}))
    cfg = render.render_all(ov)
    ends = {"osaka": vyos_end(cfg["osaka"]), "fukuoka": vrp_end(cfg["fukuoka"])}
    for t in ov.tunnels:
        hub, site = hub_end(cfg["tokyo"], t.site), ends[t.site]
        for k in ("ike", "esp", "mode", "psk", "key", "mtu"):
            assert hub[k] == site[k], (t.site, k, hub[k], site[k])
        assert (hub["local_id"], hub["remote_id"]) == (site["remote_id"], site["local_id"])
        assert (hub["src"], hub["dst"]) == (site["dst"], site["src"]) == (str(t.hub_end.wan), str(t.site_end.wan))
        assert {hub["address"], site["address"]} == {str(t.hub_end.address), str(t.site_end.address)}
        assert hub["psk"].startswith("%{psk:")
    assert ends["osaka"]["gre_proto"] == "gre"
    assert (ends["osaka"]["key"] is not None) == gre_key
