"""CLI conventions people expect: --version, shell completion, -i wherever an inventory is read,
help for every option, validate --json with stable keys, no Rich markup read in user or device
text, tables readable at 60 and 80 columns."""
import json
import subprocess
import sys
from importlib.metadata import version

import pytest
import typer.main
from rich.console import Console

from controller import verify_view
from controller.cli import _outcome_table, app
from controller.verify import Check
from tasks.deploy import Outcome
from tests.conftest import ROOT, edit_yaml

ENV = {"PATH": "/usr/bin:/bin", "COLUMNS": "100"}
BUILTIN = {"--help", "--install-completion", "--show-completion"}


def grectl(*args, env=None, cwd=ROOT):
    return subprocess.run([sys.executable, "-c", "from controller.cli import main; main()", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=60,
                          env={**ENV, "PYTHONPATH": str(ROOT), **(env or {})})


def commands(cmd=None, path=("grectl",)):
    cmd = cmd or typer.main.get_command(app)
    yield path, cmd
    for name, sub in getattr(cmd, "commands", {}).items():
        yield from commands(sub, (*path, name))


def test_every_option_has_help():
    missing = [f"{' '.join(path)} {p.opts[0]}" for path, cmd in commands() for p in cmd.params
               if p.param_type_name == "option" and not set(p.opts) & BUILTIN and not (p.help or "").strip()]
    assert missing == []


def test_inventory_option_is_i_everywhere():
    reading = [(path, p) for path, cmd in commands() for p in cmd.params if p.name == "inventory_dir"]
    assert len(reading) >= 12
    for path, p in reading:
        assert "-i" in p.opts and "--inventory" in p.opts and p.envvar == "GRECTL_INVENTORY", path


def test_version():
    r = grectl("--version")
    assert r.returncode == 0 and r.stdout == f"grectl {version('grectl')}\n"


@pytest.mark.parametrize("shell,word,expect", [("bash", "hi", "history"), ("zsh", "ver", "verify"),
                                               ("bash", "lab d", "down")])
def test_shell_completion(shell, word, expect):
    words = f"grectl {word}".split()
    r = grectl(env={"_GRECTL_COMPLETE": f"complete_{shell}", "COMP_WORDS": " ".join(words),
                    "COMP_CWORD": str(len(words) - 1), "_TYPER_COMPLETE_ARGS": " ".join(words)})
    assert r.returncode == 0 and expect in r.stdout, r.stdout + r.stderr


@pytest.mark.parametrize("shell,marker", [("bash", "complete -o default -F"), ("zsh", "compdef"),
                                          ("fish", "complete --command grectl")])
def test_completion_scripts(shell, marker):
    """Typer detects the user's shell; here the shell is named (Typer's switch for that)."""
    r = grectl("--show-completion", shell, env={"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"})
    assert r.returncode == 0 and marker in r.stdout, r.stdout + r.stderr


def test_validate_json_keys_are_stable(inv):
    good = grectl("validate", "-i", str(inv), "--json")
    edit_yaml(inv / "overlay.yaml", {"sites.osaka.wan.mtu": 10})
    bad = grectl("validate", "-i", str(inv), "--json")
    assert (good.returncode, bad.returncode) == (0, 1)
    g, b = json.loads(good.stdout), json.loads(bad.stdout)
    assert list(g) == list(b) == ["valid", "devices", "tunnels", "problems", "notes"]
    assert (g["valid"], g["devices"], b["valid"], b["devices"]) == (True, 3, False, None)
    assert b["problems"] and all(isinstance(p, str) for p in b["problems"])


def test_bracketed_user_text_is_printed_as_written(tmp_path):
    r = grectl("mtu", "--transform", "[bold]aes[/bold]")
    assert r.returncode == 1 and "'[bold]aes[/bold]'" in r.stderr, r.stderr
    (tmp_path / "f").write_text("x\n")
    r = grectl("parse", "ios", "show foo [x]", str(tmp_path / "f"))
    assert r.returncode == 1
    text = " ".join(r.stderr.split())
    assert "'show foo [x]'" in text and "[interface TunnelN | peer A.B.C.D] [detail]" in text


def render(renderable, width):
    c = Console(width=width, record=True, color_system=None)
    c.print(renderable)
    return c.export_text().splitlines()


CHECKS = [Check(d, p, c, "fail" if c == "ike.sa" else "pass", reason="X")
          for d, p in (("tokyo", "osaka"), ("osaka", "tokyo"), ("tokyo-hub-east-1", "fukuoka-branch-7"))
          for c in ("gre.link", "ike.sa", "ipsec.sa", "df.max", "ospf.neighbor", "routes.lan", "underlay.route",
                    "config.drift")] + [Check("nagoya", "tokyo", "device.reachable", "fail")]


@pytest.mark.parametrize("width", [60, 80])
def test_verify_table_keeps_every_column(width):
    lines = render(verify_view.table(CHECKS, width), width)
    assert max(map(len, lines)) <= width
    header = next(ln for ln in lines if "GRE" in ln).split()
    assert header == ["device", "peer", "GRE", "IKE", "ESP", "DF", "OSPF", "rte", "rec", "cfg"]
    body = "\n".join(lines)
    assert body.count("✗") == 3 and "unreachable" in body
    assert len(lines) < 16


@pytest.mark.parametrize("width", [60, 80])
def test_outcome_table_at_narrow_widths(width):
    outcomes = [Outcome("tokyo", "hub", "failed", error="commit refused: [interface Tunnel1] % Invalid input"),
                Outcome("osaka", "site", "would-change", diff="+a\n-b\n")]
    lines = render(_outcome_table("deploy", outcomes), width)
    assert max(map(len, lines)) <= width
    header = next(ln for ln in lines if "device" in ln)
    assert all(col in header for col in ("device", "role", "status"))
    assert "[interface Tunnel1] % Invalid input" in " ".join(" ".join(lines).replace("│", " ").split())
