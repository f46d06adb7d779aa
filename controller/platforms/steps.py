"""One exchange with a device, as data: what a CLI platform's ``session.py`` returns and the
shared CLI driver base (``napalm_grectl_cli``) plays. Pure: no device, no NAPALM.

>>> Step(("set a", "set b"), enter=True, exit=True).wire("configure", "exit")
['configure', 'set a', 'set b', 'exit']
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    """One exchange with the device.

    ``send`` is one command (``send_command``) or a tuple of configuration lines
    (``send_config_set``; ``enter``/``exit`` say whether netmiko enters and leaves configuration
    mode around them; ``stop_on`` stops at the first line whose answer matches, the rest unsent).
    ``expect`` is a regex the answer ends with when that is not the CLI
    prompt (a ``[Y/N]`` question). ``slow`` marks commands that may take long (commit, save)."""
    send: str | tuple[str, ...]
    expect: str | None = None
    enter: bool = False
    exit: bool = False
    slow: bool = False
    stop_on: str = ""       # config lines: stop at the first answer matching this (netmiko's error_pattern)

    def wire(self, enter_cmd: str = "", exit_cmd: str = "") -> list[str]:
        """The lines this step puts on the wire (``enter_cmd``/``exit_cmd``: the device's
        configuration-mode commands, which netmiko sends for ``enter``/``exit``)."""
        if isinstance(self.send, str):
            return [self.send]
        return ([enter_cmd] if self.enter else []) + list(self.send) + ([exit_cmd] if self.exit else [])
