"""Which IOS-XE peers a change re-negotiates (their crypto session is cleared after the commit),
table-driven on the NETCONF payload of an iosxe hub with three sites, in the ``path = value`` form
the driver compares running and candidate in (keys masked)."""
import pytest

from controller import inventory, render
from controller.platforms.iosxe import nativexml as nx
from controller.platforms.iosxe import renegotiate as rn
from tests.conftest import copy_inventory, edit_yaml

from .conftest import add_iosxe_site

OSAKA, FUKUOKA, KAGOSHIMA = "198.51.100.6", "198.51.100.10", "198.51.100.14"
ALL = [OSAKA, FUKUOKA, KAGOSHIMA]


@pytest.fixture(scope="module")
def hub(tmp_path_factory) -> list[str]:
    inv = add_iosxe_site(copy_inventory(tmp_path_factory.mktemp("xe-hub")))
    edit_yaml(inv / "hosts.yaml", {"tokyo.groups": ["lab_iosxe"]})
    edit_yaml(inv / "overlay.yaml", {"hubs.tokyo.wan.interface": "GigabitEthernet1"})
    ov = inventory.load(inv)
    return nx.lines(nx.mask_tree(nx.parse(render.render_all(ov, device="tokyo")["tokyo"])))


def edit(lines, old, new, only=""):
    out = [ln.replace(old, new) if only in ln else ln for ln in lines]
    assert out != lines, old
    return out


CASES = [  # (what, edit, cleared)
    ("nothing", lambda h: h, []),
    ("fukuoka's key", lambda h: edit(h, "%{psk:5b8b02cc086a}", "%{psk:ffffffffffff}", "keyring[name=grectl-fukuoka]"), [FUKUOKA]),
    ("IKE proposal (all use it)", lambda h: edit(h, "group/nineteen", "group/fourteen"), ALL),
    ("osaka's IKE lifetime", lambda h: edit(h, "lifetime/seconds = 86400", "lifetime/seconds = 28800", "grectl-osaka"), [OSAKA]),
    ("ESP lifetime", lambda h: edit(h, "lifetime/seconds = 3600", "lifetime/seconds = 1800"), ALL),
    ("ESP mode", lambda h: edit(h, "mode/transport-choice", "mode/tunnel-choice"), ALL),
    ("ESP transform", lambda h: edit(h, "key-bit = 128", "key-bit = 256"), ALL),
    ("local endpoint", lambda h: edit(h, "tunnel/source = 198.51.100.2", "tunnel/source = 198.51.100.3"), ALL),
    ("MTU and MSS", lambda h: edit(edit(h, "ip/mtu = 1442", "ip/mtu = 1400"), "adjust-mss = 1402", "adjust-mss = 1360"), []),
    ("OSPF only", lambda h: edit(h, "hello-interval = 2", "hello-interval = 3"), []),
    ("DPD is local", lambda h: edit(h, "dpd/interval = 10", "dpd/interval = 5"), []),
    ("kagoshima removed", lambda h: [ln for ln in h if "kagoshima" not in ln and "Tunnel[name=3]" not in ln], []),
]


@pytest.mark.parametrize("what, change, expected", CASES, ids=[c[0] for c in CASES])
def test_renegotiated(hub, what, change, expected):
    assert rn.renegotiated(hub, change(hub)) == expected


def test_a_new_site_is_not_cleared(hub):
    without = [ln for ln in hub if "kagoshima" not in ln and "Tunnel[name=3]" not in ln]
    assert rn.renegotiated(without, hub) == []


def test_clear_command_is_ios_one():
    assert rn.reset_commands([OSAKA]) == [f"clear crypto session remote {OSAKA}"]
