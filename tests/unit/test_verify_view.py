"""Verify output people read: a row per tunnel end, a mark per group, failures listed beneath."""
from rich.console import Console

from controller import inventory, verify, verify_view
from tests.unit.test_verify6 import healthy6 as healthy  # the example is dual-stack: IPv6 facts too


def _render(renderable) -> list[str]:
    c = Console(width=100, record=True, color_system=None)
    c.print(renderable)
    return c.export_text().splitlines()


def test_one_row_per_tunnel_end_fits_100_columns(inv):
    ov = inventory.load(inv)
    st = healthy(ov)
    st["osaka"].ospf_interfaces["gre-tokyo"].hello = 5
    checks = verify.evaluate(ov, st)
    rows = verify_view.summary(checks)
    assert {(r["device"], r["peer"]) for r in rows} == {(t.end(d).device, t.end(d).peer)
                                                        for t in ov.tunnels for d in (t.hub, t.site)}
    bad = [r for r in rows if "fail" in r["marks"].values()]
    assert [(r["device"], r["peer"], [c for c, m in r["marks"].items() if m == "fail"]) for r in bad] == \
        [("osaka", "tokyo", ["OSPF"])]
    lines = _render(verify_view.table(checks))
    assert max(len(ln) for ln in lines) <= 100
    blocks = verify_view.problems(checks)
    assert len(blocks) == 1 and "OSPF_HELLO_MISMATCH" in blocks[0] and "hello 5" in blocks[0]


def test_unreachable_device_row(inv):
    ov = inventory.load(inv)
    st = healthy(ov)
    st["fukuoka"] = "ConnectionException: timed out"
    rows = {(r["device"], r["peer"]): r for r in verify_view.summary(verify.evaluate(ov, st))}
    assert rows[("fukuoka", "tokyo")]["unreachable"] and not rows[("tokyo", "fukuoka")]["unreachable"]
    assert "unreachable" in "\n".join(_render(verify_view.table(verify.evaluate(ov, st))))
