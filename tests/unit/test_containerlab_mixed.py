"""`lab export --format containerlab` writes every device of a mixed inventory (Linux hub, IOS,
IOS-XE, VyOS and VRP sites) with its WAN and LAN links, valid against containerlab's schema."""
import subprocess
import sys

import pytest
import yaml

from controller import inventory
from controller.errors import InventoryError
from controller.lab import from_inventory
from controller.lab.containerlab import containerlab
from tests.conftest import ROOT, edit_yaml
from tests.unit.platforms.iosxe.conftest import add_iosxe_site
from tests.unit.platforms.mixed import mixed_inventory
from tests.unit.test_containerlab import validator  # noqa: F401  (the schema fixture)

PROPOSAL = {"ike.proposal": "aes256-sha256-modp2048"}   # one every platform here negotiates


def five_platforms(tmp_path, **hosts_data):
    """tokyo (Linux hub), osaka (VyOS, WAN eth0), fukuoka (VRP, WAN Dialer1), kagoshima (IOS-XE,
    WAN GigabitEthernet1) and nagasaki (IOS, WAN Ethernet0/1)."""
    inv = add_iosxe_site(mixed_inventory(tmp_path))
    edit_yaml(inv / "overlay.yaml", {**PROPOSAL, "sites.nagasaki": {
        "id": 4, "hub": "tokyo", "lans": ["10.1.5.0/24"],
        "wan": {"interface": "Ethernet0/1", "address": "198.51.100.18/30", "mtu": 1400}}})
    groups = yaml.safe_load((inv / "groups.yaml").read_text())
    groups["cisco_ios"] = {"platform": "ios"}
    (inv / "groups.yaml").write_text(yaml.safe_dump(groups, sort_keys=False))
    edit_yaml(inv / "hosts.yaml", {"nagasaki": {"hostname": "172.31.255.15", "groups": ["cisco_ios"],
                                                "data": {"role": "site"}},
                                   **{f"{h}.data.clab": v for h, v in hosts_data.items()}})
    return inv


EXPECTED_KIND = {"tokyo": "linux", "osaka": "vyosnetworks_vyos", "fukuoka": "huawei_vrp",
                 "kagoshima": "cisco_c8000v", "nagasaki": "cisco_iol"}
WAN_ENDPOINT = {"tokyo": "wan0", "osaka": "eth1", "fukuoka": "eth1", "kagoshima": "eth1", "nagasaki": "eth1"}


def test_every_device_of_a_mixed_inventory_is_exported_with_its_links(tmp_path, validator):  # noqa: F811
    inv = five_platforms(tmp_path)
    ov = inventory.load(inv)
    clab = containerlab(from_inventory(inv, every=True))
    errors = sorted(validator.iter_errors(clab), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)
    nodes, links = clab["topology"]["nodes"], clab["topology"]["links"]
    assert {n: nodes[n]["kind"] for n in ov.devices} == EXPECTED_KIND
    for name, d in ov.devices.items():
        assert nodes[name]["mgmt-ipv4"] == d.hostname
        wan = [l for l in links if l["endpoints"][0] == f"{name}:{WAN_ENDPOINT[name]}"]
        assert len(wan) == 1 and wan[0]["endpoints"][1].startswith("internet:") and wan[0]["mtu"] == d.wan.mtu
        for j, _ in enumerate(d.lans):
            lan = [l for l in links if l["endpoints"][1] == f"lan-{name}-{j}:eth1"]
            assert len(lan) == 1 and lan[0]["endpoints"][0].startswith(f"{name}:")
    # every endpoint of a device is used once; the management port eth0 never carries a link
    ends = [e for l in links for e in l["endpoints"]]
    assert len(ends) == len(set(ends)) and not any(e.endswith(":eth0") for e in ends)
    assert nodes["kagoshima"]["labels"]["grectl.eth1"] == "GigabitEthernet2 (inventory GigabitEthernet1)"
    assert nodes["nagasaki"]["labels"]["grectl.eth1"] == "Ethernet0/1 (inventory Ethernet0/1)"
    assert nodes["fukuoka"]["labels"]["grectl.eth1"] == "Ethernet1/0/0 (inventory Dialer1)"
    assert "NETCONF" in nodes["kagoshima"]["labels"]["grectl.services"]


