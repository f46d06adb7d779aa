"""The I/O layer shared by grectl's SSH-CLI NAPALM drivers (``vyos_grectl``, ``vrp_grectl``).

Deliberately thin: every command a driver sends, and every verdict on what a device answered,
comes from a pure module in ``controller/platforms/<platform>/session.py``. This base only opens
a session, plays :class:`Step` lists on it, and scrubs what comes back.

The seam: ``optional_args["connect"]`` is a factory called with netmiko's ``ConnectHandler``
keyword arguments that returns a *session*: any object with ``send_command(command, **kw)``,
``send_config_set(lines, **kw)`` and ``disconnect()``. By default that is netmiko itself; the
unit tests pass a recorded-transcript session instead (no device, no network).
"""
from __future__ import annotations

import re
from typing import Callable, Iterable

from napalm.base import NetworkDriver
from napalm.base.exceptions import CommitError, ConnectionException, MergeConfigException, ReplaceConfigException
from netmiko.exceptions import ConfigInvalidException

from controller.platforms.steps import Step  # noqa: F401  (the pure step, re-exported)
from controller.secretforms import PLACEHOLDER_RE

# a placeholder as grectl renders it inside single quotes, or bare
QUOTED_PLACEHOLDER_RE = re.compile(r"'%\{psk:([0-9a-f]{12})\}'|%\{psk:([0-9a-f]{12})\}")


class StepFailed(Exception):
    """A device answered a step with an error; ``output`` is everything it said so far (scrubbed)."""

    def __init__(self, message: str, output: str = ""):
        super().__init__(message)
        self.output = output


def netmiko_connect(**kwargs):
    from netmiko import ConnectHandler
    return ConnectHandler(**kwargs)


