"""CLI misuse: one line on stderr naming the command/option and what is wrong, exit 1, never a traceback."""
import subprocess
import sys

import pytest

from controller import cli
from tests.conftest import ROOT

# (arguments, text the one error line must hold). "{inv}" is replaced by a valid inventory.
MISUSE = [
    (["deploy", "--bogus"], "grectl deploy: No such option: --bogus"),
    (["mtu", "--underlay-mtu", "abc"], "grectl mtu: Invalid value for '--underlay-mtu'"),
    (["mtu", "--underlay-mtu", "100"], "underlay MTU 100 is outside 576-9216"),
    (["mtu", "--underlay-mtu", "99999999999999999999999"], "is outside 576-9216"),
    (["mtu", "--mode", "beet"], "unknown IPsec mode 'beet'"),
    (["mtu", "--transform", "rot13"], "unknown ESP transform 'rot13'"),
    (["mtu", "--gre-key=2"], "Option '--gre-key' does not take a value"),
    (["mtu", "--transform"], "Option '--transform' requires an argument"),
    (["verify", "--wait", "-1"], "grectl verify: Invalid value for '--wait'"),
    (["verify", "--wait", "abc"], "grectl verify: Invalid value for '--wait'"),
    (["verify", "--workers", "0"], "grectl verify: Invalid value for '--workers'"),
    (["deploy", "--confirm-timeout", "1"], "grectl deploy: Invalid value for '--confirm-timeout'"),
    (["deploy", "--workers", "0"], "grectl deploy: Invalid value for '--workers'"),
    (["deploy", "--dry-run=maybe"], "Option '--dry-run' does not take a value"),
    (["drift", "--bogus"], "grectl drift: No such option: --bogus"),
    (["rollback", "--to"], "Option '--to' requires an argument"),
    (["render", "--site"], "Option '--site' requires an argument"),
    (["render", "--out"], "Option '--out' requires an argument"),
    (["render", "--site", "kyoto", "-i", "{inv}"], "unknown site 'kyoto'"),
    (["render", "--device", "nosuch", "-i", "{inv}"], "unknown device 'nosuch'"),
    (["deploy", "--site", "kyoto", "-i", "{inv}"], "unknown site 'kyoto'"),
    (["validate", "extra"], "grectl validate: Got unexpected extra argument"),
    (["validate", "-i", "/nonexistent-grectl"], "/nonexistent-grectl: inventory directory not found"),
    (["nosuch"], "No such command 'nosuch'"),
    (["--inventory", "x", "validate"], "No such option: --inventory"),
    (["lab", "nosuch"], "grectl lab: No such command 'nosuch'"),
    (["lab", "status", "--bogus"], "grectl lab status: No such option: --bogus"),
    (["lab", "exec"], "grectl lab exec: Missing argument"),
    (["lab", "export", "--format", "dot", "-i", "{inv}"], "unknown export format 'dot'"),
    (["lab", "up", "--timeout", "abc"], "grectl lab up: Invalid value for '--timeout'"),
]


def _run(capsys, argv):
    with pytest.raises(SystemExit) as e:
        cli.main(argv)
    c = capsys.readouterr()
    return e.value.code, c.out, c.err


@pytest.mark.parametrize("args,expect", MISUSE, ids=[" ".join(a) for a, _ in MISUSE])
def test_misuse_is_one_line_exit_1(inv, capsys, args, expect):
    rc, out, err = _run(capsys, [str(inv) if a == "{inv}" else a for a in args])
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert rc == 1, (out, err)
    assert len(lines) == 1 and expect in lines[0], err
    assert "Traceback" not in out + err


@pytest.mark.parametrize("args", [["deploy", "--bogus"], ["mtu", "--underlay-mtu", "abc"], ["verify", "--wait", "-1"]])
def test_misuse_through_the_real_entry_point(args):
    r = subprocess.run([sys.executable, "-m", "controller", *args], capture_output=True, text=True, cwd=ROOT,
                       timeout=60)
    assert r.returncode == 1, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and r.stderr.startswith("error: grectl "), r.stderr
    assert "Traceback" not in r.stdout + r.stderr


@pytest.mark.parametrize("args", [[], ["lab"]])
def test_bare_group_shows_help(capsys, args):
    rc, out, err = _run(capsys, args)
    assert rc == 0 and "Traceback" not in out + err
    assert "validate" in out + err if not args else "status" in out + err


class _OldClickUsageError(Exception):
    """What click's own ClickException looks like (typer <= 0.15 raises these): no typer class involved."""
    exit_code = 2

    def __init__(self, message, ctx=None):
        super().__init__(message)
        self.message, self.ctx = message, ctx

    def format_message(self):
        return self.message


class _Ctx:
    command_path = "grectl deploy"


def test_usage_errors_of_any_click_flavour_are_recognised():
    assert cli._usage_line(_OldClickUsageError("No such option: --bogus", _Ctx())) == \
        "grectl deploy: No such option: --bogus"
    assert cli._usage_line(_OldClickUsageError("Invalid value\nfor '--x'")) == "grectl: Invalid value for '--x'"
    assert cli._usage_line(ValueError("not a usage error")) is None


def test_unexpected_error_is_one_masked_line(monkeypatch, capsys):
    def boom(*a, **k):
        raise RuntimeError('agent said: secret = "leaky-key-0123456789"\nand more')
    monkeypatch.setattr(cli.inventory, "load", boom)
    rc, out, err = _run(capsys, ["render"])
    assert rc == 1 and "Traceback" not in err
    assert err.startswith("internal error: RuntimeError:") and len(err.strip().splitlines()) == 1
    assert "leaky-key-0123456789" not in out + err
