"""A secret given in any field never appears in any output or file the CLI writes.

Secrets go in everywhere one can be given: the PSK file, a PSK env var (per-site override), a host
password, a group password, defaults' password, and a NAPALM/Netmiko secret in connection_options.
Every command then runs (devices are on loopback ports that refuse connections: nothing leaves the
machine) and its stdout, stderr and every file it wrote are searched for each value.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, copy_inventory, edit_yaml

SECRETS = {
    "psk_file": "psk-file-secret-7f3a9c2e1b",
    "psk_env": "psk-env-secret-4d8e2a6f0c",
    "host_password": "host-password-9b1c7e3d5a",
    "group_password": "group-password-2e6a8c0f4b",
    "defaults_password": "defaults-password-6c0e4a8b2d",
    "enable_secret": "enable-secret-1a5c9e3f7b",
}


@pytest.fixture
def secret_inv(tmp_path):
    inv = copy_inventory(tmp_path, psk=SECRETS["psk_file"])
    edit_yaml(inv / "hosts.yaml", {
        "tokyo.hostname": "127.0.0.1", "osaka.hostname": "127.0.0.2", "fukuoka.hostname": "127.0.0.3",
        "osaka.password": SECRETS["host_password"],
        "fukuoka.connection_options": {"napalm": {"extras": {"secret": SECRETS["enable_secret"]}}}})
    edit_yaml(inv / "groups.yaml", {"lab_linux.password": SECRETS["group_password"]})
    edit_yaml(inv / "defaults.yaml", {"password": SECRETS["defaults_password"], "port": 9})
    edit_yaml(inv / "overlay.yaml", {"sites.fukuoka.psk": {"env": "GRECTL_TEST_SITE_PSK"}})
    return inv


def _run(inv: Path, *args: str, monkeypatch, capfd, env_psk: str | None = None) -> tuple[int, str]:
    """The CLI in-process (file descriptors captured, so library output counts too), cwd in the tmp dir."""
    from controller import cli
    monkeypatch.setenv("GRECTL_TEST_SITE_PSK", env_psk if env_psk is not None else "  " + SECRETS["psk_env"] + "\n")
    monkeypatch.setenv("GRECTL_LAB_DIR", str(inv.parent / "nolab"))
    monkeypatch.chdir(inv.parent)
    with pytest.raises(SystemExit) as e:
        cli.main([*args, "-i", str(inv)])
    c = capfd.readouterr()
    assert "Traceback" not in c.out + c.err, c.err
    return e.value.code, c.out + c.err


def _written(root: Path, skip: Path) -> str:
    texts = []
    for p in root.rglob("*"):
        if p.is_file() and not p.is_relative_to(skip):
            texts.append(p.read_bytes().decode("utf-8", "replace"))
    return "\n".join(texts)


COMMANDS = [
    ["validate"], ["validate", "--json"], ["render"], ["render", "--json"], ["render", "--out", "{tmp}/out"],
    ["render", "--site", "fukuoka"], ["deploy", "--dry-run", "--backup-dir", "{tmp}/backups"],
    ["deploy", "--dry-run", "--json", "--backup-dir", "{tmp}/backups"],
    ["deploy", "--backup-dir", "{tmp}/backups", "--confirm-timeout", "5"],
    ["drift"], ["drift", "--json"], ["verify", "--json"], ["verify"],
    ["rollback", "--backup-dir", "{tmp}/backups"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_no_secret_in_any_output_or_file(secret_inv, command, monkeypatch, capfd):
    tmp = secret_inv.parent
    _, output = _run(secret_inv, *[a.replace("{tmp}", str(tmp)) for a in command], monkeypatch=monkeypatch,
                     capfd=capfd)
    everything = output + _written(tmp, skip=secret_inv)
    leaked = [name for name, value in SECRETS.items() if value in everything]
    assert not leaked, f"{leaked} leaked:\n{output[-2000:]}"


def test_the_search_would_see_a_leak(secret_inv, monkeypatch, capfd):
    """The one way to see keys: render --show-secrets. Both PSKs are there, so the search above works."""
    _, out = _run(secret_inv, "render", "--show-secrets", monkeypatch=monkeypatch, capfd=capfd)
    assert SECRETS["psk_file"] in out and SECRETS["psk_env"] in out  # env value stripped like a file


@pytest.mark.parametrize("args", [["validate"], ["validate", "--json"], ["render"], ["deploy", "--dry-run"]])
def test_bad_psk_from_env_is_not_echoed(secret_inv, monkeypatch, capfd, args):
    rc, out = _run(secret_inv, *args, monkeypatch=monkeypatch, capfd=capfd, env_psk='bad-env-psk-"quoted"-3c7e1a')
    assert rc == 1
    assert "GRECTL_TEST_SITE_PSK: the key holds a double quote" in out
    assert "bad-env-psk" not in out


def test_real_entry_point_does_not_leak(secret_inv):
    """Once through `python -m controller` (a fresh process: logging, consoles and exit as a user sees them)."""
    env = {**os.environ, "GRECTL_TEST_SITE_PSK": SECRETS["psk_env"]}
    r = subprocess.run([sys.executable, "-m", "controller", "deploy", "--dry-run", "--backup-dir",
                        str(secret_inv.parent / "backups"), "-i", str(secret_inv)],
                       capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert r.returncode == 1 and "Traceback" not in r.stdout + r.stderr  # devices refuse: failed, exit 1
    everything = r.stdout + r.stderr + _written(secret_inv.parent, skip=secret_inv)
    assert not [n for n, v in SECRETS.items() if v in everything]
