"""The commit-confirm timer's pid is on disk when ``commit`` returns: a confirm that comes at once
(in the lab, a fresh SSH session a fraction of a second later) finds it and stops the timer."""
import os
import signal
import subprocess
import sys
import time

from controller.platforms.linux.router import agent


def test_pid_file_is_written_before_the_call_returns(tmp_path):
    # in a child process: the timer forks, and forking pytest itself would copy its threads
    code = ("import sys; from controller.platforms.linux.router import agent; agent.STATE = sys.argv[1]; "
            "agent.spawn_revert_timer(30); print(open(agent.path('pending.pid')).read())")
    p = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=20,
                       cwd=os.path.dirname(os.path.dirname(agent.__file__)))
    assert p.returncode == 0, p.stderr
    pid = int(p.stdout.strip())
    try:
        os.kill(pid, 0)  # the timer is alive, in its own session, and the pid names it
        assert os.getsid(pid) != os.getsid(0)
    finally:
        os.kill(pid, signal.SIGTERM)
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    assert (tmp_path / "pending.pid").read_text() == f"{pid}\n"  # a line, so `read p` takes it


def test_the_confirm_shell_reads_the_pid_file(tmp_path):
    """The driver's confirm is `read p < pending.pid && kill $p`: it needs a whole line."""
    f = tmp_path / "pending.pid"
    agent.write_private(str(f), "4242\n", 0o644)
    out = subprocess.run(["sh", "-c", f"read p < {f} && echo got $p"], capture_output=True, text=True).stdout
    assert out == "got 4242\n"
