"""The H3C Comware 7 device sessions of a deploy, sans I/O: what the ``comware_grectl`` NAPALM
driver sends, in which order, and how it judges each answer. Pure; the driver only plays these steps.

Comware 7 applies each system-view line at once; its commit-confirm is native:
``configuration commit delay M`` (system view) starts a timer of M minutes, and unless
``configuration commit`` follows before it expires "the device rolls back the configuration to
the settings before the configuration commit delay command was executed" (HPE FlexNetwork 5510 HI
Fundamentals Configuration Guide, "Configuring configuration commit delay", "available in Release
1121 and later": https://www.easymanua.ls/hpe/flexnetwork-5510-hi-series/manual/687520?p=105).
That page names the two commands and the rollback; it was not retrieved for an MSR release, and
the range of M (1..65535 minutes here), that the commit may come from another session, and the
device's answers are [unverified] (written the way Comware answers other commands).

1. ``save flash:/grectl-checkpoint.cfg`` (user view): the running configuration as it is before
   the change, a file only (not the next-startup one) [unverified: ``save file-url``, Comware 7
   Fundamentals "Saving the running configuration"];
2. ``system-view``, ``configuration commit delay M``, the lines, ``return``;
3. confirm (fresh session): ``system-view``, ``configuration commit``, ``return``, ``save force``
   (the next-startup file; netmiko's ``hp_comware`` saves with ``save force``).
If the confirm never comes, the device rolls back by itself. If a line is refused in 2 (``%
Unrecognized command found at '^' position.``; netmiko stops there), grectl restores now:
``configuration replace file flash:/grectl-checkpoint.cfg`` (the configuration rollback the same
page describes: "replace the running configuration with the configuration in a configuration
file") then ``configuration commit`` (the timer has nothing left to undo). If 1 or the ``configuration
commit delay`` line fails, nothing was changed. Nothing is saved before the confirm.

>>> [s.wire("system-view", "return") for s in apply_steps([" mtu 1400"], 90)][1]
['system-view', 'configuration commit delay 2']
"""
from __future__ import annotations

import hashlib
import math
import re

from ..steps import Step
from ..undo_cli import diff  # noqa: F401 - the change as diff lines, shared with the other undo CLI
from .remediation import Node, tree
from .remediation import owned as _owned

SHOW = "display current-configuration"
ENTER, EXIT = "system-view", "return"
CHECKPOINT = "flash:/grectl-checkpoint.cfg"
SAVE = "save force"
YES_NO = r"(\[Y/N\]\s*:?\s*|[>\]]\s*)$"
# Comware's CLI refusals (the ``%`` line under the caret); a syslog line (``%Dec  7 ...``) is not one
ERROR = re.compile(r"^\s*%\s*(?:Unrecognized command|Incomplete command|Wrong parameter|Too many parameters"
                   r"|Ambiguous command)\b.*$", re.M)
DELAY_MIN, DELAY_MAX = 1, 65535     # minutes [unverified]


def owned(running: str) -> str:
    """The grectl part of ``display current-configuration`` (``remediation.owned`` with nothing
    intended: its named objects, tunnels described ``grectl``, ``ipsec apply policy grectl`` on
    its interface, the ``ospf`` areas' lines), as text."""
    def emit(n: Node, indent: str) -> str:
        return f"{indent}{n.line}\n" + "".join(emit(c, indent + " ") for c in n.children)
    return "".join(emit(n, "") + "#\n" for n in _owned(tree(running), []))


def commands(text: str) -> list[str]:
    """The candidate's lines, indentation kept (the remediation nests views by it and ``quit``)."""
    return [ln.rstrip() for ln in text.splitlines() if ln.strip()]


def digest(owned_running: str) -> str:
    """What a commit left (grectl's part, keys as placeholders): the confirm compares it."""
    return hashlib.sha256(owned_running.encode()).hexdigest()


def delay_minutes(revert_in: int) -> int:
    return min(DELAY_MAX, max(DELAY_MIN, math.ceil(int(revert_in) / 60)))


