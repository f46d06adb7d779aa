"""H3C Comware 7 redundant hubs (issue 23): golden renders of a dual-homed Comware site and of a
Comware hub (a site's backup tunnel, the hub-to-hub tunnel), tunnel numbering that never moves a
site-id tunnel, and the exact commands that home a site on a second hub and take it off again."""
from pathlib import Path

import pytest
import yaml

from controller import inventory, platforms, render
from controller.errors import InventoryError
from controller.platforms.h3c_comware import values
from tests.unit.hubs_fixture import dual_homed
from tests.unit.platforms.mixed import golden

HERE = Path(__file__).parent
CW = platforms.get("h3c_comware")
WANS = {"tokyo": "GigabitEthernet0/0", "nagoya": "GigabitEthernet0/0", "fukuoka": "Dialer1"}


def comware(inv: Path, lan6: bool = False) -> Path:
    """tokyo and nagoya Comware hubs, fukuoka a Comware site (homed on nagoya, then tokyo); osaka
    stays Linux (homed on tokyo, then nagoya)."""
    hosts = yaml.safe_load((inv / "hosts.yaml").read_text())
    for name in WANS:
        hosts[name] = {"hostname": hosts[name]["hostname"], "platform": "h3c_comware", "username": "admin",
                       "data": {"role": "site" if name == "fukuoka" else "hub"}}
    if lan6:
        hosts["fukuoka"]["data"]["lan6_interfaces"] = ["GE0/1"]
    (inv / "hosts.yaml").write_text(yaml.safe_dump(hosts, sort_keys=False))
    doc = yaml.safe_load((inv / "overlay.yaml").read_text())
    for name, wan in WANS.items():
        doc["hubs" if name != "fukuoka" else "sites"][name]["wan"]["interface"] = wan
    doc["ike"]["proposal"], doc["ipsec"]["transform"] = "aes256-sha256-modp2048", "aes256-sha256"
    (inv / "overlay.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    return inv


def load(tmp: Path, sets: dict | None = None, deletes: list | None = None, lan6: bool = False):
    return inventory.load(comware(dual_homed(tmp, sets, deletes), lan6))


def test_capability_says_multi_hub():
    assert CW.caps.multi_hub


@pytest.mark.parametrize("device", ["fukuoka", "tokyo"])
def test_golden(tmp_path, device):
    golden(HERE / "golden" / f"{device}-dualhomed.cfg", render.render_device(load(tmp_path), device))


def test_one_tunnel_per_hub_with_its_own_number_cost_and_address(tmp_path):
    ov = load(tmp_path)
    got = sorted((t.kind, t.end("fukuoka").interface, str(t.end("fukuoka").address), t.cost)
                 for t in ov.tunnels_of("fukuoka"))
    assert got == [("backup", "Tunnel1023", "172.16.0.250/30", 100), ("primary", "Tunnel2", "172.16.0.6/30", 10)]
    text = render.render_device(ov, "fukuoka")
    assert "ipsec policy grectl 2 isakmp" in text and "ipsec policy grectl 1023 isakmp" in text
    for n, cost in ((2, 10), (1023, 100)):
        block = text.split(f"interface Tunnel{n} mode gre\n", 1)[1].split("#", 1)[0]
        assert f" ospf cost {cost}\n" in block


def test_hub_carries_the_backup_and_the_hub_to_hub_tunnel(tmp_path):
    ov = load(tmp_path)
    names = {t.kind: t.end("tokyo").interface for t in ov.tunnels_of("tokyo") if t.site != "osaka"}
    assert names == {"backup": "Tunnel2", "hubs": "Tunnel1022"}
    text = render.render_device(ov, "tokyo")
    hub = text.split("interface Tunnel1022 mode gre\n", 1)[1].split("#", 1)[0]
    assert " destination 198.51.100.14\n" in hub and " ospf cost 10\n" in hub
    assert "  network 172.16.1.0 0.0.0.3\n" in text


def test_primary_numbers_do_not_move_when_a_backup_hub_comes(tmp_path):
    single = load(tmp_path / "a", deletes=["sites.fukuoka.hubs"], sets={"sites.fukuoka.hub": "nagoya"})
    dual = load(tmp_path / "b")
    assert [t.end("fukuoka").interface for t in single.tunnels_of("fukuoka")] == ["Tunnel2"]
    assert "Tunnel2" in [t.end("fukuoka").interface for t in dual.tunnels_of("fukuoka") if t.kind == "primary"]


def test_a_site_id_on_a_hub_to_hub_number_is_refused(tmp_path):
    with pytest.raises(InventoryError) as e:
        load(tmp_path, sets={"sites.fukuoka.id": 1022, "tunnel_pool": "172.20.0.0/16"})
    assert "sites.fukuoka.id" in str(e.value) and "Tunnel1022" in str(e.value)


def test_slots_table():
    assert [values.tunnel_slot(n, k) for n, k in
            [(7, "primary"), (7, "backup"), (1, "hubs"), (3, "hubs")]] == [7, 1023, 1022, 1020]


BACKUP = ["acl advanced name grectl-tokyo", " rule 0 permit gre source 198.51.100.10 0 destination 198.51.100.2 0",
          "quit"]


def _single(tmp: Path):
    """fukuoka on nagoya alone (osaka still dual-homed: every tunnel keeps its OSPF cost)."""
    return load(tmp, deletes=["sites.fukuoka.hubs"], sets={"sites.fukuoka.hub": "nagoya"})


def test_homing_on_a_second_hub_adds_only_its_objects(tmp_path):
    single, dual = _single(tmp_path / "a"), load(tmp_path / "b")
    cmds = CW.remediation(render.render_device(single, "fukuoka"), render.render_device(dual, "fukuoka"), True)
    assert cmds[:3] == BACKUP
    assert cmds[cmds.index("interface Tunnel1023 mode gre"):][:9] == [
        "interface Tunnel1023 mode gre", " description grectl: tokyo", " ip address 172.16.0.250 255.255.255.252",
        " source 198.51.100.10", " destination 198.51.100.2", " mtu 1434", " tcp mss 1394", " ospf cost 100",
        " ospf network-type p2p"]
    assert cmds[-5:] == ["ospf 1 router-id 10.1.3.1", " area 0.0.0.0", "  network 172.16.0.248 0.0.0.3", " quit", "quit"]
    assert not [c for c in cmds if c.startswith("undo") or c == "interface Tunnel2 mode gre"]


def test_going_back_to_one_hub_removes_the_backup(tmp_path):
    single, dual = _single(tmp_path / "a"), load(tmp_path / "b")
    cmds = CW.remediation(render.render_device(dual, "fukuoka"), render.render_device(single, "fukuoka"), True)
    assert cmds == ["undo interface Tunnel1023", "undo ipsec policy grectl 1023", "undo ikev2 profile grectl-tokyo",
                    "undo ikev2 keychain grectl-tokyo", "undo acl advanced name grectl-tokyo",
                    "ospf 1 router-id 10.1.3.1", " area 0.0.0.0", "  undo network 172.16.0.248 0.0.0.3", " quit", "quit"]


def test_in_sync_is_empty(tmp_path):
    ov = load(tmp_path)
    for device in ("fukuoka", "tokyo", "nagoya"):
        text = render.render_device(ov, device)
        assert CW.remediation(text, text, True) == []


def test_site_scope_on_a_hub_adds_only_that_sites_backup(tmp_path):
    """``--site fukuoka`` on tokyo (fukuoka's backup hub): its side of fukuoka's backup tunnel only;
    nothing of osaka's tunnel or the hub-to-hub tunnel is undone."""
    single, dual = _single(tmp_path / "a"), load(tmp_path / "b")
    cmds = CW.remediation(render.render_device(single, "tokyo"), render.render_device(dual, "tokyo", site="fukuoka"),
                          False)
    assert not [c for c in cmds if c.startswith("undo") or c.strip().startswith("undo")]
    assert "interface Tunnel2 mode gre" in cmds and " ospf cost 100" in cmds
    assert "ipsec policy grectl 2 isakmp" in cmds and "interface Tunnel1022 mode gre" not in cmds


def test_dual_stack_and_dual_homed_costs_both_families(tmp_path):
    ov = load(tmp_path, sets={"tunnel_pool6": "2001:db8:ffff::/48",
                              "sites.fukuoka.lans": ["10.1.3.0/24", "2001:db8:3::/64"]}, lan6=True)
    text = render.render_device(ov, "fukuoka")
    for n, cost in ((2, 10), (1023, 100)):
        block = text.split(f"interface Tunnel{n} mode gre\n", 1)[1].split("#", 1)[0]
        assert f" ospf cost {cost}\n" in block and f" ospfv3 cost {cost}\n" in block
        assert " ospfv3 1 area 0.0.0.0\n" in block and " ipv6 address FE80::2 link-local\n" in block
