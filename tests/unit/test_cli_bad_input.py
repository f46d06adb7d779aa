"""Bad input: a clear file/field message, exit 1, no traceback, and no device is contacted."""
import subprocess
import sys

import pytest

from tests.conftest import ROOT, edit_yaml


@pytest.mark.parametrize("command", [["deploy"], ["deploy", "--dry-run"], ["verify"], ["drift"], ["rollback"],
                                     ["render"], ["lab", "up"], ["lab", "export", "--format", "containerlab"]])
def test_invalid_inventory_stops_before_any_device(inv, tmp_path, command):
    edit_yaml(inv / "overlay.yaml", {"sites.osaka.wan.address": "198.51.100.300/30"})
    r = subprocess.run([sys.executable, "-m", "controller", *command, "-i", str(inv)], capture_output=True,
                       text=True, cwd=ROOT, timeout=60, env={"GRECTL_LAB_DIR": str(tmp_path / "nolab"),
                                                            "PATH": "/usr/bin:/bin"})
    assert r.returncode == 1
    assert "Traceback" not in r.stdout + r.stderr
    assert f"{inv}/overlay.yaml: sites.osaka.wan.address:" in r.stderr
    assert not (tmp_path / "nolab").exists()


def test_unknown_site_is_a_clear_error(inv):
    r = subprocess.run([sys.executable, "-m", "controller", "deploy", "--site", "kyoto", "-i", str(inv)],
                       capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert r.returncode == 1 and "unknown site 'kyoto'" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("var, value, says", [
    ("GRECTL_SSH_RETRIES", "abc", "is not a whole number from 0 to 20"),
    ("GRECTL_SSH_RETRIES", "-1", "is not a whole number from 0 to 20"),
    ("GRECTL_SSH_RETRIES", "2.5", "is not a whole number"),
    ("GRECTL_SSH_BACKOFF", "nan", "is not a number from 0 to 300"),
    ("GRECTL_SSH_CONNECTING", "0", "is not a whole number from 1 to 1000"),
    ("GRECTL_SSH_TIMEOUT", "-5", "is not a number from 0.1 to 3600"),
    ("GRECTL_SSH_COMMAND_TIMEOUT", "1e9", "is not a number from 1 to 86400"),
])
@pytest.mark.parametrize("command", [["deploy"], ["verify"]])
def test_bad_connection_setting_is_a_clear_error_before_any_device(inv, tmp_path, var, value, says, command):
    r = subprocess.run([sys.executable, "-m", "controller", *command, "-i", str(inv)], capture_output=True,
                       text=True, cwd=ROOT, timeout=60,
                       env={"GRECTL_LAB_DIR": str(tmp_path / "nolab"), "PATH": "/usr/bin:/bin", var: value,
                            "GRECTL_SSH_KEY": str(tmp_path / "no-key")})
    assert r.returncode == 1
    assert "Traceback" not in r.stdout + r.stderr
    assert f"environment variable {var}: '{value}' {says}" in r.stderr
    assert not (tmp_path / "nolab").exists()
