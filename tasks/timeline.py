"""Where a change spends its time: scope events (read, commits, proof start, each check group
turning green, confirms) and per-device phase durations, in seconds from the start of the change.

>>> t = Timeline(clock=iter([0.0, 1.5, 4.0, 4.25]).__next__)
>>> t.mark("committed"); t.device("tokyo", "commit", 2.5); t.mark("proven")
>>> t.as_dict()
{'events': [{'event': 'committed', 'at': 1.5}, {'event': 'proven', 'at': 4.0}], 'devices': {'tokyo': {'commit': 2.5}}}
"""
from __future__ import annotations

import threading
import time
from typing import Callable, Iterable


class Timeline:
    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self.t0 = clock()
        self.events: list[tuple[str, float]] = []
        self.devices: dict[str, dict[str, float]] = {}
        self._lock = threading.Lock()

    def mark(self, event: str) -> None:
        with self._lock:
            self.events.append((event, round(self.clock() - self.t0, 2)))

    def device(self, name: str, phase: str, seconds: float) -> None:
        with self._lock:
            d = self.devices.setdefault(name, {})
            d[phase] = round(d.get(phase, 0.0) + seconds, 2)

    def as_dict(self) -> dict:
        return {"events": [{"event": e, "at": at} for e, at in self.events],
                "devices": {n: dict(p) for n, p in sorted(self.devices.items())}}


class GroupWatch:
    """Marks ``<group> green`` the first proof round in which every check of a group passes
    (``ike.sa`` and ``ike.proposal`` are group ``ike``); n/a counts as passing.

    >>> from types import SimpleNamespace as C
    >>> t = Timeline(clock=iter([0.0, 1.0, 2.0, 3.0]).__next__); w = GroupWatch(t)
    >>> w.round([C(check="ike.sa", status="pass"), C(check="ospf.neighbor", status="fail")])
    >>> w.round([C(check="ike.sa", status="pass"), C(check="ospf.neighbor", status="pass")])
    >>> [e["event"] for e in t.as_dict()["events"]]
    ['ike green', 'ospf green']
    """

    def __init__(self, timeline: Timeline | None):
        self.timeline, self.seen = timeline, set()

    def round(self, checks: Iterable) -> None:
        if self.timeline is None:
            return
        groups: dict[str, bool] = {}
        for c in checks:
            g = c.check.split(".")[0]
            groups[g] = groups.get(g, True) and c.status != "fail"
        for g in sorted(groups):
            if groups[g] and g not in self.seen:
                self.seen.add(g)
                self.timeline.mark(f"{g} green")
