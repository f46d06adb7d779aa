"""Table-driven: every file in cases/invalid/ is one bad input and the message it must produce.

A case file (YAML) holds:
  file + set/delete/raw/raw_append   one edit of an inventory file (dotted paths for set/delete)
  edits: [{file, set, delete, raw, raw_append}, ...]   several edits
  psk_text        new content of secrets/psk.txt
  files           {relative path: text} to create;  bytes: {relative path: hex} raw bytes
  dirs / fifos    [relative path] to create (replacing a file there)
  symlinks        {relative path: target}
  chmod           {relative path: mode}  (skipped as root, where modes do not stop reads)
  env             {NAME: value} set for the run
  families        {platform: [family, ...]} that platform's capabilities for the run (a platform
                  that cannot do IPv6, now that every built-in one can)
  resolve         {name: [address, ...]} what the (fake, offline) resolver answers; other names fail
  expect          text every run must print (one `file: field: what is wrong` line holds it)
  also / absent   more text that must / must not appear
  secret          a value that must never appear in any output (problems, text CLI, --json CLI)
"""
import dataclasses
import json
import os
import socket
from pathlib import Path

import pytest
import yaml

from controller import cli, inventory, platforms
from controller.errors import InventoryError
from tests.conftest import TEST_PSK, edit_yaml

CASES = sorted((Path(__file__).parent / "cases" / "invalid").glob("*.yaml"))


def _edit(inv: Path, edit: dict) -> None:
    target = inv / edit["file"]
    if "raw" in edit:
        target.write_text(edit["raw"])
    if "raw_append" in edit:
        target.write_text(target.read_text() + edit["raw_append"])
    if "set" in edit or "delete" in edit:
        edit_yaml(target, edit.get("set"), edit.get("delete"))


def _clear(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()


def apply_case(inv: Path, case: dict, monkeypatch=None) -> None:
    if "chmod" in case and os.geteuid() == 0:
        pytest.skip("running as root: file modes do not stop root from reading")
    if "file" in case:
        _edit(inv, case)
    for edit in case.get("edits", []):
        _edit(inv, edit)
    if "psk_text" in case:
        (inv / "secrets" / "psk.txt").write_text(case["psk_text"])
    for rel, text in (case.get("files") or {}).items():
        (inv / rel).parent.mkdir(parents=True, exist_ok=True)
        (inv / rel).write_text(text)
        (inv / rel).chmod(0o600)  # as a key file must be; a case's chmod: below may open it
    for rel, hexdata in (case.get("bytes") or {}).items():
        (inv / rel).write_bytes(bytes.fromhex(hexdata))
        (inv / rel).chmod(0o600)
    for rel in case.get("dirs", []):
        _clear(inv / rel)
        (inv / rel).mkdir()
    for rel in case.get("fifos", []):
        _clear(inv / rel)
        os.mkfifo(inv / rel)
    for rel, target in (case.get("symlinks") or {}).items():
        _clear(inv / rel)
        (inv / rel).symlink_to(target)
    for rel, mode in (case.get("chmod") or {}).items():
        (inv / rel).chmod(mode)
    if monkeypatch is not None:
        for name, value in (case.get("env") or {}).items():
            monkeypatch.setenv(name, value)
        for name, families in (case.get("families") or {}).items():
            plat = platforms.get(name)
            monkeypatch.setattr(plat, "caps", dataclasses.replace(plat.caps, families=frozenset(families)))


@pytest.fixture
def offline_resolver(monkeypatch):
    """Names resolve only from the table a test gives: no lookup ever leaves the machine."""
    table = {"localhost": ["127.0.0.1"]}

    def getaddrinfo(host, port, *args, **kwargs):
        if host in table:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, 0)) for a in table[host]]
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(inventory.socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(inventory, "_resolved", {})
    return table


def run_cli(capsys, *args) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as e:
        cli.main(list(args))
    captured = capsys.readouterr()
    return e.value.code, captured.out, captured.err


def test_example_is_valid(inv):
    ov = inventory.load(inv)
    assert sorted(ov.devices) == ["fukuoka", "osaka", "tokyo"]
    assert [t.site for t in ov.tunnels] == ["osaka", "fukuoka"]


@pytest.mark.parametrize("path", CASES, ids=[c.stem for c in CASES])
def test_invalid_case(inv, path, monkeypatch, offline_resolver, capsys):
    case = yaml.safe_load(path.read_text())
    offline_resolver.update(case.get("resolve") or {})
    apply_case(inv, case, monkeypatch)
    with pytest.raises(InventoryError) as e:
        inventory.load(inv)
    text = "\n".join(e.value.problems)
    assert case["expect"] in text
    for extra in [case["also"]] if isinstance(case.get("also"), str) else case.get("also", []):
        assert extra in text
    assert all(line.startswith(str(inv)) for line in e.value.problems), text
    assert all("\n" not in line for line in e.value.problems), text
    # the same through the CLI, as text and as JSON: exit 1, the message, no traceback, no secret
    rc, out, err = run_cli(capsys, "validate", "-i", str(inv))
    assert rc == 1 and case["expect"] in err and "Traceback" not in out + err, err
    rc, jout, jerr = run_cli(capsys, "validate", "--json", "-i", str(inv))
    assert rc == 1 and any(case["expect"] in p for p in json.loads(jout)["problems"]), jout + jerr
    everything = "\n".join([text, out, err, jout, jerr])
    for forbidden in [TEST_PSK, case.get("secret")] + (case.get("absent") or []):
        if forbidden:
            assert forbidden not in everything


def test_cli_valid_exit_0(inv, capsys):
    rc, out, err = run_cli(capsys, "validate", "-i", str(inv))
    assert rc == 0, err
    assert "valid (3 devices, 2 tunnels)" in out


def test_missing_inventory_dir(tmp_path):
    with pytest.raises(InventoryError) as e:
        inventory.load(tmp_path / "nope")
    assert "inventory directory not found" in e.value.problems[0]


def test_nornir_sees_what_grectl_sees(inv):
    """Platform inherited from defaults.yaml instead of a group: both resolvers agree."""
    edit_yaml(inv / "groups.yaml", deletes=["lab_linux.platform"])
    edit_yaml(inv / "defaults.yaml", {"platform": "linux"})
    ov = inventory.load(inv)
    assert {d.platform for d in ov.devices.values()} == {"linux"}
    assert inventory.nornir_check(ov) == []
