"""IOS-XE dual-stack verify (issue 22, point 5): over SSH (``iosxe_verify: cli``) the ios show-command
collector and parsers (parsers6, same CLI format) read the IPv6 state; a NETCONF-only target marks
the IPv6 groups not available instead of passing them."""
from pathlib import Path

from controller import inventory, platforms, render
from controller.platforms.iosxe import state
from tests.conftest import edit_yaml

from .dual import dual_stack, v4_only

XE = platforms.get("iosxe")
IOS_CASES = Path(__file__).parents[1] / "ios" / "cases6" / "healthy"


def test_cli_target_collects_the_ipv6_commands(tmp_path):
    inv = dual_stack(tmp_path)
    edit_yaml(inv / "hosts.yaml", {"kagoshima.data.iosxe_verify": "cli"})
    cmds = [c for rnd in XE.collect(inventory.load(inv), "kagoshima", None) for c in rnd]
    for want in ("show ipv6 ospf neighbor", "show ipv6 route ospf", "show ipv6 ospf interface Tunnel3"):
        assert want in cmds, want
    assert any(c.startswith("ping ipv6 ") and c.endswith("df-bit repeat 2") for c in cmds)


def test_ipv6_show_outputs_parse_as_on_ios():
    for name, command, field in (("show_ipv6_route_ospf.txt", "show ipv6 route ospf", "routes6"),
                                 ("show_ipv6_ospf_neighbor.txt", "show ipv6 ospf neighbor", "ospf6_neighbors")):
        text = (IOS_CASES / name).read_text()
        got = XE.parse_command(command, text)
        assert getattr(got, field), name                      # facts read, not an empty state
        assert got == platforms.get("ios").parse_command(command, text)


def test_netconf_target_marks_ipv6_groups_not_available(tmp_path):
    inv = dual_stack(tmp_path / "six")
    ov = inventory.load(inv)
    xml = render.render_all(ov, device="kagoshima")["kagoshima"]
    st = XE.parse(ov, "kagoshima", None, {state.GET_CONFIG: xml})
    assert {"df6", "ospf6", "routes6"} <= set(st.unavailable)
    ov4 = inventory.load(v4_only(dual_stack(tmp_path / "four")))
    st4 = XE.parse(ov4, "kagoshima", None, {state.GET_CONFIG: render.render_all(ov4, device="kagoshima")["kagoshima"]})
    assert not {"df6", "ospf6", "routes6"} & set(st4.unavailable)
