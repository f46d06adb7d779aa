"""Watch history in an embedded SQLite database: one row per run, per device, per check.

Nothing stored here holds a key: diffs and errors come masked from the drivers, and ``record``
masks them again (``secret = "..."`` lines and any known key) before they are written.
"""
from __future__ import annotations

import json
import re
import sqlite3
import time
from contextlib import closing
from pathlib import Path

from . import history_schema, secretforms
from .errors import GrectlError

DEFAULT_PATH = Path(".grectl/history.db")  # relative to the inventory: see controller.paths.history

DEVICE_FIELDS = ("device", "role", "state", "changes", "diff", "error", "remediation", "remediation_error",
                 "remediation_diff")
CHECK_FIELDS = ("device", "peer", "check", "status", "reason", "observed", "expected", "detail")


def connect(path: Path) -> sqlite3.Connection:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=30)
    db.row_factory = sqlite3.Row
    try:
        history_schema.migrate(db)
    except history_schema.SchemaError as e:
        db.close()
        raise GrectlError(f"{path}: {e}")
    except BaseException:
        db.close()
        raise
    return db


def _labels(*values: str) -> str:
    """The labels of a total as SQLite's json_array writes them (the migration counts with it)."""
    return json.dumps(list(values), ensure_ascii=False, separators=(",", ":"))


def _add(db: sqlite3.Connection, metric: str, labels: str, value: float = 1.0) -> None:
    db.execute("INSERT INTO totals (metric, labels, value) VALUES (?,?,?) "
               "ON CONFLICT (metric, labels) DO UPDATE SET value = value + excluded.value", (metric, labels, value))


def result_of(exit_code: int) -> str:
    return {0: "ok", 2: "drift"}.get(exit_code, "failure")


def scrub(text: str, keys: list[str]) -> str:
    text = secretforms.mask(text or "")
    for k in keys:
        if k:
            text = text.replace(k, secretforms.placeholder(k))
    return text


def record(path: Path, run, keys: list[str] = ()) -> int:
    """Store a watch.Run; returns its id."""
    keys = list(keys)
    with closing(connect(path)) as db, db:
        cur = db.execute("INSERT INTO runs (started, seconds, site, remediate, exit_code, error, notes) "
                         "VALUES (?,?,?,?,?,?,?)",
                         (run.started, run.seconds, run.site, int(run.remediate), run.exit_code,
                          scrub(run.error, keys), json.dumps([scrub(n, keys) for n in run.notes])))
        run_id = cur.lastrowid
        db.executemany(f"INSERT INTO devices (run_id, {', '.join(DEVICE_FIELDS)}) VALUES "
                       f"(?{',?' * len(DEVICE_FIELDS)})",
                       [(run_id, d.device, d.role, d.state, d.changes, scrub(d.diff, keys), scrub(d.error, keys),
                         d.remediation, scrub(d.remediation_error, keys), scrub(d.remediation_diff, keys))
                        for d in run.devices])
        db.executemany("INSERT INTO checks (run_id, device, peer, name, status, reason, observed, expected, detail)"
                       " VALUES (?,?,?,?,?,?,?,?,?)",
                       [(run_id, c.device, c.peer, c.check, c.status, c.reason or "", scrub(c.observed, keys),
                         scrub(c.expected, keys), scrub(c.detail, keys)) for c in run.checks])
        _add(db, "runs", _labels(result_of(run.exit_code)))
        for d in run.devices:
            if d.remediation:
                _add(db, "remediations", _labels(d.device, d.remediation))
        if run.exit_code != 1:
            db.execute("INSERT INTO totals (metric, labels, value) VALUES ('last_success', '[]', ?) "
                       "ON CONFLICT (metric, labels) DO UPDATE SET value = max(value, excluded.value)",
                       (run.started + run.seconds,))
    return run_id


def totals(path: Path) -> dict[str, dict[tuple[str, ...], float]]:
    """What the database has counted since it was created, pruning notwithstanding:
    ``{"runs": {("ok",): n, ...}, "remediations": {(device, status): n}, "last_success": {(): t}}``."""
    out: dict[str, dict[tuple[str, ...], float]] = {"runs": {}, "remediations": {}, "last_success": {}}
    with closing(connect(path)) as db:
        for row in db.execute("SELECT metric, labels, value FROM totals"):
            out.setdefault(row["metric"], {})[tuple(json.loads(row["labels"]))] = row["value"]
    return out


