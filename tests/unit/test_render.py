import subprocess
import sys

from controller import inventory, render, secrets
from controller.platforms.linux.router import linuxconf
from tests.conftest import ROOT, TEST_PSK, edit_yaml


def test_site_scope_holds_only_that_site(inv):
    ov = inventory.load(inv)
    cfg = render.render_all(ov, site="osaka")
    assert sorted(cfg) == ["osaka", "tokyo"]
    hub = linuxconf.parse(cfg["tokyo"])
    assert list(hub.tunnels) == ["gre-osaka"]
    assert list(hub.connections) == ["osaka"] and list(hub.secrets) == ["ike-osaka"]
    assert "fukuoka" not in cfg["tokyo"] and "172.16.0.4" not in cfg["tokyo"]
    assert [h for h, _ in hub.frr] == ["interface gre-osaka", "router ospf", "router ospf6"]
    assert dict(hub.frr)["router ospf"] == ["network 172.16.0.0/30 area 0.0.0.0"]
    assert "2001:db8:ffff:1::" not in cfg["tokyo"]  # fukuoka's IPv6 tunnel subnet neither


def test_full_render_contents(inv):
    doc = linuxconf.parse(render.render_all(inventory.load(inv))["tokyo"])
    assert doc.tunnels["gre-osaka"] == {"local": "198.51.100.2", "remote": "198.51.100.6", "ttl": "64",
                                        "key": "0", "mtu": "1442", "address": "172.16.0.1/30",
                                        "link_local": "fe80::1/64", "address6": "2001:db8:ffff::1/64"}
    ospf = dict(doc.frr)["router ospf"]
    assert "network 10.1.1.0/24 area 0.0.0.0" in ospf
    assert dict(doc.frr)["interface lan0"] == ["ip ospf passive", "ipv6 ospf6 area 0.0.0.0", "ipv6 ospf6 passive"]
    assert dict(doc.frr)["router ospf6"] == ["log-adjacency-changes", "ospf6 router-id 10.1.1.1", "timers lsa min-arrival 0"]
    assert not any("198.51.100" in line for line in ospf)  # no WAN prefix in OSPF
    assert "start_action = trap" in doc.connections["osaka"]
    assert "mode = transport" in doc.connections["osaka"] and "local_ts = dynamic[gre]" in doc.connections["osaka"]
    site = linuxconf.parse(render.render_all(inventory.load(inv))["osaka"])
    assert "start_action = start" in site.connections["tokyo"]


def test_psk_masked_unless_asked(inv):
    ov = inventory.load(inv)
    masked = "".join(render.render_all(ov).values())
    assert TEST_PSK not in masked and secrets.placeholder(TEST_PSK) in masked
    shown = "".join(render.render_all(ov, show_secrets=True).values())
    assert f'secret = "{TEST_PSK}"' in shown


def test_tunnel_mtu_is_the_smaller_path_mtu(inv):
    edit_yaml(inv / "overlay.yaml", {"sites.osaka.wan.mtu": 1400})
    cfg = render.render_all(inventory.load(inv))
    assert linuxconf.parse(cfg["tokyo"]).tunnels["gre-osaka"]["mtu"] == "1342"
    assert linuxconf.parse(cfg["osaka"]).tunnels["gre-tokyo"]["mtu"] == "1342"
    assert linuxconf.parse(cfg["tokyo"]).tunnels["gre-fukuoka"]["mtu"] == "1442"


def test_cli_render_deterministic(inv, tmp_path):
    outs = []
    for n in (1, 2):
        d = tmp_path / f"out{n}"
        r = subprocess.run([sys.executable, "-m", "controller", "render", "-i", str(inv), "--site", "osaka",
                            "--out", str(d)], capture_output=True, text=True, cwd=ROOT)
        assert r.returncode == 0, r.stderr
        outs.append({p.name: p.read_bytes() for p in sorted(d.iterdir())})
    assert outs[0] == outs[1] and sorted(outs[0]) == ["osaka.conf", "tokyo.conf"]
    assert TEST_PSK.encode() not in b"".join(outs[0].values())


def test_ike_never_roams_off_the_wan(inv):
    """MOBIKE would move the SAs to another address (seen in the lab: onto management) when the
    WAN drops; GRE runs between the WAN addresses, so every connection pins them."""
    for text in render.render_all(inventory.load(inv)).values():
        for block in linuxconf.parse(text).connections.values():
            assert "mobike = no" in block and "local_addrs = 198.51.100." in block
