"""History schema: a file of grectl 0.1.0 (no version) migrates in place, counts kept; a newer file
is refused; retention deletes old runs but never the totals; the health check; 60/80-column tables."""
import sqlite3
import time

import pytest

from controller import history, history_schema
from controller.errors import GrectlError
from tests.unit.test_watch_history import a_run, cli

# grectl 0.1.0's schema, verbatim (controller/history.py before versions existed)
SCHEMA_0_1_0 = """
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  started REAL NOT NULL, seconds REAL NOT NULL, site TEXT, remediate INTEGER NOT NULL,
  exit_code INTEGER NOT NULL, error TEXT NOT NULL DEFAULT '', notes TEXT NOT NULL DEFAULT '[]');
CREATE TABLE IF NOT EXISTS devices (
  run_id INTEGER NOT NULL REFERENCES runs(id), device TEXT NOT NULL, role TEXT NOT NULL,
  state TEXT NOT NULL, changes INTEGER NOT NULL, diff TEXT NOT NULL, error TEXT NOT NULL,
  remediation TEXT NOT NULL DEFAULT '', remediation_error TEXT NOT NULL DEFAULT '',
  remediation_diff TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS checks (
  run_id INTEGER NOT NULL REFERENCES runs(id), device TEXT NOT NULL, peer TEXT NOT NULL,
  name TEXT NOT NULL, status TEXT NOT NULL, reason TEXT NOT NULL, observed TEXT NOT NULL,
  expected TEXT NOT NULL, detail TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS devices_by_name ON devices(device, run_id);
CREATE INDEX IF NOT EXISTS runs_by_time ON runs(started);
"""


def ok_run(started):
    r = a_run(started, state="in-sync")
    r.checks = [c for c in r.checks if c.status == "pass"]
    r.exit_code = 0
    return r


def old_file(path, runs):
    """A database as grectl 0.1.0 wrote it: its schema, its INSERTs, user_version 0."""
    db = sqlite3.connect(path)
    db.executescript(SCHEMA_0_1_0)
    for started, exit_code, remediation in runs:
        rid = db.execute("INSERT INTO runs (started, seconds, site, remediate, exit_code, error, notes) "
                         "VALUES (?,?,?,?,?,?,?)", (started, 2.0, None, 1, exit_code, "", "[]")).lastrowid
        db.execute("INSERT INTO devices VALUES (?,?,?,?,?,?,?,?,?,?)",
                   (rid, "osaka", "site", "drifted", 1, "", "", remediation, "", ""))
        db.execute("INSERT INTO checks VALUES (?,?,?,?,?,?,?,?,?)",
                   (rid, "osaka", "tokyo", "ike.sa", "pass", "", "", "", ""))
    db.commit()
    db.close()


def test_a_file_of_0_1_0_migrates_with_its_counts(tmp_path):
    db = tmp_path / "h.db"
    old_file(db, [(100.0, 0, ""), (200.0, 2, "ok"), (300.0, 1, "failed"), (400.0, 1, "ok")])
    assert len(history.query(db)) == 4                     # read through the migration
    with sqlite3.connect(db) as raw:
        assert history_schema.version(raw) == history_schema.VERSION
    t = history.totals(db)
    assert t["runs"] == {("ok",): 1, ("drift",): 1, ("failure",): 2}
    assert t["remediations"] == {("osaka", "ok"): 2, ("osaka", "failed"): 1}
    assert t["last_success"] == {(): 202.0}                # the drift run at 200 + 2 s
    history.record(db, ok_run(500.0))                       # counting goes on from there
    t = history.totals(db)
    assert t["runs"][("ok",)] == 2 and t["last_success"] == {(): 502.5}


def test_an_empty_or_new_file_is_at_the_current_version(tmp_path):
    history.connect(tmp_path / "new.db").close()
    with sqlite3.connect(tmp_path / "new.db") as raw:
        assert history_schema.version(raw) == history_schema.VERSION
    assert history.totals(tmp_path / "new.db")["runs"] == {}


