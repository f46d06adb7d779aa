"""Waiting for a set of host processes to be really gone: not only dead (a zombie, or a UML kernel
still tearing down its memory, whose command line is already empty) but out of the process table.

A process is known by (pid, start time), so a pid the kernel hands to a new process meanwhile is
not waited for. Zombies that are this process's own children are reaped here.
"""
from __future__ import annotations

import os
import time


def start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (/proc/PID/stat field 22), or None."""
    try:
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def snapshot(pids) -> dict[int, str]:
    return {p: t for p in set(pids) if (t := start_time(p)) is not None}


def remaining(procs: dict[int, str]) -> list[int]:
    """The processes of ``procs`` still in the process table (zombies included), reaping own children."""
    left = []
    for pid, started in procs.items():
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        if start_time(pid) == started:
            left.append(pid)
    return sorted(left)


def wait_exited(procs: dict[int, str], seconds: float, poll: float = 0.05) -> list[int]:
    """Wait up to ``seconds`` for every process of ``procs`` to leave the table; returns those left."""
    end = time.monotonic() + seconds
    while (left := remaining(procs)) and time.monotonic() < end:
        time.sleep(poll)
    return left
