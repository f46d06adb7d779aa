"""NAPALM driver ``linux_frr``: Linux routers with kernel GRE, strongSwan (swanctl) and FRR.

Load with ``napalm.get_network_driver("linux_frr")``. The device side is a small
stdlib agent (agent.py and the modules beside it in router/) uploaded on ``open()`` when missing or
stale; it holds checkpoints and the commit-confirm timer, so an unconfirmed commit
rolls back even if this process dies or management is lost.

optional_args:
  key_file      private key for SSH (no password needed)
  known_hosts   file of trusted host keys (GRECTL_KNOWN_HOSTS, else ~/.ssh/known_hosts): the
                router's key must be in it before anything is sent (napalm_grectl_cli.hostkeys)
  host_key_policy  strict (default) or accept-new (a new key is recorded; a changed key is refused)
  hash_known_hosts accept-new records hashed host names
  port          SSH port (22)
  secrets       {fingerprint: psk} for placeholders in candidates (see controller.secrets)
  agent_dir     where the agent lives on the router (/etc/grectl)
  swanctl_file  the swanctl file grectl owns (/etc/swanctl/conf.d/grectl.conf)
  conn_retries  connection attempts after the first on transient failures (3): timeouts, refused,
                reset, no SSH banner; never on permanent ones (authentication, unknown or changed
                host key), which fail at once (the same policy for every grectl transport:
                napalm_grectl_cli.connect)
  conn_backoff  seconds before the first retry, doubled each time, with jitter (1.0)
  command_timeout  seconds one command may run (600): a commit on a router whose CPU is shared
                (the UML lab: 20 commits at once took over 120 s each) is slow, not lost
  max_connecting  SSH handshakes in progress at once in this process (8): a device waiting for
                a slot is not timing out; its connect timeout starts when its handshake does
"""
from __future__ import annotations

import hashlib
import json
import random
import secrets as _secrets
import shlex
import time
from pathlib import Path

import paramiko
from napalm.base import NetworkDriver
from napalm.base.exceptions import (
    CommandErrorException,
    CommitError,
    ConnectionException,
    MergeConfigException,
    ReplaceConfigException,
)

from controller import secretforms
from napalm_grectl_cli import connect
from napalm_grectl_cli.hostkeys import GuardedClient

from . import frrmerge
from .router import linuxconf

HERE = Path(__file__).parent / "router"
# What the router runs, by its name there (one flat directory): the agent and the modules it
# imports (every .py under router/ but the package marker), and the placeholder/masking module
# linuxconf imports (stdlib-only, self-contained).
AGENT_FILES = {**{p.name: p for p in sorted(HERE.glob("*.py")) if p.name != "__init__.py"},
               "secretforms.py": Path(secretforms.__file__)}
# The agent is imported, not run as a script: Python then keeps its compiled form on the router
# (__pycache__) instead of compiling ~400 lines on every call; -S skips site (stdlib only).
RUN_AGENT = "import sys; sys.path.insert(0, sys.argv.pop(1)); import agent; sys.exit(agent.main(sys.argv[1:]))"


def agent_command(agent_dir: str) -> str:
    """The shell words that run the agent (bench/bench_commit.py swaps in the old ones)."""
    return f"python3 -S -c {shlex.quote(RUN_AGENT)} {agent_dir}"


_mask = linuxconf.mask  # secrets never leave this driver in clear
STALE = 86  # exit code of an agent call when the router's agent is missing or another version


def _digest() -> str:
    global _DIGEST
    if _DIGEST is None:
        _DIGEST = hashlib.sha256(b"".join(p.read_bytes() for p in AGENT_FILES.values())).hexdigest()[:16]
    return _DIGEST


_DIGEST: str | None = None

_connect_slots = connect.connect_slots   # one bound for every transport's handshakes
permanent = connect.permanent


def _no_output(rc: int) -> str:
    """The error text when the router printed none: say how it ended (-1: no exit status came,
    the process or the session was killed)."""
    return (f"exit status {rc}, no output" if rc >= 0
            else "no exit status: the command or its SSH session was killed, no output")

