"""The history database's schema, versioned with SQLite's ``user_version``, and its migrations.

Version 0 is a file written before versions existed (grectl 0.1.0's tables, or nothing at all);
every migration runs in one transaction with the version bump, so a file is always at one version.
A file from a newer grectl is refused, never rewritten.
"""
from __future__ import annotations

import sqlite3

# 1: the tables of grectl 0.1.0 (runs, devices, checks)
V1 = [
    """CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  started REAL NOT NULL, seconds REAL NOT NULL, site TEXT, remediate INTEGER NOT NULL,
  exit_code INTEGER NOT NULL, error TEXT NOT NULL DEFAULT '', notes TEXT NOT NULL DEFAULT '[]')""",
    """CREATE TABLE IF NOT EXISTS devices (
  run_id INTEGER NOT NULL REFERENCES runs(id), device TEXT NOT NULL, role TEXT NOT NULL,
  state TEXT NOT NULL, changes INTEGER NOT NULL, diff TEXT NOT NULL, error TEXT NOT NULL,
  remediation TEXT NOT NULL DEFAULT '', remediation_error TEXT NOT NULL DEFAULT '',
  remediation_diff TEXT NOT NULL DEFAULT '')""",
    """CREATE TABLE IF NOT EXISTS checks (
  run_id INTEGER NOT NULL REFERENCES runs(id), device TEXT NOT NULL, peer TEXT NOT NULL,
  name TEXT NOT NULL, status TEXT NOT NULL, reason TEXT NOT NULL, observed TEXT NOT NULL,
  expected TEXT NOT NULL, detail TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS devices_by_name ON devices(device, run_id)",
    "CREATE INDEX IF NOT EXISTS runs_by_time ON runs(started)",
]

# 2: totals that outlive pruning and processes (the metrics' counters and last success),
#    counted from the runs already stored; indexes the prune's deletes use
RESULT_OF_EXIT = "CASE exit_code WHEN 0 THEN 'ok' WHEN 2 THEN 'drift' ELSE 'failure' END"
V2 = [
    """CREATE TABLE totals (
  metric TEXT NOT NULL, labels TEXT NOT NULL DEFAULT '[]', value REAL NOT NULL,
  PRIMARY KEY (metric, labels))""",
    f"""INSERT INTO totals (metric, labels, value)
  SELECT 'runs', json_array({RESULT_OF_EXIT}), COUNT(*) FROM runs GROUP BY {RESULT_OF_EXIT}""",
    """INSERT INTO totals (metric, labels, value)
  SELECT 'remediations', json_array(device, remediation), COUNT(*) FROM devices
  WHERE remediation != '' GROUP BY device, remediation""",
    """INSERT INTO totals (metric, labels, value)
  SELECT 'last_success', '[]', MAX(started + seconds) FROM runs WHERE exit_code != 1 HAVING COUNT(*) > 0""",
    "CREATE INDEX IF NOT EXISTS checks_by_run ON checks(run_id)",
    "CREATE INDEX IF NOT EXISTS devices_by_run ON devices(run_id)",
]

MIGRATIONS = {1: V1, 2: V2}
VERSION = max(MIGRATIONS)


class SchemaError(Exception):
    """The file's schema is not one this grectl can use."""


def version(db: sqlite3.Connection) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: sqlite3.Connection) -> int:
    """Bring ``db`` to VERSION; returns the version it had. Concurrent callers serialize on the
    write lock (BEGIN IMMEDIATE) and the second finds nothing left to do."""
    found = version(db)
    if found > VERSION:
        raise SchemaError(f"schema version {found} is newer than this grectl's ({VERSION}): upgrade grectl")
    if found == VERSION:
        return found
    saved, db.isolation_level = db.isolation_level, None   # explicit transaction, DDL included
    try:
        db.execute("BEGIN IMMEDIATE")
        try:
            found = version(db)
            for n in range(found + 1, VERSION + 1):
                for stmt in MIGRATIONS[n]:
                    db.execute(stmt)
            db.execute(f"PRAGMA user_version = {VERSION:d}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    finally:
        db.isolation_level = saved
    return found
