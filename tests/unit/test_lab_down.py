"""`lab down` returns only when no lab process is left: a process that takes its time to exit after
the backend's stop (as a UML kernel tearing down its memory does) is waited for, a zombie counts
as present until reaped, and a pid reused by another process is not waited for."""
import json
import subprocess
import sys
import time

import pytest

from controller.errors import LabError
from controller.lab import procs, runtime

SLOW_EXIT = ("import signal, sys, time\n"
             "signal.signal(signal.SIGTERM, lambda *a: (time.sleep(1.5), sys.exit(0)))\n"
             "print('ready', flush=True)\n"
             "time.sleep(600)\n")


def slow_process():
    p = subprocess.Popen([sys.executable, "-c", SLOW_EXIT], stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline() == "ready\n"
    return p


class FakeBackend:
    """A backend whose stop() only asks the processes to end and returns at once."""
    def __init__(self, ps):
        self.ps = ps

    def pids(self, state_dir, meta):
        return [p.pid for p in self.ps]

    def stop(self, state_dir, meta):
        for p in self.ps:
            p.terminate()
        return "graceful"


@pytest.fixture
def lab_dir(tmp_path, monkeypatch):
    (tmp_path / "lab.json").write_text(json.dumps({"backend": "fake", "name": "t"}))
    monkeypatch.setattr(runtime.netconf, "pids", lambda state_dir: [])
    monkeypatch.setattr(runtime.netconf, "stop_all", lambda state_dir: None)
    return tmp_path


def test_down_waits_until_the_processes_are_gone(lab_dir, monkeypatch):
    ps = [slow_process(), slow_process()]
    monkeypatch.setattr(runtime.backends, "get", lambda name: FakeBackend(ps))
    t0 = time.monotonic()
    result = runtime.down(lab_dir)
    assert result == {"stopped": True, "how": "graceful"}
    assert time.monotonic() - t0 >= 1.4                          # it waited for the slow exit
    assert all(procs.start_time(p.pid) is None for p in ps)        # not even a zombie left
    assert not (lab_dir / "lab.json").exists()


def test_down_fails_while_a_process_stays(lab_dir, monkeypatch):
    stubborn = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        backend = FakeBackend([])
        backend.pids = lambda state_dir, meta: [stubborn.pid]
        monkeypatch.setattr(runtime.backends, "get", lambda name: backend)
        monkeypatch.setattr(runtime, "DOWN_WAIT", 0.5)
        with pytest.raises(LabError, match=f"still running after 0.5s: pids \\[{stubborn.pid}\\]"):
            runtime.down(lab_dir)
        assert (lab_dir / "lab.json").exists()                    # a second `lab down` can try again
    finally:
        stubborn.kill()
        stubborn.wait()


def test_a_reused_pid_is_not_waited_for():
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    assert procs.remaining({p.pid: "1"}) == []                      # gone
    me = procs.snapshot([subprocess.os.getpid()])
    assert procs.remaining(me) == [subprocess.os.getpid()]
    assert procs.remaining({pid: "0" for pid in me}) == []          # same pid, other start time
