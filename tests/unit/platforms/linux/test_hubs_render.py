"""Linux renders of redundant hubs (issue 23): golden files for a dual-homed site and a hub that is
one site's backup and another's primary, canonical form, and the --site scope of a backup hub."""
from pathlib import Path

import pytest

from controller import inventory, render
from controller.platforms.linux.router import linuxconf
from tests.unit.hubs_fixture import dual_homed

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def dual(tmp_path):
    return inventory.load(dual_homed(tmp_path))


@pytest.mark.parametrize("device", ["osaka", "nagoya"])
def test_golden(dual, device):
    text = render.render_all(dual, device=device)[device]
    golden = GOLDEN / f"hubs-{device}.conf"
    assert text == golden.read_text(), f"differs from {golden}"
    assert linuxconf.dump(linuxconf.parse(text)) == text


def test_site_scope_of_the_backup_hub_is_that_tunnel_only(dual):
    text = render.render_all(dual, site="osaka", device="nagoya")["nagoya"]
    doc = linuxconf.parse(text)
    assert set(doc.tunnels) == {"gre-osaka"} and set(doc.connections) == {"osaka"}
    assert "interface gre-osaka" in dict(doc.frr) and " ip ospf cost 100" in text and "lan0" not in text


def test_hub_link_initiated_by_one_side_only(dual):
    actions = {}
    for hub in ("tokyo", "nagoya"):
        text = render.render_all(dual, device=hub)[hub]
        peer = "nagoya" if hub == "tokyo" else "tokyo"
        block = text[text.index(f"gre-{peer} {{"):]
        actions[hub] = block[block.index("start_action"):].split("\n")[0]
    assert sorted(actions.values()) == ["start_action = start", "start_action = trap"]
