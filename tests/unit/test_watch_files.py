"""What ships for running watch for real: systemd units, the compose service, the CLI end to end
against devices that do not answer (a closed port on loopback), and SIGTERM between runs."""
import configparser
import json
import shutil
import signal
import subprocess
import sys
import time

import pytest
import yaml

from controller import history
from tests.conftest import ROOT, edit_yaml

UNITS = ROOT / "deploy" / "systemd"


def unit(name) -> configparser.ConfigParser:
    c = configparser.ConfigParser(strict=False, interpolation=None)
    c.optionxform = str
    c.read(UNITS / name)
    return c


def watch_options() -> str:
    r = subprocess.run([sys.executable, "-m", "controller", "watch", "--help"], capture_output=True, text=True,
                       cwd=ROOT, timeout=60, env={"PATH": "/usr/bin:/bin", "COLUMNS": "300"})
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_systemd_units_run_watch_once_on_a_timer():
    svc, timer = unit("grectl-watch.service"), unit("grectl-watch.timer")
    cmd = svc["Service"]["ExecStart"].split()
    assert cmd[:4] == ["/usr/bin/env", "grectl", "watch", "--once"] and svc["Service"]["Type"] == "oneshot"
    helptext = watch_options()
    for opt in (w for w in cmd if w.startswith("--")):
        assert opt in helptext, f"ExecStart uses {opt}, which grectl watch does not have"
    assert timer["Timer"]["OnCalendar"] and timer["Install"]["WantedBy"] == "timers.target"


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
def test_systemd_units_verify():
    r = subprocess.run(["systemd-analyze", "verify", str(UNITS / "grectl-watch.service"),
                        str(UNITS / "grectl-watch.timer")], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and not r.stderr.strip(), r.stderr


def test_compose_watch_service_keeps_its_history_and_checks_health():
    doc = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert "grectl" in doc["services"]   # the one-shot service is still there
    w = doc["services"]["watch"]
    assert w["command"][0] == "watch"
    db_dir = str(__import__("pathlib").PurePosixPath(w["environment"]["GRECTL_HISTORY"]).parent)
    assert any(v.split(":")[0] in doc["volumes"] and v.split(":")[1] == db_dir for v in w["volumes"])
    assert w["healthcheck"]["test"][1:4] == ["grectl", "history", "--max-age"]
    helptext = watch_options()
    for opt in (x for x in w["command"] if x.startswith("--")):
        assert opt in helptext


def compose_cmd():
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    return ["docker-compose"] if shutil.which("docker-compose") else None


@pytest.mark.skipif(compose_cmd() is None, reason="neither docker compose nor docker-compose installed")
def test_docker_compose_config_is_valid():
    r = subprocess.run([*compose_cmd(), "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
                       capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert r.returncode == 0, r.stderr


@pytest.fixture
def dead_inv(inv):
    """The example inventory with every device on a closed loopback port: unreachable at once."""
    edit_yaml(inv / "hosts.yaml", {k: v for n, h in enumerate(("tokyo", "osaka", "fukuoka"), 2)  # own addresses
                                   for k, v in ((f"{h}.hostname", f"127.0.0.{n}"), (f"{h}.port", 1))})
    return inv


def watch_cmd(inv, tmp_path, *args):
    return [sys.executable, "-m", "controller", "watch", "-i", str(inv), "--history", str(tmp_path / "h.db"),
            "--backup-dir", str(tmp_path / "b"), "--workers", "3", *args]


ENV = {"PATH": "/usr/bin:/bin", "COLUMNS": "200"}


def test_watch_once_records_unreachable_devices_and_exits_1(dead_inv, tmp_path):
    r = subprocess.run(watch_cmd(dead_inv, tmp_path, "--once", "--metrics-file", str(tmp_path / "m.prom")),
                       capture_output=True, text=True, cwd=ROOT, timeout=120,
                       env={**ENV, "GRECTL_LAB_DIR": str(tmp_path / "nolab")})
    assert r.returncode == 1, r.stdout + r.stderr
    assert "3 unreachable" in r.stderr and "Traceback" not in r.stderr
    runs = history.query(tmp_path / "h.db")
    assert len(runs) == 1 and {d["state"] for d in runs[0]["devices"]} == {"unreachable"}
    assert "grectl_devices_unreachable 3.0" in (tmp_path / "m.prom").read_text()
    out = subprocess.run([sys.executable, "-m", "controller", "history", "--json", "--history",
                          str(tmp_path / "h.db")], capture_output=True, text=True, cwd=ROOT, timeout=60, env=ENV)
    assert json.loads(out.stdout)["runs"][0]["exit_code"] == 1


def test_watch_with_a_bad_site_or_history_is_a_clear_error(dead_inv, tmp_path):
    r = subprocess.run(watch_cmd(dead_inv, tmp_path, "--once", "--site", "kyoto"), capture_output=True,
                       text=True, cwd=ROOT, timeout=60, env=ENV)
    assert r.returncode == 1 and "unknown site 'kyoto'" in r.stderr and "Traceback" not in r.stderr
    (tmp_path / "file").write_text("")
    r = subprocess.run([*watch_cmd(dead_inv, tmp_path, "--once"), "--history", str(tmp_path / "file" / "h.db")],
                       capture_output=True, text=True, cwd=ROOT, timeout=60, env=ENV)
    assert r.returncode == 1 and "--history" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "h.db").exists()


def test_sigterm_between_runs_ends_the_loop_at_once(dead_inv, tmp_path):
    p = subprocess.Popen(watch_cmd(dead_inv, tmp_path, "--interval", "3600"), cwd=ROOT, text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env={**ENV, "GRECTL_LAB_DIR": str(tmp_path / "nolab")})
    try:
        deadline = time.monotonic() + 90
        while not history.query(tmp_path / "h.db") and time.monotonic() < deadline:
            time.sleep(0.3)
        assert history.query(tmp_path / "h.db"), "no run recorded"
        t0 = time.monotonic()
        p.send_signal(signal.SIGTERM)
        assert p.wait(timeout=30) == 0, p.stderr.read()
        assert time.monotonic() - t0 < 10
        assert "SIGTERM: stopped between runs" in p.stderr.read()
        assert len(history.query(tmp_path / "h.db")) == 1
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
