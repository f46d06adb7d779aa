"""A recorded-transcript session: the seam the grectl CLI drivers talk through, answering each
command from a transcript file instead of a device. No netmiko internals are touched; it offers
exactly what the drivers use of a netmiko connection (``send_command``, ``send_config_set``,
``disconnect``) with netmiko's documented behaviour for them:

- ``send_config_set(lines, enter_config_mode, exit_config_mode, error_pattern)`` sends the
  device's configuration-mode command first when asked (``configure`` / ``system-view``), each
  line, the leave command when asked (``exit`` / ``return``); with ``error_pattern`` it stops at
  the first line whose answer matches and raises ``ConfigInvalidException`` naming that line, as
  netmiko does.
- every line sent is recorded in ``wire``, in order.

Transcript files: ``# comment`` lines first (the source of the outputs), then sections
``>>> command`` followed by the device's answer. A command answered several times in one file
takes its answers in order; a command the file does not name is answered with nothing (a VyOS
``set`` or a VRP view line that is accepted prints nothing).
"""
from __future__ import annotations

import re
from collections import defaultdict, deque
from pathlib import Path

from netmiko.exceptions import ConfigInvalidException

HERE = Path(__file__).parent / "transcripts"
MODES = {"vyos": ("configure", "exit"), "vrp": ("system-view", "return"), "ios": ("configure terminal", "end"),
         "comware": ("system-view", "return")}


def load(path: Path) -> dict[str, deque]:
    answers: dict[str, deque] = defaultdict(deque)
    cmd, buf = None, []
    for line in path.read_text().splitlines():
        if line.startswith(">>> "):
            if cmd is not None:
                answers[cmd].append("\n".join(buf))
            cmd, buf = line[4:], []
        elif cmd is not None:
            buf.append(line)
    if cmd is not None:
        answers[cmd].append("\n".join(buf))
    return answers


class Transcript:
    def __init__(self, kind: str, *names: str, wire: list | None = None):
        self.enter, self.leave = MODES[kind]
        self.answers: dict[str, deque] = defaultdict(deque)
        for n in names:
            for cmd, outs in load(HERE / kind / f"{n}.txt").items():
                self.answers[cmd].extend(outs)
        self.wire = wire if wire is not None else []   # shared between sessions: one list, in order
        self.calls: list[tuple[str, dict]] = []
        self.closed = False

    def _answer(self, cmd: str) -> str:
        if self.closed:
            raise OSError("session closed")
        self.wire.append(cmd)
        q = self.answers.get(cmd)
        return q.popleft() if q else ""

    def send_command(self, command_string, **kw):
        self.calls.append(("send_command", kw))
        return self._answer(command_string)

    def send_config_set(self, config_commands, enter_config_mode=True, exit_config_mode=True,
                        error_pattern="", **kw):
        self.calls.append(("send_config_set", dict(kw, enter_config_mode=enter_config_mode,
                                                   exit_config_mode=exit_config_mode, error_pattern=error_pattern)))
        out = [self._answer(self.enter)] if enter_config_mode else []
        for c in config_commands:
            out.append(c + "\n" + self._answer(c))          # the device echoes the line
            if error_pattern and re.search(error_pattern, out[-1], flags=re.M):
                raise ConfigInvalidException(f"Invalid input detected at command: {c}, matched error: "
                                             f"{re.search(error_pattern, out[-1], flags=re.M).group(0)}")
        if exit_config_mode:
            out.append(self._answer(self.leave))
        return "\n".join(out)

    def disconnect(self):
        self.closed = True

    def unused(self) -> dict[str, int]:
        """Answers the transcript holds that no command asked for (a test asserts none)."""
        return {c: len(q) for c, q in self.answers.items() if q}


class Sessions:
    """A connect factory handing out one transcript session per ``open()``, in order: the test
    sees a fresh session for the confirm exactly as the deploy task opens one."""

    def __init__(self, kind: str, *per_session: tuple[str, ...] | str):
        self.wire: list[str] = []
        self.kind = kind
        self.queue = deque(per_session)
        self.opened: list[Transcript] = []
        self.connect_args: list[dict] = []

    def __call__(self, **kwargs):
        self.connect_args.append(kwargs)
        names = self.queue.popleft()
        names = (names,) if isinstance(names, str) else names
        t = Transcript(self.kind, *names, wire=self.wire)
        self.opened.append(t)
        return t