def test_lab_up_view_is_unchanged(tmp_path):
    """Without ``every`` the local lab still sees only the Linux routers (and IOS-XE NETCONF targets)."""
    topo = from_inventory(five_platforms(tmp_path))
    assert [r.name for r in topo.routers] == ["tokyo"] and topo.others == ()
    assert [t.name for t in topo.netconf] == ["kagoshima"]


@pytest.mark.parametrize("host, value, kind, image", [
    ("kagoshima", {"kind": "cisco_csr1000v"}, "cisco_csr1000v", "vrnetlab/cisco_csr1000v:17.03.08"),
    ("nagasaki", {"kind": "cisco_vios", "image": "registry.lab:5000/vios:15.9"}, "cisco_vios", "registry.lab:5000/vios:15.9"),
    ("osaka", {"kind": "linux"}, "linux", "vyos/vyos:1.4"),
    ("tokyo", {"image": "quay.io/frrouting/frr:10.1.0"}, "linux", "quay.io/frrouting/frr:10.1.0"),
])
def test_host_data_overrides_kind_and_image(tmp_path, validator, host, value, kind, image):  # noqa: F811
    clab = containerlab(from_inventory(five_platforms(tmp_path, **{host: value}), every=True))
    nodes = clab["topology"]["nodes"]
    assert (nodes[host]["kind"], nodes[host]["image"]) == (kind, image)
    assert not list(validator.iter_errors(clab))
    yaml.safe_dump(clab)   # plain YAML types only


def test_vios_ports_are_gigabitethernet0_n(tmp_path):
    inv = five_platforms(tmp_path, nagasaki={"kind": "cisco_vios"})
    edit_yaml(inv / "overlay.yaml", {"sites.nagasaki.wan.interface": "GigabitEthernet0/2"})
    clab = containerlab(from_inventory(inv, every=True))
    assert {"endpoints": ["nagasaki:eth2", "internet:to-nagasaki"], "mtu": 1400} in clab["topology"]["links"]


@pytest.mark.parametrize("value, says", [
    ({"kind": "cisco_iol"}, "kind 'cisco_iol' is not one this platform runs as (cisco_c8000v, cisco_csr1000v)"),
    ({"image": "Bad Image!"}, "image 'Bad Image!' is not a container image reference"),
    ({"kind": "cisco_c8000v", "typo": 1}, "typo: Extra inputs are not permitted"),
    ("cisco_c8000v", "value: Input should be a valid dictionary"),
])
def test_bad_override_is_one_clear_error_at_the_file(tmp_path, value, says):
    inv = five_platforms(tmp_path, kagoshima=value)
    with pytest.raises(InventoryError) as e:
        inventory.load(inv)
    assert any(p.startswith(f"{inv}/hosts.yaml: kagoshima.data.clab: ") and says in p for p in e.value.problems), \
        e.value.problems


def test_cli_export_writes_every_device(tmp_path):
    inv = five_platforms(tmp_path)
    r = subprocess.run([sys.executable, "-m", "controller", "lab", "export", "-i", str(inv)],
                       capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert r.returncode == 0, r.stderr
    assert set(EXPECTED_KIND) <= set(yaml.safe_load(r.stdout)["topology"]["nodes"])


def _kinds():
    from controller import platforms
    return [(p, k) for p in platforms.names() for k in platforms.get(p).caps.clab]


@pytest.mark.parametrize("platform, kind", _kinds(), ids=lambda x: getattr(x, "kind", x))
def test_each_lab_kind_is_a_containerlab_kind_with_a_valid_image(platform, kind):
    import json

    from controller.platforms.clab import IMAGE_RE
    from tests.unit.test_containerlab import SCHEMA
    assert IMAGE_RE.fullmatch(kind.image) and len(set(kind.ports)) == len(kind.ports)
    assert kind.mgmt not in kind.ports and kind.setup in ("exec", "device")
    if not SCHEMA.is_file():
        pytest.skip(f"containerlab schema not found at {SCHEMA}")
    assert kind.kind in json.loads(SCHEMA.read_text())["definitions"]["node-config"]["properties"]["kind"]["enum"]


@pytest.mark.parametrize("platform", ["linux", "ios", "iosxe", "vyos", "huawei_vrp"])
def test_each_rendering_platform_has_a_containerlab_node(platform):
    from controller import platforms
    assert platforms.get(platform).can_render and platforms.get(platform).caps.clab
