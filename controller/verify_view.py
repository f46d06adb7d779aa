"""How verify results read to a person: one row per tunnel end, a mark per check group, and the
failing checks beneath with observed, expected and reason. Pure (rows), plus Rich rendering.

>>> from controller.verify import Check
>>> rows = summary([Check("tokyo", "osaka", "gre.link", "pass"), Check("tokyo", "osaka", "ike.sa", "fail"),
...                 Check("tokyo", "-", "ospf.no_wan", "pass")])
>>> rows[0]["marks"]["GRE"], rows[0]["marks"]["IKE"], rows[0]["marks"]["recursion"], rows[0]["marks"]["DF"]
('pass', 'fail', 'pass', '')
"""
from __future__ import annotations

from rich.table import Table

from .verify import Check

COLUMNS = ("GRE", "IKE", "ESP", "DF", "OSPF", "routes", "recursion", "config")
_COLUMN = {"gre": "GRE", "ike": "IKE", "ipsec": "ESP", "df": "DF", "ospf.neighbor": "OSPF",
           "ospf.interface": "OSPF", "routes": "routes", "underlay": "recursion", "ospf.no_wan": "recursion",
           "config": "config", "df6": "DF6", "ospf6.neighbor": "OSPFv3", "ospf6.interface": "OSPFv3",
           "routes6": "routes6"}
COLUMNS6 = ("DF6", "OSPFv3", "routes6")  # dual-stack tunnels' IPv6 checks: shown only when there are some
_RANK = {"": 0, "pass": 1, "n/a": 2, "fail": 3}
MARK = {"pass": "[green]✓[/]", "fail": "[red]✗[/]", "n/a": "[yellow]–[/]", "": ""}


def column(check: str) -> str | None:
    return _COLUMN.get(check) or _COLUMN.get(check.split(".")[0])


def columns(checks: list[Check]) -> tuple[str, ...]:
    """The table's mark columns: the IPv4 ones, then each IPv6 one some check fills.

    >>> columns([Check("a", "b", "ospf6.neighbor", "pass")])[-1]
    'OSPFv3'
    """
    seen = {column(c.check) for c in checks}
    return COLUMNS + tuple(c for c in COLUMNS6 if c in seen)


def summary(checks: list[Check]) -> list[dict]:
    """[{device, peer, marks: {column: pass|fail|n/a|''}, unreachable}] in first-seen order; a
    device-wide check (peer '-') marks every row of its device."""
    rows: dict[tuple[str, str], dict] = {}
    device_wide = [c for c in checks if c.peer == "-"]
    cols = columns(checks)
    for c in checks:
        if c.peer == "-":
            continue
        row = rows.setdefault((c.device, c.peer), {"device": c.device, "peer": c.peer,
                                                   "marks": dict.fromkeys(cols, ""), "unreachable": False})
        if c.check == "device.reachable":
            row["unreachable"] = True
            continue
        col = column(c.check)
        if col and _RANK[c.status] > _RANK[row["marks"][col]]:
            row["marks"][col] = c.status
    for c in device_wide:
        for row in rows.values():
            col = column(c.check)
            if row["device"] == c.device and col and _RANK[c.status] > _RANK[row["marks"][col]]:
                row["marks"][col] = c.status
    return list(rows.values())


SHORT = {"routes": "rte", "recursion": "rec", "config": "cfg"}   # headers below 100 columns


def table(checks: list[Check], width: int | None = None) -> Table:
    """The summary table; below 100 columns (``width``) lighter borders and short headers, so every
    column stays (names fold rather than vanish)."""
    from rich import box
    from rich.text import Text
    narrow = width is not None and width < 100
    t = Table(title="verify", box=box.SIMPLE_HEAD if narrow else box.HEAVY_HEAD, padding=(0, 0 if narrow else 1),
              show_edge=not narrow, pad_edge=not narrow)
    t.add_column("device", overflow="fold", min_width=5)
    t.add_column("peer", overflow="fold", min_width=5)
    cols = columns(checks)
    for col in cols:
        t.add_column(SHORT.get(col, col) if narrow else col, justify="center", no_wrap=True)
    for row in summary(checks):
        device = Text(row["device"])
        if row["unreachable"] and narrow:   # the word beside the name, not widening a mark column
            marks = [""] * len(cols)
            device.append(" unreachable", style="red")
        elif row["unreachable"]:
            marks = ["[red]unreachable[/]"] + [""] * (len(cols) - 1)
        else:
            marks = [MARK[row["marks"][c]] for c in cols]
        t.add_row(device, Text(row["peer"]), *marks)
    return t


def problems(checks: list[Check], include_na: bool = True) -> list[str]:
    """One block per failing (and n/a) check: where, what was seen, what was wanted, why."""
    out = []
    for c in checks:
        if c.status == "pass" or (c.status == "n/a" and not include_na):
            continue
        head = f"{'✗' if c.status == 'fail' else '–'} {c.device} → {c.peer}  {c.check}  {c.reason}"
        out.append(f"{head}\n    observed: {c.observed}\n    expected: {c.expected}"
                   + (f"\n    {c.detail}" if c.detail else ""))
    return out


def details(checks: list[Check]) -> Table:
    from rich.text import Text
    t = Table(title="verify (every check)")
    for col in ("device", "peer", "check", "status", "observed", "expected", "reason"):
        t.add_column(col)
    colour = {"pass": "green", "fail": "red", "n/a": "yellow"}
    for c in checks:
        t.add_row(*map(Text, (c.device, c.peer, c.check)), Text(c.status, style=colour[c.status]),
                  Text(c.observed), Text(c.expected), Text(f"{c.reason}: {c.detail}" if c.reason else ""))
    return t
