from controller import inventory, render
from controller.platforms.linux.router import linuxconf


def test_round_trip(inv):
    for text in render.render_all(inventory.load(inv)).values():
        assert linuxconf.dump(linuxconf.parse(text)) == text


def test_merge_site_part_into_full_hub(inv):
    ov = inventory.load(inv)
    full = linuxconf.parse(render.render_all(ov)["tokyo"])
    part = linuxconf.parse(render.render_all(ov, site="osaka")["tokyo"])
    assert linuxconf.dump(linuxconf.merge(full, part)) == linuxconf.dump(full)
    # a changed osaka tunnel replaces only osaka's pieces
    part.tunnels["gre-osaka"]["mtu"] = "1400"
    merged = linuxconf.merge(full, part)
    assert merged.tunnels["gre-osaka"]["mtu"] == "1400"
    assert merged.tunnels["gre-fukuoka"] == full.tunnels["gre-fukuoka"]


def test_frr_merge_keys_lines():
    base = linuxconf.parse_frr("router ospf\n ospf router-id 1.1.1.1\n network 10.0.0.0/24 area 0\n")
    part = linuxconf.parse_frr("router ospf\n ospf router-id 2.2.2.2\n network 10.0.1.0/24 area 0\n")
    assert linuxconf.merge_frr(base, part) == [
        ("router ospf", ["ospf router-id 2.2.2.2", "network 10.0.0.0/24 area 0", "network 10.0.1.0/24 area 0"])]


def test_frr_noise_dropped():
    text = "Building configuration...\n\nCurrent configuration:\n!\nfrr version 8.4.4\nhostname a\n!\nend\n"
    assert linuxconf.parse_frr(text) == [("hostname a", [])]
