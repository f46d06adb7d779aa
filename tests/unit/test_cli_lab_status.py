"""`grectl lab status` on a running lab prints its table (it used to end in a NameError traceback).

The lab runtime's answer is recorded here (what `controller.lab.status` returns for a running hub + 2
sites), so the CLI's rendering of it runs without starting routers."""
import json

import pytest

import controller.lab
from controller import cli

DAEMONS = ("sshd", "charon", "zebra", "ospfd", "staticd")


def rows(healthy: bool = True):
    out = []
    for i, name in enumerate(("tokyo", "osaka", "fukuoka")):
        ok = healthy or name != "osaka"
        out.append({"name": name, "mgmt_ip": f"172.31.255.{11 + i}", "up": True, "ssh": ok,
                    "daemons": {d: ok for d in DAEMONS}})
    return out


def _status(monkeypatch, capsys, tmp_path, answer, *extra):
    seen = []
    monkeypatch.setattr(controller.lab, "status", lambda state: seen.append(state) or answer)
    with pytest.raises(SystemExit) as e:
        cli.main(["lab", "status", "--state-dir", str(tmp_path), *extra])
    c = capsys.readouterr()
    assert seen == [tmp_path]
    return e.value.code, c.out, c.err


def test_running_lab_table(monkeypatch, capsys, tmp_path):
    rc, out, err = _status(monkeypatch, capsys, tmp_path, rows())
    assert rc == 0, err
    assert "Traceback" not in out + err and "internal error" not in err
    for name in ("tokyo", "osaka", "fukuoka", "172.31.255.12", "charon", "ospfd"):
        assert name in out
    assert "no" not in out.split()


def test_unhealthy_router_exit_1(monkeypatch, capsys, tmp_path):
    rc, out, err = _status(monkeypatch, capsys, tmp_path, rows(healthy=False))
    assert rc == 1 and "osaka" in out and "no" in out and "Traceback" not in out + err


def test_json(monkeypatch, capsys, tmp_path):
    rc, out, _ = _status(monkeypatch, capsys, tmp_path, rows(), "--json")
    assert rc == 0 and [r["name"] for r in json.loads(out)] == ["tokyo", "osaka", "fukuoka"]


def test_not_running(monkeypatch, capsys, tmp_path):
    rc, out, err = _status(monkeypatch, capsys, tmp_path, [])
    assert rc == 1 and "lab not running" in out and "Traceback" not in err