def test_a_newer_schema_is_refused_not_rewritten(tmp_path):
    db = tmp_path / "h.db"
    history.record(db, a_run(100.0))
    with sqlite3.connect(db) as raw:
        raw.execute(f"PRAGMA user_version = {history_schema.VERSION + 1}")
    before = db.read_bytes()
    with pytest.raises(GrectlError, match="newer than this grectl"):
        history.query(db)
    assert db.read_bytes() == before
    r = cli("history", "--history", str(db))
    assert r.returncode == 1 and "newer than this grectl" in r.stderr and "Traceback" not in r.stderr


def test_prune_keeps_totals_and_recent_runs(tmp_path):
    db = tmp_path / "h.db"
    for started in (100.0, 200.0, 300.0):
        history.record(db, a_run(started))
    assert history.prune(db, before=250.0) == 2
    assert [r["started"] for r in history.query(db)] == [300.0]
    with sqlite3.connect(db) as raw:
        assert raw.execute("SELECT COUNT(*) FROM checks").fetchone()[0] == 2      # only run 300's
        assert raw.execute("SELECT COUNT(*) FROM devices").fetchone()[0] == 2
    assert history.totals(db)["runs"] == {("failure",): 3}
    assert history.prune(tmp_path / "absent.db", before=1e12) == 0


@pytest.mark.parametrize("text,ok", [("30d", 2_592_000.0), ("12h", 43_200.0), ("2w", 1_209_600.0),
                                     ("0d", None), ("2024-05-01", None), ("30", None), ("30d\n", 2_592_000.0),
                                     ("3 0d", None)])
def test_parse_age(text, ok):
    if ok is None:
        with pytest.raises(ValueError, match="--keep"):
            history.parse_age(text)
    else:
        assert history.parse_age(text) == ok


def test_history_prune_command(tmp_path):
    db = tmp_path / "h.db"
    now = time.time()
    history.record(db, a_run(now - 40 * 86400))
    history.record(db, a_run(now - 60))
    r = cli("history", "prune", "--keep", "30d", "--history", str(db))
    assert r.returncode == 0 and "1 run older than 30d deleted" in r.stdout, r.stdout + r.stderr
    assert len(history.query(db)) == 1
    r = cli("history", "--history", str(db), "prune", "--keep", "soon")   # group options reach prune
    assert r.returncode == 1 and "--keep 'soon'" in r.stderr


def test_health_fails_when_stale_or_failed(tmp_path):
    db = tmp_path / "h.db"
    assert "no run recorded" in cli("history", "--history", str(db), "--max-age", "15m").stderr
    history.record(db, a_run(time.time() - 3600, state="in-sync"))     # fails: a check fails
    r = cli("history", "--history", str(db), "--max-age", "2h")
    assert r.returncode == 1 and "failed" in r.stderr
    drift = a_run(time.time() - 30, state="drifted")
    drift.checks = []
    drift.exit_code = 2
    history.record(db, drift)
    r = cli("history", "--history", str(db), "--max-age", "15m")
    assert r.returncode == 0 and "drift" in r.stdout, r.stderr
    assert cli("history", "--history", str(db), "--max-age", "10s").returncode == 1   # stale


@pytest.mark.parametrize("columns", [60, 80, 200])
def test_history_table_is_readable_at_any_width(tmp_path, columns):
    db = tmp_path / "h.db"
    history.record(db, a_run(1000.0, error="timeout near [interface Tunnel1 | peer 10.0.0.1] [detail]"))
    r = cli("history", "--history", str(db), env={"COLUMNS": str(columns)})
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert max(map(len, lines)) <= columns
    header = next(ln for ln in lines if "device" in ln)
    for col in ("run", "time", "device", "state"):
        assert col in header                                  # never squeezed to nothing
    assert sum("osaka" in ln for ln in lines) >= 1 and sum("tokyo" in ln for ln in lines) == 1
    assert len(lines) < 16                                    # not 17 lines per device
    text = " ".join(r.stdout.split())
    assert "[interface Tunnel1 | peer 10.0.0.1] [detail]" in text   # bracketed text is not markup
    assert "IKE_PHASE1_KEY_MISMATCH" in text
