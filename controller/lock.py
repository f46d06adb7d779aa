"""One change at a time: a file lock per inventory, in its state directory (``controller.paths``:
``<inventory>/.grectl/change.lock`` or under ``GRECTL_STATE_DIR``), wherever grectl is run from.

deploy, rollback and a remediating watch hold it while they change devices; read-only commands
(drift, verify, render) never touch it. The lock is an ``flock`` on a file: the kernel releases it
when the holder exits, however it exits, so a crash never leaves a lock that blocks the next
change. The file also names the holder (pid, command, since) so a waiting command can say who
it waits for; a name left by a dead pid is reported as stale and replaced.
"""
from __future__ import annotations

import fcntl
import json
import os
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from .errors import GrectlError


class LockBusy(GrectlError):
    """Another change holds the lock for longer than we were willing to wait."""


@dataclass
class Holder:
    pid: int
    command: str
    since: float

    def describe(self) -> str:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.since))
        return f"pid {self.pid} ({self.command}) since {when}"


def lock_path(inventory_dir: Path) -> Path:
    """The inventory's change lock: keyed to its absolute path, never to the current directory
    or the backup directory."""
    from .paths import lock_file
    return lock_file(inventory_dir)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def read_holder(path: Path) -> Holder | None:
    try:
        doc = json.loads(Path(path).read_text() or "null")
        return Holder(int(doc["pid"]), str(doc["command"]), float(doc["since"])) if doc else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def current_command() -> str:
    words = [Path(sys.argv[0]).name if sys.argv else "grectl"] + sys.argv[1:]
    if words[0] in ("__main__.py", "-m", "python", "python3"):
        words[0] = "grectl"
    return " ".join(words)[:200]


@contextmanager
def hold(path: Path, timeout: float, command: str | None = None,
         sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic,
         on_wait: Callable[[Holder | None], None] = lambda h: None,
         on_stale: Callable[[Holder], None] = lambda h: None) -> Iterator[Holder]:
    """Hold the lock at ``path``; wait up to ``timeout`` seconds, then raise LockBusy naming the holder."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        deadline = clock() + timeout
        waited = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = read_holder(path)
                if clock() >= deadline:
                    who = holder.describe() if holder else "another process (not named yet)"
                    raise LockBusy(f"another change holds the lock {path}: {who}; "
                                   f"waited {timeout:g}s (--lock-timeout)") from None
                if not waited:
                    on_wait(holder)
                    waited = True
                sleep(min(0.2, max(0.0, deadline - clock())))
        old = read_holder(path)
        if old is not None and old.pid != os.getpid():
            if not pid_alive(old.pid):
                on_stale(old)
        me = Holder(os.getpid(), command or current_command(), time.time())
        _write(fd, json.dumps({"pid": me.pid, "command": me.command, "since": me.since}) + "\n")
        try:
            yield me
        finally:
            _write(fd, "")
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _write(fd: int, text: str) -> None:
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, text.encode())
    os.fsync(fd)


def for_change(inventory_dir: Path, timeout: float, skip: bool = False):
    """The lock a changing command holds (nothing for a dry run); says on stderr when it waits."""
    from contextlib import nullcontext

    from .console import err
    if skip:
        return nullcontext()
    return hold(lock_path(inventory_dir), timeout,
                on_wait=lambda h: err.print(f"waiting up to {timeout:g}s for the change lock held by "
                                            f"{h.describe() if h else 'another process'}", highlight=False,
                                            markup=False),
                on_stale=lambda h: err.print(f"stale lock of {h.describe()} (process gone): taken over",
                                             highlight=False, markup=False))


def guarded(fn: Callable, inventory_dir: Path, timeout: float, skip: bool = False) -> Callable:
    """``fn`` called while holding the change lock."""
    def call(*args, **kw):
        with for_change(inventory_dir, timeout, skip):
            return fn(*args, **kw)
    return call


def timeout_option():
    import typer
    return typer.Option(60.0, "--lock-timeout", min=0, envvar="GRECTL_LOCK_TIMEOUT",
                        help="Seconds to wait for another deploy/rollback/remediation to finish; then exit 1.")