class LinuxFrrDriver(NetworkDriver):
    platform = "linux_frr"

    def __init__(self, hostname, username, password=None, timeout=30, optional_args=None):
        self.hostname, self.username, self.password = hostname, username, password
        self.timeout = timeout
        o = optional_args or {}
        self.port = int(o.get("port", 22))
        self.key_file = o.get("key_file")
        self.policy = connect.Policy.of(hostname, o)
        self.known_hosts = self.policy.guard.file
        self.secrets: dict[str, str] = dict(o.get("secrets") or {})
        self.agent_dir = o.get("agent_dir", "/etc/grectl")
        self.swanctl_file = o.get("swanctl_file", "/etc/swanctl/conf.d/grectl.conf")
        self.vty_dir = o.get("vty_dir", "/var/run/frr")
        self.conn_retries = self.policy.retries
        self.conn_backoff = self.policy.backoff
        self.max_connecting = self.policy.max_connecting
        self.command_timeout = float(o.get("command_timeout", 600))
        self.connect_attempts = 0
        self._pkey: paramiko.PKey | None = None
        self.client: paramiko.SSHClient | None = None
        self._candidate: str | None = None
        self._replace = False
        self._running: str | None = None  # last running config read; dropped on any change

    # ------------------------------------------------------------ connection
    def _key(self) -> paramiko.PKey | None:
        """The private key, loaded once and by its own type: given a file name, paramiko tries it as
        RSA, ECDSA, then Ed25519 and reports only the last error, so a refused RSA key showed up as
        "Invalid key" (and was retried as if the network had failed)."""
        if not self.key_file:
            return None
        try:
            return paramiko.PKey.from_path(self.key_file)
        except (OSError, paramiko.SSHException, ValueError) as e:
            raise ConnectionException(f"{self.hostname}: cannot use the SSH key {self.key_file} (not retried): "
                                      f"{e.__class__.__name__}: {e}") from None

    def open(self):
        self._pkey = self._key()
        self.client = connect.retrying(self.policy, self._connect,
                                       sleep=lambda t: time.sleep(t), jitter=lambda: random.random(),
                                       counted=lambda n: setattr(self, "connect_attempts", n))

    def _connect(self) -> paramiko.SSHClient:
        c = GuardedClient(self.policy.guard)  # the host key is checked before authentication
        c.connect(self.hostname, port=self.port, username=self.username, password=self.password or None,
                  pkey=self._pkey, timeout=self.timeout, banner_timeout=self.timeout,
                  auth_timeout=self.timeout, allow_agent=False, look_for_keys=False)
        return c

    def close(self):
        if self.client is not None:
            self.client.close()
            self.client = None

    def is_alive(self):
        t = self.client.get_transport() if self.client else None
        return {"is_alive": bool(t and t.is_active())}

    def _run(self, command: str, stdin: str | None = None, timeout: float | None = None) -> tuple[int, str, str]:
        if self.client is None:
            raise ConnectionException(f"{self.hostname}: not connected")
        try:
            i, o, e = self.client.exec_command(command, timeout=timeout or max(self.timeout, self.command_timeout))
            if stdin is not None:
                try:
                    i.write(stdin)
                    i.channel.shutdown_write()
                except (OSError, paramiko.SSHException):
                    pass  # the command ended without reading it (its exit status tells)
            out, err = o.read().decode(), e.read().decode()
            return o.channel.recv_exit_status(), out, err
        except (paramiko.SSHException, OSError) as ex:
            raise ConnectionException(f"{self.hostname}: {ex.__class__.__name__}: {ex}") from None

    def _agent(self, *args: str, error=CommitError, stdin: str | None = None) -> str:
        """One exec on the router: the agent runs only if its VERSION matches (checked by the
        shell, no extra process); otherwise it is uploaded and the call made again."""
        cmd = (f'read v < {self.agent_dir}/VERSION 2>/dev/null; [ "$v" = {_digest()} ] || exit {STALE}; '
               f"exec {agent_command(self.agent_dir)} " + " ".join(shlex.quote(a) for a in args))
        rc, out, err = self._run(cmd, stdin=stdin)
        if rc == STALE:
            self._ensure_agent()
            rc, out, err = self._run(cmd, stdin=stdin)
        if rc != 0:
            raise error(f"{self.hostname}: {_mask(err.strip() or out.strip()) or _no_output(rc)}")
        return out

    def _put(self, path: str, text: str, mode: int) -> None:
        sftp = self.client.open_sftp()
        try:
            with sftp.open(path + ".tmp", "w") as f:
                f.chmod(mode)
                f.write(text)
            sftp.posix_rename(path + ".tmp", path)
        finally:
            sftp.close()

    def _ensure_agent(self) -> None:
        self._run(f"mkdir -p -m 700 {self.agent_dir} {self.agent_dir}/secrets")
        for name, source in AGENT_FILES.items():
            self._put(f"{self.agent_dir}/{name}", source.read_text(), 0o700)
        self._put(f"{self.agent_dir}/VERSION", _digest() + "\n", 0o644)

    # ------------------------------------------------------------ getters
    def _json(self, what: str) -> dict:
        return json.loads(self._agent(what))

    def get_facts(self):
        return self._json("facts")

    def get_interfaces(self):
        return self._json("interfaces")

    def get_interfaces_ip(self):
        return self._json("ips")

    def _read_running(self) -> str:
        if self._running is None:
            self._running = linuxconf.dump(self._running_doc())
        return self._running

    def _running_doc(self) -> linuxconf.Doc:
        """The four raw reads in one shell round trip (no Python start-up on the router); the
        document is built here, with the same code the agent uses. The swanctl file is masked
        before it is parsed or kept."""
        m = "@@grectl-" + _secrets.token_hex(8)  # a marker no file content can forge
        f = shlex.quote(self.swanctl_file)
        script = (f"echo '{m} ip'; ip -d -j addr show\n"
                  f"if [ -r {f} ]; then echo; echo '{m} swanctl'; cat {f}; fi\n"
                  + frrmerge.read_script(m, self.vty_dir))
        rc, out, err = self._run("sh -s", stdin=script)
        parts: dict[str, list[str]] = {}
        cur = None
        for line in out.splitlines():
            if line.startswith(m + " "):
                cur = parts.setdefault(line[len(m) + 1:], [])
            elif cur is not None:
                cur.append(line)
        text = {k: "\n".join(v) for k, v in parts.items()}
        if "frr" not in text:   # the daemons answered: merged as vtysh would (vtysh is the fallback)
            text["frr"] = frrmerge.merge(text.get("frrd", ""), text.get("vtyshconf", ""))
        try:
            return linuxconf.running_doc(text.get("ip", ""), text.get("swanctl"), text.get("conns", ""),
                                         text.get("frr", ""))
        except ValueError as e:  # JSONDecodeError too; the swanctl text was masked before parsing
            raise CommandErrorException(f"{self.hostname}: cannot read the running config: "
                                        f"{_mask(str(e))[:300]} {_mask(err.strip())[:200]}") from None

    def get_config(self, retrieve="all", full=False, sanitized=False, format="text"):
        running = self._read_running() if retrieve in ("all", "running") else ""
        candidate = _mask(self._candidate_text()) if retrieve in ("all", "candidate") and self._candidate else ""
        return {"running": running, "startup": running if retrieve in ("all", "startup") else "",
                "candidate": candidate}

    def cli(self, commands, encoding="text"):
        """Each command's output. A multi-line command is a POSIX sh script run in one round trip
        (its stdout only); a one-line command gets stdout, and stderr too when it fails."""
        out = {}
        for c in commands:
            if "\n" in c.strip():
                out[c] = self.run_script(c)
                continue
            rc, o, e = self._run(c)
            out[c] = o if rc == 0 else (o + e)
        return out

    def run_script(self, script: str, timeout: float = 60) -> str:
        """Run a POSIX sh script on the router in one round trip; its stdout."""
        return self._run("sh -s", stdin=script, timeout=timeout)[1]

    # ------------------------------------------------------------ candidate
    def _load(self, filename, config, replace: bool, exc):
        text = Path(filename).read_text() if filename else config
        if not text:
            raise exc("empty candidate")
        try:
            linuxconf.parse(text)
        except ValueError as e:
            raise exc(f"{self.hostname}: candidate does not parse: {e}") from None
        self._candidate, self._replace = text, replace

    def load_replace_candidate(self, filename=None, config=None):
        self._load(filename, config, True, ReplaceConfigException)

    def load_merge_candidate(self, filename=None, config=None):
        self._load(filename, config, False, MergeConfigException)

    def _candidate_text(self, running: str | None = None) -> str:
        part = linuxconf.parse(self._candidate)
        if self._replace:
            return linuxconf.dump(part)
        base = linuxconf.parse(running if running is not None else self._read_running())
        return linuxconf.dump(linuxconf.merge(base, part))

    def compare_config(self):
        if self._candidate is None:
            return ""
        running = self._read_running()
        import difflib
        # masked on both sides: the same key in clear and as a placeholder is no change
        diff = difflib.unified_diff(_mask(running).splitlines(), _mask(self._candidate_text(running)).splitlines(),
                                    "running", "candidate", lineterm="", n=2)
        return "\n".join(diff)

    def discard_config(self):
        """The candidate lives here until commit (it reaches the router over the commit's stdin):
        nothing to do on the router."""
        self._candidate = None

    def commit_config(self, message="", revert_in=None):
        if self._candidate is None:
            raise CommitError(f"{self.hostname}: no candidate loaded")
        text = self._candidate_text()
        self.secrets.update(linuxconf.clear_secrets(text))
        keys = {fp: self.secrets[fp] for fp in set(linuxconf.PLACEHOLDER_RE.findall(text)) if fp in self.secrets}
        args = ["commit", "-"]
        if revert_in:
            args += ["--revert-in", str(int(revert_in))]
        self._running = None
        # candidate (masked) and keys over the session's stdin: no SFTP subsystem process per file
        out = self._agent(*args, stdin=json.dumps({"candidate": _mask(text), "secrets": keys}))
        result = json.loads(out.strip().splitlines()[-1] if out.strip() else "{}")  # the agent's JSON is its last line
        self._candidate = None
        self.last_commit = result
        return None

    def confirm_commit(self):
        """What `agent.py confirm` does, in the login shell (no Python start-up on the router)."""
        self._running = None
        d = self.agent_dir
        rc, out, err = self._run(
            f"[ -e {d}/pending.json ] || {{ echo 'agent: no commit is pending' >&2; exit 1; }}; "
            f"read p < {d}/pending.pid 2>/dev/null && kill $p 2>/dev/null; rm -f {d}/pending.json {d}/pending.pid")
        if rc != 0:
            raise CommitError(f"{self.hostname}: {_mask(err.strip() or out.strip()) or _no_output(rc)}")

    def has_pending_commit(self):
        return bool(self._json("pending")["pending"])

    def rollback(self):
        self._running = None
        self.last_commit = json.loads(self._agent("rollback"))

