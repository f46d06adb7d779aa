"""History: a real SQLite file, the real `grectl history` command; no key ever stored."""
import json
import subprocess
import sys

from controller import history, watch
from controller.verify import Check
from tests.conftest import ROOT, TEST_PSK

DIFF = '-gre-tokyo mtu 1400\n+gre-tokyo mtu 1442\n secret = "%{psk:0123456789ab}"\n'


def a_run(started, state="drifted", **kw):
    r = watch.Run(started=started, seconds=2.5, devices=[
        watch.DeviceState("tokyo", "hub", "in-sync"),
        watch.DeviceState("osaka", "site", state, 2, DIFF if state == "drifted" else "", **kw)],
        checks=[Check("osaka", "tokyo", "ike.sa", "fail", "none", "ESTABLISHED", "IKE_PHASE1_KEY_MISMATCH",
                      "peer says AUTHENTICATION_FAILED"),
                Check("tokyo", "osaka", "gre.link", "pass", "up", "up")])
    r.exit_code = watch.exit_code(r)
    return r


def cli(*args, env=None):
    env = {"PATH": "/usr/bin:/bin", "COLUMNS": "200", **(env or {})}
    return subprocess.run([sys.executable, "-m", "controller", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=60, env=env)


def test_record_and_query_round_trip(tmp_path):
    db = tmp_path / "h.db"
    rid = history.record(db, a_run(1000.0))
    history.record(db, a_run(2000.0, state="in-sync"))
    runs = history.query(db)
    assert [r["id"] for r in runs] == [rid, rid + 1]
    first = runs[0]
    assert first["exit_code"] == 1 and first["seconds"] == 2.5
    osaka = {d["device"]: d for d in first["devices"]}["osaka"]
    assert (osaka["state"], osaka["changes"], osaka["diff"]) == ("drifted", 2, DIFF)
    failing = [c for c in first["checks"] if c["status"] == "fail"]
    assert [(c["device"], c["peer"], c["check"], c["reason"]) for c in failing] == [
        ("osaka", "tokyo", "ike.sa", "IKE_PHASE1_KEY_MISMATCH")]
    assert {d["device"]: d["state"] for d in runs[1]["devices"]} == {"tokyo": "in-sync", "osaka": "in-sync"}


def test_filters_by_device_and_since(tmp_path):
    db = tmp_path / "h.db"
    history.record(db, a_run(1000.0))
    history.record(db, a_run(5000.0))
    assert [r["started"] for r in history.query(db, since=3000.0)] == [5000.0]
    only = history.query(db, device="tokyo")
    assert len(only) == 2 and all({d["device"] for d in r["devices"]} == {"tokyo"} for r in only)
    assert all(c["device"] == "tokyo" for r in only for c in r["checks"])
    assert history.query(db, device="nagoya") == []
    assert len(history.query(db, limit=1)) == 1 and history.query(db, limit=1)[0]["started"] == 5000.0


def test_no_key_is_ever_written(tmp_path):
    """Even if a driver let a key slip into a diff or an error, the database holds only placeholders."""
    db = tmp_path / "h.db"
    leaky = a_run(1000.0, error=f"commit failed near secret {TEST_PSK}")
    leaky.devices[1].diff += f'+ secret = "{TEST_PSK}"\n'
    leaky.notes.append(f"note {TEST_PSK}")
    history.record(db, leaky, keys=[TEST_PSK])
    raw = db.read_bytes() + b"".join(p.read_bytes() for p in tmp_path.glob("h.db*"))
    assert TEST_PSK.encode() not in raw
    osaka = {d["device"]: d for d in history.query(db)[0]["devices"]}["osaka"]
    assert '+ secret = "%{psk:' in osaka["diff"] and "%{psk:" in osaka["error"]


def test_parse_since():
    assert history.parse_since("30m", now=10_000) == 8_200
    assert history.parse_since("1d", now=100_000) == 13_600
    assert history.parse_since("2024-05-01T12:00") > 1.7e9
    try:
        history.parse_since("yesterday")
    except ValueError as e:
        assert "30m" in str(e)
    else:
        raise AssertionError("a bad --since must be refused")


def test_history_command_table_json_and_bad_since(tmp_path):
    db = tmp_path / "h.db"
    import time
    history.record(db, a_run(time.time() - 60))
    r = cli("history", "--history", str(db), "--device", "osaka")
    assert r.returncode == 0, r.stderr
    assert "osaka" in r.stdout and "drifted" in r.stdout and "IKE_PHASE1_KEY_MISMATCH" in r.stdout
    assert "in-sync" not in r.stdout  # tokyo's row filtered out
    r = cli("history", "--json", "--since", "1h", env={"GRECTL_HISTORY": str(db)})
    assert r.returncode == 0, r.stderr
    runs = json.loads(r.stdout)["runs"]
    assert len(runs) == 1 and {d["device"] for d in runs[0]["devices"]} == {"tokyo", "osaka"}
    r = cli("history", "--history", str(db), "--since", "soon")
    assert r.returncode == 1 and "--since 'soon'" in r.stderr and "Traceback" not in r.stderr


def test_history_max_age_is_a_health_check(tmp_path):
    db = tmp_path / "h.db"
    r = cli("history", "--history", str(db), "--max-age", "5m")
    assert r.returncode == 1 and "no run recorded" in r.stderr
    import time
    history.record(db, a_run(time.time() - 3600))
    assert cli("history", "--history", str(db), "--max-age", "5m").returncode == 1
    fresh = a_run(time.time() - 10)
    fresh.checks = [c for c in fresh.checks if c.status == "pass"]
    fresh.exit_code = watch.exit_code(fresh)   # drift: a finding, not a failure
    history.record(db, fresh)
    r = cli("history", "--history", str(db), "--max-age", "5m")
    assert r.returncode == 0, r.stderr