def prune(path: Path, before: float, vacuum: bool = False) -> int:
    """Delete the runs that started before ``before`` (unix seconds), with their devices and checks;
    the totals stay. Returns how many runs went. ``vacuum`` gives the freed pages back to the disk."""
    if not Path(path).exists():
        return 0
    with closing(connect(path)) as db:
        with db:
            ids = "SELECT id FROM runs WHERE started < ?"
            db.execute(f"DELETE FROM checks WHERE run_id IN ({ids})", (before,))
            db.execute(f"DELETE FROM devices WHERE run_id IN ({ids})", (before,))
            gone = db.execute("DELETE FROM runs WHERE started < ?", (before,)).rowcount
        if vacuum and gone:
            db.execute("VACUUM")
    return gone


_REL = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhdw])$")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_since(text: str, now: float | None = None) -> float:
    """'30m', '2h', '7d' ago, or an ISO date/time (local time) -> unix seconds.

    >>> parse_since("2h", now=10000.0)
    2800.0
    """
    now = time.time() if now is None else now
    m = _REL.fullmatch(text.strip())
    if m:
        return now - float(m.group(1)) * _UNIT[m.group(2)]
    from datetime import datetime
    try:
        return datetime.fromisoformat(text.strip()).timestamp()
    except ValueError:
        raise ValueError(f"--since {text!r}: give an age like 30m, 2h, 7d or a date like 2024-05-01T12:00")


def parse_age(text: str, what: str = "--keep") -> float:
    """'30d', '12h', '2w' -> seconds (an age only, never a date).

    >>> parse_age("30d")
    2592000.0
    """
    m = _REL.fullmatch(text.strip())
    if not m or float(m.group(1)) <= 0:
        raise ValueError(f"{what} {text!r}: give an age like 12h, 30d or 8w")
    return float(m.group(1)) * _UNIT[m.group(2)]


def query(path: Path, device: str | None = None, since: float | None = None, limit: int = 50) -> list[dict]:
    """The newest ``limit`` runs (oldest first), each with its devices and checks."""
    if not Path(path).exists():
        return []
    with closing(connect(path)) as db:
        where, args = ["1=1"], []
        if since is not None:
            where.append("started >= ?")
            args.append(since)
        if device:
            where.append("id IN (SELECT run_id FROM devices WHERE device = ? "
                         "UNION SELECT run_id FROM checks WHERE device = ?)")
            args += [device, device]
        runs = db.execute(f"SELECT * FROM runs WHERE {' AND '.join(where)} ORDER BY id DESC LIMIT ?",
                          [*args, limit]).fetchall()
        out = []
        for r in reversed(runs):
            devs = db.execute("SELECT * FROM devices WHERE run_id = ? ORDER BY device", (r["id"],)).fetchall()
            chks = db.execute("SELECT * FROM checks WHERE run_id = ? ORDER BY device, peer, name",
                              (r["id"],)).fetchall()
            run = {k: r[k] for k in ("id", "started", "seconds", "site", "exit_code", "error")}
            run["remediate"] = bool(r["remediate"])
            run["notes"] = json.loads(r["notes"])
            run["devices"] = [{k: d[k] for k in DEVICE_FIELDS} for d in devs if not device or d["device"] == device]
            run["checks"] = [{"device": c["device"], "peer": c["peer"], "check": c["name"], "status": c["status"],
                              "reason": c["reason"], "observed": c["observed"], "expected": c["expected"],
                              "detail": c["detail"]} for c in chks if not device or c["device"] == device]
            out.append(run)
        return out


def last_finished(path: Path) -> float | None:
    """When the newest run ended (unix seconds), or None."""
    last = last_run(path)
    return last[0] if last else None


def last_run(path: Path) -> tuple[float, int, str] | None:
    """(when the newest run ended, its exit code, its error), or None."""
    if not Path(path).exists():
        return None
    with closing(connect(path)) as db:
        row = db.execute("SELECT started + seconds AS t, exit_code, error FROM runs ORDER BY id DESC LIMIT 1"
                         ).fetchone()
        return (row["t"], row["exit_code"], row["error"]) if row else None