class CliDriver(NetworkDriver):
    """What both drivers share: connection, step player, secret scrubbing, ``cli()``."""

    platform = "grectl_cli"
    device_type = ""          # netmiko device type
    enter_cmd = exit_cmd = ""
    vendor = "device"         # for messages
    show_running = ""         # the command that prints the running config
    steps = None              # the platform's pure session module: owned(), commands(), diff()
    plat = None               # the platform (its mask)

    def owned(self, text: str) -> str:
        """The grectl-owned part of the running config text."""
        return self.steps.owned(text)

    def __init__(self, hostname, username, password=None, timeout=60, optional_args=None):
        self.hostname, self.username, self.password = hostname, username, password
        self.timeout = timeout
        o = dict(optional_args or {})
        self.port = int(o.get("port", 22))
        self.key_file = o.get("key_file")
        from .connect import Policy, netmiko_session
        self.policy = Policy.of(hostname, o)     # host keys, retries, handshake bound (connect.py)
        self.known_hosts = self.policy.guard.file
        self.secrets: dict[str, str] = dict(o.get("secrets") or {})   # fingerprint -> key
        self.connect: Callable = o.get("connect") or (lambda **kw: netmiko_session(self.policy.guard, **kw))
        self.slow_timeout = float(o.get("commit_timeout", 300))
        self.options = o
        self.session = None
        self.transcript: list[str] = []    # scrubbed outputs of the last operation (for errors, tests)
        self._candidate: list[str] | None = None
        self._running: str | None = None
        self.last_commit: dict = {}

    # ------------------------------------------------------------ reading (grectl's part, masked)
    def _read_running(self) -> str:
        if self._running is None:
            self._running = self.scrub(self.owned(self.send(Step(self.show_running, slow=True))))
        return self._running

    def get_config(self, retrieve="all", full=False, sanitized=False, format="text"):
        running = self._read_running() if retrieve in ("all", "running") else ""
        candidate = "\n".join(self._candidate or []) if retrieve in ("all", "candidate") else ""
        return {"running": running, "startup": "", "candidate": candidate}

    # ------------------------------------------------------------ candidate (kept on the controller)
    def load_merge_candidate(self, filename=None, config=None):
        cmds = self.steps.commands(open(filename).read() if filename else (config or ""))
        unknown = self.unknown_placeholders(cmds)
        if unknown:
            raise MergeConfigException(f"{self.hostname}: no key known for PSK fingerprint(s) {', '.join(unknown)}")
        self._candidate = [self.scrub(c) for c in cmds]   # a key given in clear is kept as its placeholder

    def compare_config(self):
        return self.steps.diff(self._candidate) if self._candidate else ""

    def discard_config(self):
        self._candidate = None          # nothing was sent: a session opens only to commit

    def live_candidate(self) -> list[str]:
        """The candidate's lines with the keys in (for the device only, never logged)."""
        if not self._candidate:
            raise CommitError(f"{self.hostname}: no candidate loaded")
        try:
            return [self.unmask(c) for c in self._candidate]
        except KeyError as e:
            raise CommitError(f"{self.hostname}: no key known for PSK fingerprint {e.args[0]}") from None

    def load_replace_candidate(self, filename=None, config=None):
        raise ReplaceConfigException(f"{self.hostname}: grectl never replaces a {self.vendor} configuration "
                                     "(it owns objects in a shared one); load the remediation by merge")

    # ------------------------------------------------------------ connection
    def _connect_args(self) -> dict:
        args = dict(device_type=self.device_type, host=self.hostname, username=self.username,
                    password=self.password or "", port=self.port, conn_timeout=self.timeout,
                    banner_timeout=self.timeout, auth_timeout=self.timeout, timeout=self.timeout, fast_cli=False)
        if self.key_file:
            args.update(use_keys=True, key_file=self.key_file, allow_agent=False)
        if self.known_hosts:
            args.update(ssh_strict=True, system_host_keys=False, alt_host_keys=True, alt_key_file=self.known_hosts)
        return args

    def open(self):
        """The session, under grectl's connection policy: the host key checked against known_hosts
        before anything is sent, transient failures retried (napalm_grectl_cli.connect)."""
        from .connect import retrying
        args = self._connect_args()
        self.session = retrying(self.policy, lambda: self.connect(**args), clean=self.scrub)

    def close(self):
        if self.session is not None:
            try:
                self.session.disconnect()
            finally:
                self.session = None

    def is_alive(self):
        return {"is_alive": self.session is not None}

    # ------------------------------------------------------------ secrets
    def mask(self, text: str) -> str:
        """The platform's own masking (every form the device prints a secret in)."""
        return self.plat.mask(text)

    def key_text(self, key: str) -> str | None:
        """How this device's CLI must be given ``key`` to read exactly ``key``, standing in for the
        placeholder *and* the quotes around it (VyOS: shell-quoted); None: the key as is in place of
        the bare placeholder (the platform's ``check_psk`` refused every key that needs more)."""
        return None

    def key_forms(self, key: str) -> list[str]:
        """Every text the key may come back as in what the device answers (an echoed command line
        carries the encoded form), longest first."""
        encoded = self.key_text(key)
        return sorted({key, *([encoded] if encoded else [])}, key=len, reverse=True)

    def scrub(self, text: str) -> str:
        """``text`` with every secret replaced by its placeholder: the platform's forms, then any
        key this driver knows appearing literally or in its encoded form (a device echoing a command
        back)."""
        text = self.mask(text or "")
        for fp, key in self.secrets.items():
            if not key:
                continue
            for form in self.key_forms(key):
                if form in text:
                    text = text.replace(form, "%{psk:" + fp + "}")
        return text

    def unmask(self, line: str) -> str:
        """``line`` with each placeholder replaced by its key as the device must be given it
        (:meth:`key_text`); a placeholder grectl quoted (``'%{psk:..}'``) is replaced with its quotes
        when the device encodes keys itself. Raises KeyError naming an unknown fingerprint."""
        def key(fp):
            if fp not in self.secrets:
                raise KeyError(fp)
            return self.secrets[fp]

        def sub(m):
            fp = m.group(1) or m.group(2)
            value = key(fp)
            encoded = self.key_text(value)
            if encoded is not None:
                return encoded
            return f"'{value}'" if m.group(1) else value
        return QUOTED_PLACEHOLDER_RE.sub(sub, line)

    def unknown_placeholders(self, lines: Iterable[str]) -> list[str]:
        return sorted({fp for ln in lines for fp in PLACEHOLDER_RE.findall(ln) if fp not in self.secrets})

    # ------------------------------------------------------------ playing steps
    def _need_session(self):
        if self.session is None:
            raise ConnectionException(f"{self.hostname}: not connected")
        return self.session

    def send(self, step: Step) -> str:
        """One step on the session; returns the raw answer (callers scrub before keeping it)."""
        s = self._need_session()
        kw = {"read_timeout": self.slow_timeout} if step.slow else {}
        if isinstance(step.send, str):
            if step.expect:
                kw["expect_string"] = step.expect
            return s.send_command(step.send, **kw)
        if step.stop_on:
            kw["error_pattern"] = step.stop_on
        try:
            return s.send_config_set(list(step.send), enter_config_mode=step.enter, exit_config_mode=step.exit, **kw)
        except ConfigInvalidException as e:   # netmiko stopped at a line the device refused
            raise StepFailed(self.scrub(str(e))) from None

    def play(self, steps: Iterable[Step], respond: Callable[[Step, str], Step | None],
             error: Callable[[Step, str], str | None]) -> list[str]:
        """Play ``steps`` in order. After each, ``respond`` may name a follow-up (an answer to the
        question the device's latest output ends with); ``error`` judges the step's whole answer.
        Raises :class:`StepFailed`."""
        outs: list[str] = []
        for step in steps:
            try:
                answer = self.send(step)
            except StepFailed as e:
                self.transcript.append(str(e))
                raise StepFailed(str(e), "\n".join(outs + [str(e)])) from None
            last = answer
            for _ in range(4):      # at most a few questions per command
                nxt = respond(step, last)
                if nxt is None:
                    break
                last = self.send(nxt)
                answer += "\n" + last
            clean = self.scrub(answer)
            outs.append(clean)
            self.transcript.append(clean)
            problem = error(step, answer)
            if problem:
                raise StepFailed(self.scrub(problem), "\n".join(outs))
        return outs

    def play_each(self, steps: Iterable[Step], respond: Callable[[Step, str], Step | None],
                  error: Callable[[Step, str], str | None]) -> list[str]:
        """Each step on its own, never raising: what went wrong, one scrubbed line per failed step
        (the SA resets after a commit: one that fails must not fail the commit, nor stop the next)."""
        problems = []
        for st in steps:
            try:
                self.play([st], respond, error)
            except StepFailed as e:
                problems.append(str(e))
            except Exception as e:   # a lost session: reported, the commit stands (its timer protects it)
                what = st.send if isinstance(st.send, str) else "lines"
                problems.append(self.scrub(f"{what}: {e.__class__.__name__}: {e}"))
        return problems

    def cli(self, commands, encoding="text"):
        """Each command's output (scrubbed): verify's collect rounds."""
        if encoding != "text":
            raise NotImplementedError("only text output")
        return {c: self.scrub(self._need_session().send_command(c, read_timeout=self.slow_timeout))
                for c in commands}
