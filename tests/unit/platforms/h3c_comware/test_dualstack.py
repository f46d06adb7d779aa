"""H3C Comware 7 dual-stack (issue 22): golden render of a dual-stack site, the exact commands that
add the IPv6 objects and remove them when the LANs go back to IPv4 only (the operator's LAN interface,
its addresses and its own OSPFv3 process stay), and the refusals."""
from pathlib import Path

import pytest

from controller import inventory, platforms, render
from controller.errors import InventoryError
from tests.unit.platforms.h3c_comware.conformance import inventory as comware_inventory
from tests.unit.platforms.mixed import dual_stack_lans, golden

HERE = Path(__file__).parent
CW = platforms.get("h3c_comware")


def dual(tmp: Path, six: bool = True, lan6: list | None = None, **intent) -> Path:
    """fukuoka an H3C site under the Linux hub tokyo (osaka on Linux); with ``six`` tokyo and fukuoka
    get an IPv6 LAN and the tunnels a tunnel_pool6. fukuoka's IPv6 LAN is on GigabitEthernet0/1."""
    lan6 = lan6 if lan6 is not None else ["GE0/1"]
    return dual_stack_lans(comware_inventory(tmp, **intent), "fukuoka", lan6, "2001:db8:3::/64", ("osaka", "172.31.255.12"), six)


def test_golden(tmp_path):
    golden(HERE / "golden" / "fukuoka-dualstack.cfg", render.render_device(inventory.load(dual(tmp_path)), "fukuoka"))


def test_ipv4_only_has_no_ipv6_line(tmp_path):
    text = render.render_device(inventory.load(dual(tmp_path, six=False)), "fukuoka")
    assert "ipv6" not in text and "ospfv3" not in text


def test_families_say_ipv6():
    assert CW.caps.families == frozenset({"ipv4", "ipv6"})


@pytest.mark.parametrize("lan6,why", [([], "must name one interface per IPv6 LAN"), (["eth0"], "lan6_interfaces")])
def test_refusals(tmp_path, lan6, why):
    with pytest.raises(InventoryError) as e:
        inventory.load(dual(tmp_path, lan6=lan6))
    assert why in str(e.value)


def test_ipv6_mtu_under_1280_is_refused(tmp_path):
    with pytest.raises(InventoryError) as e:
        inventory.load(dual(tmp_path, **{"sites.fukuoka.wan.mtu": 1300}))
    assert "1280" in str(e.value)


OPERATOR = "interface GigabitEthernet0/1\n ip address 10.1.3.1 255.255.255.0\n" \
           " ipv6 address 2001:DB8:3::1/64\n{lan6}#\nospfv3 7\n router-id 9.9.9.9\n#\n"
LAN_BLOCK = "interface GigabitEthernet0/1\n ospfv3 1 area 0.0.0.0\n#\n"


def _running(ov, lan6: bool) -> str:
    """``display current-configuration`` of fukuoka running ``ov``'s intent beside the operator's
    LAN interface (its OSPFv3 line grectl's) and the operator's own OSPFv3 process 7."""
    text = render.render_device(ov, "fukuoka").replace(LAN_BLOCK, "")
    return OPERATOR.format(lan6=" ospfv3 1 area 0.0.0.0\n" if lan6 else "") + text


def test_the_lan_block_is_rendered(tmp_path):
    assert LAN_BLOCK in render.render_device(inventory.load(dual(tmp_path)), "fukuoka")


def test_in_sync_is_empty(tmp_path):
    ov = inventory.load(dual(tmp_path))
    assert CW.remediation(_running(ov, True), render.render_device(ov, "fukuoka"), True) == []


def test_in_sync_whatever_case_the_device_prints(tmp_path):
    ov = inventory.load(dual(tmp_path))
    running = _running(ov, True).replace("FE80::2", "fe80::2").replace("2001:DB8:FFFF:1::2", "2001:db8:ffff:1::2")
    assert CW.remediation(running, render.render_device(ov, "fukuoka"), True) == []


TUNNEL6 = [" ipv6 address FE80::2 link-local", " ipv6 address 2001:DB8:FFFF:1::2/64", " ipv6 mtu 1434",
           " ospfv3 1 area 0.0.0.0", " ospfv3 network-type p2p", " ospfv3 timer hello 2", " ospfv3 timer dead 8"]


def test_going_dual_stack_adds_the_ipv6_objects(tmp_path):
    before, after = inventory.load(dual(tmp_path / "a", six=False)), inventory.load(dual(tmp_path / "b"))
    assert CW.remediation(_running(before, False), render.render_device(after, "fukuoka"), True) == [
        "interface Tunnel2 mode gre", *TUNNEL6, "quit",
        "interface GigabitEthernet0/1", " ospfv3 1 area 0.0.0.0", "quit",
        "ospfv3 1", " router-id 10.1.3.1", " silent-interface GigabitEthernet0/1", "quit",
    ]


def test_back_to_ipv4_only_removes_them(tmp_path):
    """The tunnel's IPv6 lines, the LAN's OSPFv3 line and, last, grectl's OSPFv3 process 1 go; the
    operator's LAN interface, its addresses and its OSPFv3 process 7 stay."""
    before, after = inventory.load(dual(tmp_path / "a")), inventory.load(dual(tmp_path / "b", six=False))
    assert CW.remediation(_running(before, True), render.render_device(after, "fukuoka"), True) == [
        "interface GigabitEthernet0/1", " undo ospfv3 1 area 0.0.0.0", "quit",
        "interface Tunnel2 mode gre",
        " undo ipv6 address FE80::2 link-local", " undo ipv6 address 2001:DB8:FFFF:1::2/64", " undo ipv6 mtu",
        " undo ospfv3 1 area 0.0.0.0", " undo ospfv3 network-type", " undo ospfv3 timer hello",
        " undo ospfv3 timer dead", "quit",
        "undo ospfv3 1",
    ]


def test_a_site_scope_touches_no_ospfv3_process(tmp_path):
    ov = inventory.load(dual(tmp_path))
    hub = render.render_device(ov, "fukuoka", site="fukuoka")
    assert "ospfv3 1 area 0.0.0.0" in hub and "silent-interface" in hub


def test_the_drivers_read_keeps_the_ipv6_part(tmp_path):
    """The driver hands remediation grectl's part of the running config (``session.owned``, nothing
    intended): it must hold the OSPFv3 process and the LAN's OSPFv3 line, or a second deploy would
    send them again and going back to IPv4 only would leave them. The operator's process 7 stays out."""
    from controller.platforms.h3c_comware import session
    dual_ov, v4 = inventory.load(dual(tmp_path / "a")), inventory.load(dual(tmp_path / "b", six=False))
    read = session.owned(_running(dual_ov, True))
    assert "ospfv3 1\n" in read and " ospfv3 1 area 0.0.0.0\n" in read and "ospfv3 7" not in read
    assert CW.remediation(read, render.render_device(dual_ov, "fukuoka"), True) == []
    assert CW.remediation(read, render.render_device(v4, "fukuoka"), True)[-1] == "undo ospfv3 1"
