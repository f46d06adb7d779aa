"""The router-side piece of ``grectl drill`` (issue 23) on a Linux router: POSIX sh scripts the
controller runs in one SSH round trip each (``run_script``). Pure: text out.

The drill takes ONE tunnel interface down on a site. Before it does, ``arm`` starts a timer in its
own session (``setsid``, fds closed: it outlives the SSH session and the controller, like the
agent's commit-confirm revert timer) that brings the tunnel back up by itself after ``seconds``,
then lets the agent re-apply the stored tunnel definition (``agent.py restore``: addresses an
interface-down flushed, IPv6's, come back). ``disarm`` is the controller's own early restore.
Every name reaching a script is quoted with ``shlex.quote``; addresses are ipaddress objects.
"""
from __future__ import annotations

import shlex

PID = "drill.pid"        # the timer's pid, in the agent dir
PING_PID = "drill-ping.pid"
PING_LOG = "drill-ping.log"


def _restore(interface: str, agent_dir: str) -> str:
    q, d = shlex.quote(interface), shlex.quote(agent_dir)
    return f"ip link set dev {q} up; python3 {d}/agent.py restore >/dev/null 2>&1 || true"


def arm(interface: str, seconds: int, agent_dir: str = "/etc/grectl") -> str:
    """Start the restore timer, then take ``interface`` down; prints the router's clock (epoch
    seconds) at the moment it went down. Refuses while another drill's timer runs."""
    d, q = shlex.quote(agent_dir), shlex.quote(interface)
    timer = shlex.quote(f"echo $$ > {d}/{PID}; sleep {int(seconds)}; {_restore(interface, agent_dir)}; "
                        f"rm -f {d}/{PID}; echo \"$(date +%FT%T) drill timer restored the drilled tunnel\" "
                        f">> {d}/revert.log")
    return (f"if [ -e {d}/{PID} ] && read p < {d}/{PID} && kill -0 \"$p\" 2>/dev/null; then "
            f"echo 'drill: another drill is running on this router' >&2; exit 1; fi\n"
            f"ip link show dev {q} >/dev/null || exit 1\n"
            f"setsid sh -c {timer} </dev/null >/dev/null 2>&1 &\n"
            f"i=0; while [ ! -s {d}/{PID} ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done\n"
            f"[ -s {d}/{PID} ] || {{ echo 'drill: the restore timer did not start' >&2; exit 1; }}\n"
            f"date +%s.%N\nip link set dev {q} down\n")


def disarm(interface: str, agent_dir: str = "/etc/grectl") -> str:
    """Stop the timer (if still running) and bring ``interface`` back; prints the router's clock."""
    d = shlex.quote(agent_dir)
    return (f"if [ -e {d}/{PID} ] && read p < {d}/{PID}; then kill \"$p\" 2>/dev/null; fi; rm -f {d}/{PID}\n"
            f"date +%s.%N\n{_restore(interface, agent_dir)}\n")


def link_up(interface: str) -> str:
    """Prints 'up' when ``interface`` is administratively up."""
    return f"ip -o link show dev {shlex.quote(interface)} | grep -q '<[^>]*[<,]UP[,>]' && echo up || echo down\n"


def probe_start(source, target, interval: float, agent_dir: str = "/etc/grectl", limit: int = 300) -> str:
    """A steady ping from the router's LAN address ``source`` to ``target`` in the background,
    timestamped (-D), into the agent dir's drill log; it ends by itself after ``limit`` seconds
    (-w), so a controller that dies leaves no probe running for long."""
    d = shlex.quote(agent_dir)
    return (f"if [ -e {d}/{PING_PID} ] && read p < {d}/{PING_PID}; then kill \"$p\" 2>/dev/null; fi\n"
            f"lb=; command -v stdbuf >/dev/null 2>&1 && lb='stdbuf -oL'\n"  # a line per reply, not a block
            f"setsid $lb ping -D -n -i {interval:.1f} -W 1 -w {int(limit)} -I {source} {target} "
            f"</dev/null > {d}/{PING_LOG} 2>&1 &\n"
            f"echo $! > {d}/{PING_PID}\ndate +%s.%N\n")


def probe_read(agent_dir: str = "/etc/grectl") -> str:
    return f"cat {shlex.quote(agent_dir)}/{PING_LOG}\n"


def probe_stop(agent_dir: str = "/etc/grectl") -> str:
    d = shlex.quote(agent_dir)
    return (f"if [ -e {d}/{PING_PID} ] && read p < {d}/{PING_PID}; then kill -INT \"$p\" 2>/dev/null; fi\n"
            f"rm -f {d}/{PING_PID}; sleep 0.3; cat {d}/{PING_LOG}\n")


def route_wait(target, interface: str, timeout: float) -> str:
    """Wait (up to ``timeout`` s) until ``target`` is routed out of ``interface``; prints the
    router's clock when it is, or 'timeout'."""
    return (f"pat=$(printf ' dev %s ' {shlex.quote(interface)})\n"
            f"end=$(( $(date +%s) + {int(timeout) + 1} ))\n"
            f"while [ $(date +%s) -lt $end ]; do\n"
            f"  if ip route get {target} | grep -qF -- \"$pat\"; then date +%s.%N; exit 0; fi\n"
            f"  sleep 0.1\ndone\necho timeout\n")
