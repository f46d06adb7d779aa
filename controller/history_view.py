"""`grectl history` as a table that stays readable at any width: every column from 120 columns up;
below that a compact table (no remediation or detail columns) and the details as lines beneath it,
so no column is ever squeezed to nothing. Cells are rich Text: device text is never read as markup."""
from __future__ import annotations

import time

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

WIDE = 120
COLOURS = {"in-sync": "green", "drifted": "yellow"}


def _rows(runs: list[dict]):
    """(run id, started, device, state, changes, remediation, failing checks, detail) per device."""
    for r in runs:
        failing: dict[str, list[str]] = {}
        for c in r["checks"]:
            if c["status"] == "fail":
                failing.setdefault(c["device"], []).append(f"{c['check']} {c['reason']}".strip())
        if r["error"]:
            yield r["id"], r["started"], "-", "error", "", "", [], r["error"]
        for d in r["devices"]:
            yield (r["id"], r["started"], d["device"], d["state"], str(d["changes"]), d["remediation"],
                   sorted(set(failing.get(d["device"], []))), d["error"] or d["remediation_error"])


def show(console: Console, runs: list[dict], where) -> None:
    wide = console.width >= WIDE
    console.print(Text(f"history ({where})"), soft_wrap=False, overflow="fold")
    t = Table(box=box.SIMPLE_HEAD if not wide else box.HEAVY_HEAD)
    t.add_column("run", justify="right", no_wrap=True)
    t.add_column("time", no_wrap=True)
    t.add_column("device", no_wrap=not wide, overflow="fold", min_width=6)
    t.add_column("state", no_wrap=True)
    t.add_column("changes" if wide else "chg", justify="right", no_wrap=True)
    if wide:
        t.add_column("remediation", no_wrap=True)
        t.add_column("failing checks", overflow="fold", min_width=14)
        t.add_column("detail", overflow="fold", min_width=20)
    else:
        t.add_column("fail", justify="right", no_wrap=True)
    notes: list[Text] = []
    for run_id, started, device, state, changes, remediation, fails, detail in _rows(runs):
        stamp = time.localtime(started)
        when = time.strftime("%Y-%m-%d %H:%M:%S" if wide else "%m-%d %H:%M", stamp)
        cells = [Text(str(run_id)), Text(when), Text(device), Text(state, style=COLOURS.get(state, "red")),
                 Text(changes)]
        if wide:
            cells += [Text(remediation), Text(f"{len(fails)}: {', '.join(fails)}" if fails else "0"), Text(detail)]
        else:
            cells.append(Text(str(len(fails))))
            extra = [f"remediation {remediation}"] if remediation else []
            extra += [f"failing: {', '.join(fails)}"] if fails else []
            extra += [detail] if detail else []
            if extra:
                notes.append(Text(f"run {run_id} {device}: " + "; ".join(extra)))
        t.add_row(*cells)
    console.print(t)
    for line in notes:
        console.print(line, soft_wrap=False, overflow="fold")
