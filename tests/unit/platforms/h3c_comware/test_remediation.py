"""Comware remediation as exact ordered command lists on a Comware hub: add a site, remove a site,
change the proposal, change the MTU; removing everything un-applies the policy before undoing it;
never a line outside grectl's objects."""
import pytest
import yaml

from controller import inventory, platforms, render
from tests.unit.platforms.h3c_comware.conformance import hub_inventory

PLAT = platforms.get("h3c_comware")
PH = "%{psk:5b8b02cc086a}"


def _hub(tmp_path, name, drop=None, **intent):
    inv = hub_inventory(tmp_path / name, **intent)
    if drop:
        for f, path in (("overlay.yaml", ("sites",)), ("hosts.yaml", ())):
            doc = yaml.safe_load((inv / f).read_text())
            node = doc
            for p in path:
                node = node[p]
            del node[drop]
            (inv / f).write_text(yaml.safe_dump(doc, sort_keys=False))
    return render.render_device(inventory.load(inv), "tokyo")


ADD = ["acl advanced name grectl-fukuoka",
       " rule 0 permit gre source 198.51.100.2 0 destination 198.51.100.10 0", "quit",
       "ikev2 keychain grectl-fukuoka", " peer grectl-fukuoka", "  address 198.51.100.10 32",
       "  identity address 198.51.100.10", f"  pre-shared-key plaintext {PH}", " quit", "quit",
       "ikev2 profile grectl-fukuoka", " authentication-method local pre-share",
       " authentication-method remote pre-share", " keychain grectl-fukuoka", " identity local address 198.51.100.2",
       " match remote identity address 198.51.100.10 32", " sa duration 86400", " dpd interval 10 periodic", "quit",
       "ipsec policy grectl 2 isakmp", " transform-set grectl", " security acl name grectl-fukuoka",
       " local-address 198.51.100.2", " remote-address 198.51.100.10", " ikev2-profile grectl-fukuoka",
       " sa duration time-based 3600", "quit",
       "interface Tunnel2 mode gre", " description grectl: fukuoka", " ip address 172.16.0.5 255.255.255.252",
       " source 198.51.100.2", " destination 198.51.100.10", " mtu 1434", " tcp mss 1394",
       " ospf network-type p2p", " ospf timer hello 2", " ospf timer dead 8", "quit",
       "ospf 1 router-id 10.1.1.1", " area 0.0.0.0", "  network 172.16.0.4 0.0.0.3", " quit", "quit"]
REMOVE = ["undo interface Tunnel2", "undo ipsec policy grectl 2", "undo ikev2 profile grectl-fukuoka",
          "undo ikev2 keychain grectl-fukuoka", "undo acl advanced name grectl-fukuoka",
          "ospf 1 router-id 10.1.1.1", " area 0.0.0.0", "  undo network 172.16.0.4 0.0.0.3", " quit", "quit"]
PROPOSAL = ["ipsec transform-set grectl", " esp encryption-algorithm aes-cbc-128", " esp authentication-algorithm sha1",
            "quit", "ikev2 proposal grectl", " encryption aes-cbc-128", " integrity sha1", " prf sha1", "quit"]
MTU = ["interface Tunnel1 mode gre", " mtu 1322", " tcp mss 1282", "quit",
       "interface Tunnel2 mode gre", " mtu 1322", " tcp mss 1282", "quit"]


@pytest.mark.parametrize("change,want", [("add", ADD), ("remove", REMOVE), ("proposal", PROPOSAL), ("mtu", MTU)])
def test_exact_ordered_commands(tmp_path, change, want):
    base = _hub(tmp_path, "base")
    other = {"add": lambda: _hub(tmp_path, "one", drop="fukuoka"),
             "remove": lambda: _hub(tmp_path, "one", drop="fukuoka"),
             "proposal": lambda: _hub(tmp_path, "p", **{"ipsec.transform": "aes128-sha1",
                                                        "ike.proposal": "aes128-sha1-modp2048"}),
             "mtu": lambda: _hub(tmp_path, "m", **{"hubs.tokyo.wan.mtu": 1400})}[change]()
    running, intended = (other, base) if change == "add" else (base, other)
    assert PLAT.remediation(running, intended, True) == want


SHARED = """interface GigabitEthernet0/0
 ip address 198.51.100.2 255.255.255.252
 ipsec apply policy grectl
#
interface Tunnel9 mode gre
 description customer tunnel
#
acl advanced 3000
 rule 0 permit ip
#
ospf 1 router-id 10.1.1.1
 area 0.0.0.0
  network 10.1.1.0 0.0.0.255
  network 10.9.9.0 0.0.0.255
#
"""


def test_removing_everything_touches_only_grectl_lines(tmp_path):
    running = _hub(tmp_path, "base") + SHARED
    plan = PLAT.remediation(running, "", True)
    assert plan.index(" undo ipsec apply policy") < plan.index("undo ipsec policy grectl 1")
    assert plan[-3:] == ["undo ikev2 policy grectl", "undo ikev2 proposal grectl", "undo ipsec transform-set grectl"]
    for foreign in ("Tunnel9", "acl advanced 3000", "10.1.1.0", "10.9.9.0", "ip address 198.51.100.2"):
        assert not any(foreign in line for line in plan), foreign


def test_site_piece_removes_nothing_else(tmp_path):
    base = _hub(tmp_path, "base")
    ov = inventory.load(hub_inventory(tmp_path / "x"))
    piece = PLAT.render(ov, "tokyo", render.secret_texts(ov), site="osaka")
    assert PLAT.remediation(base, piece, False) == []


def test_device_printed_key_is_not_a_change(tmp_path):
    base = _hub(tmp_path, "base")
    running = base.replace(f"pre-shared-key plaintext {PH}", "pre-shared-key ciphertext $c$3$q1w2e3r4t5y6")
    assert PLAT.remediation(running, base, True) == []
