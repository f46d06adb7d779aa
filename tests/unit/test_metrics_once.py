"""Metrics that outlive the process: two `watch --once` runs (every device on a closed loopback
port) write the textfile, read back with prometheus_client's parser; counters and timestamps come
from the history database, so the second file counts both runs."""
import subprocess

from prometheus_client.parser import text_string_to_metric_families

from controller import history, metrics
from tests.unit.test_watch_files import ENV, ROOT, dead_inv, watch_cmd  # noqa: F401 (fixture)
from tests.unit.test_watch_history import a_run
from tests.unit.test_watch_metrics import run as metrics_run


def samples(text: str) -> dict:
    out = {}
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def test_two_once_runs_count_both(dead_inv, tmp_path):
    prom = tmp_path / "m" / "grectl.prom"
    seen = []
    for _ in range(2):
        r = subprocess.run(watch_cmd(dead_inv, tmp_path, "--once", "--metrics-file", str(prom)),
                           capture_output=True, text=True, cwd=ROOT, timeout=120,
                           env={**ENV, "GRECTL_LAB_DIR": str(tmp_path / "nolab")})
        assert r.returncode == 1, r.stderr
        seen.append(samples(prom.read_text()))
    first, second = seen
    assert first[("grectl_runs_total", (("result", "failure"),))] == 1
    assert second[("grectl_runs_total", (("result", "failure"),))] == 2        # across processes
    assert second[("grectl_runs_total", (("result", "ok"),))] == 0
    assert second[("grectl_last_run_timestamp_seconds", ())] > first[("grectl_last_run_timestamp_seconds", ())]
    assert second[("grectl_last_run_exit_code", ())] == 1
    assert second[("grectl_last_success_timestamp_seconds", ())] == 0          # never succeeded
    for dev in ("tokyo", "osaka", "fukuoka"):
        assert second[("grectl_device_unreachable", (("device", dev),))] == 1
        assert ("grectl_device_drift", (("device", dev),)) not in second        # unknown, not 0
    assert len(history.query(tmp_path / "h.db")) == 2


def test_last_success_survives_a_failed_run_in_a_new_process(tmp_path):
    """A success recorded by an earlier process is still the last success after a failure."""
    db = tmp_path / "h.db"
    ok = a_run(1_000.0, state="in-sync")
    ok.checks = [c for c in ok.checks if c.status == "pass"]
    ok.exit_code = 0
    history.record(db, ok)
    failed = metrics_run(check_ok=False, started=2_000.0)
    history.record(db, failed)
    reg, collector = metrics.registry()                      # a fresh process's collector
    collector.update(failed, history.totals(db))
    metrics.write_file(tmp_path / "m.prom", reg)
    m = samples((tmp_path / "m.prom").read_text())
    assert m[("grectl_last_success_timestamp_seconds", ())] == 1_002.5
    assert m[("grectl_runs_total", (("result", "ok"),))] == 1
    assert m[("grectl_runs_total", (("result", "failure"),))] == 1
    assert m[("grectl_device_drift", (("device", "osaka"),))] == 1
    assert ("grectl_device_drift", (("device", "fukuoka"),)) not in m   # unreachable: no drift sample


def test_retention_keeps_the_counters(dead_inv, tmp_path):
    prom = tmp_path / "grectl.prom"
    history.record(tmp_path / "h.db", a_run(1_000.0))      # 1970: older than any --keep
    r = subprocess.run(watch_cmd(dead_inv, tmp_path, "--once", "--keep", "30d", "--metrics-file", str(prom)),
                       capture_output=True, text=True, cwd=ROOT, timeout=120,
                       env={**ENV, "GRECTL_LAB_DIR": str(tmp_path / "nolab")})
    assert r.returncode == 1, r.stderr
    assert [run["started"] > 1e9 for run in history.query(tmp_path / "h.db")] == [True]
    assert samples(prom.read_text())[("grectl_runs_total", (("result", "failure"),))] == 2
    bad = subprocess.run(watch_cmd(dead_inv, tmp_path, "--once", "--keep", "forever"), capture_output=True,
                         text=True, cwd=ROOT, timeout=60, env=ENV)
    assert bad.returncode == 1 and "--keep 'forever'" in bad.stderr and "Traceback" not in bad.stderr