# ------------------------------------------------------------------ sessions

def checkpoint_steps() -> list[Step]:
    return [Step(f"save {CHECKPOINT}", expect=YES_NO, slow=True)]


def arm_steps(revert_in: int) -> list[Step]:
    """Enter system-view and start the device's rollback timer (its own step: a release without
    the command refuses it before any line is sent)."""
    return [Step((f"configuration commit delay {delay_minutes(revert_in)}",), enter=True, stop_on=ERROR.pattern)]


def apply_steps(cmds: list[str], revert_in: int | None) -> list[Step]:
    """The checkpoint, the timer (with a timeout), the lines, ``return``; ``save force`` only without
    a timeout (with one, the confirm saves)."""
    if revert_in:
        return checkpoint_steps() + arm_steps(revert_in) + [Step(tuple(cmds), exit=True, stop_on=ERROR.pattern)]
    return checkpoint_steps() + [Step(tuple(cmds), enter=True, exit=True, stop_on=ERROR.pattern),
                                 Step(SAVE, slow=True)]


def lines_index(revert_in: int | None) -> int:
    """Where the remediation lines are in ``apply_steps``: a failure before them changed nothing."""
    return 2 if revert_in else 1


def restore_steps(armed: bool) -> list[Step]:
    """A line was refused (netmiko stopped in whatever view it was in): back to user view, then in
    system-view the running configuration replaced by the checkpoint, the timer stopped when one
    runs. One command a step, each waiting for the prompt or a ``[Y/N]`` question (whether
    ``configuration replace file`` asks one is [unverified]; ``respond`` answers no to saving)."""
    out = [Step(EXIT), Step(ENTER, expect=YES_NO), Step(f"configuration replace file {CHECKPOINT}", expect=YES_NO,
                                                       slow=True)]
    return out + ([Step("configuration commit", expect=YES_NO)] if armed else []) + [Step(EXIT, expect=YES_NO)]


def abort_steps() -> list[Step]:
    """Nothing changed (the timer line was refused): leave system-view."""
    return [Step(EXIT)]


def confirm_steps() -> list[Step]:
    return [Step(("configuration commit",), enter=True, exit=True, stop_on=ERROR.pattern), Step(SAVE, slow=True)]


def respond(step: Step, answer: str) -> Step | None:
    """Answer Comware's ``[Y/N]`` questions: no to saving the running configuration while the
    checkpoint replaces it (the point is to come back to the checkpoint), yes to the rest."""
    tail = answer.rstrip().splitlines()[-1] if answer.strip() else ""
    if not re.search(r"\[Y/N\]\s*:?$", tail):
        return None
    if isinstance(step.send, str) and step.send.startswith("configuration replace") and re.search(r"save", tail, re.I):
        return Step("n", expect=YES_NO, slow=True)
    return Step("y", expect=YES_NO, slow=True)


def error(step: Step, answer: str) -> str | None:
    m = ERROR.search(answer or "")
    if m:
        what = step.send if isinstance(step.send, str) else "configuration lines"
        return f"{what}: {m.group(0).strip()}"
    if isinstance(step.send, str) and step.send.startswith("save ") and re.search(r"fail|error", answer or "", re.I):
        return f"{step.send}: {answer.strip().splitlines()[-1]}"
    return None


def wire(steps: list[Step]) -> list[str]:
    return [ln for s in steps for ln in s.wire(ENTER, EXIT)]


def deploy_plan(commands: list[str], confirm_timeout: int) -> dict[str, list[str]]:
    """The lines each session of one change puts on the wire (see the module text)."""
    if not commands:
        return {"checkpoint": [], "apply": [], "confirm": [], "rollback": [], "abort": []}
    return {"checkpoint": wire(checkpoint_steps()),
            "apply": wire(arm_steps(confirm_timeout) + apply_steps(commands, confirm_timeout)[2:]),
            "confirm": [SHOW] + wire(confirm_steps()), "rollback": wire(restore_steps(True)),
            "abort": wire(abort_steps())}
