"""The deploy timeline (``tasks.timeline``) as tables: events in order, and each device's phases."""
from __future__ import annotations

from rich.table import Table
from rich.text import Text


def timeline_tables(doc: dict) -> list[Table]:
    events = Table(title="timeline (s from the start)")
    events.add_column("at", justify="right")
    events.add_column("event")
    for e in doc["events"]:
        events.add_row(f"{e['at']:.1f}", Text(e["event"]))
    phases = sorted({p for d in doc["devices"].values() for p in d})
    devices = Table(title="per device (s)")
    devices.add_column("device")
    for p in phases:
        devices.add_column(p, justify="right")
    for name, d in doc["devices"].items():
        devices.add_row(Text(name), *(f"{d[p]:.1f}" if p in d else "" for p in phases))
    return [events, devices]
