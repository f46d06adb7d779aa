"""Issue 26: every full Linux FRR render accepts a newer LSA at once (``timers lsa min-arrival 0``
under ``router ospf``), so the router-LSA a neighbour re-originates when the adjacency turns Full
is not dropped as "received recently" and waited for through a retransmission (5-10 s)."""
import pytest

from controller import inventory, render


def _router_ospf(text: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index("router ospf")
    return lines[start + 1:lines.index("exit", start)]


@pytest.fixture
def ov(inv):
    return inventory.load(inv)


@pytest.mark.parametrize("device, site, expected", [
    ("tokyo", None, 1),      # the hub, whole
    ("osaka", None, 1),      # a site
    ("fukuoka", "fukuoka", 1),
    ("tokyo", "osaka", 0),   # the hub's part for one site: its router ospf lines are not all rendered
])
def test_min_arrival_line(ov, device, site, expected):
    text = render.render_all(ov, site=site, device=device)[device]
    block = _router_ospf(text)
    assert block.count(" timers lsa min-arrival 0") == expected, block
    if expected:
        assert block[-1] == " timers lsa min-arrival 0"   # natural order: after "ospf router-id"


def _router_ospf6(text: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index("router ospf6")
    return lines[start + 1:lines.index("exit", start)]


@pytest.mark.parametrize("device", ["tokyo", "osaka", "fukuoka"])
def test_min_arrival_line_ospf6(ov, device):
    """The dual-stack example: ospf6d gets the same line, after its router-id (ospf6d's own order)."""
    block = _router_ospf6(render.render_all(ov, device=device)[device])
    assert block.count(" timers lsa min-arrival 0") == 1, block
    assert block.index(" timers lsa min-arrival 0") == block.index(next(x for x in block if "ospf6 router-id" in x)) + 1
