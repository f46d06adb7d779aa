"""The Huawei VRP device sessions of a deploy, sans I/O: what the ``vrp_grectl`` NAPALM driver
sends, in which order, and how it judges each answer. Pure; the driver only plays these steps.

VRPv8 (two-phase validation): ``commit trial T persist grectl`` runs the change on trial for T
seconds (60..65535) and reverts by itself unless confirmed; the confirm is ``commit persist
grectl`` from a fresh session, then ``save``; ``clear configuration candidate`` drops uncommitted
lines. Sources: NetEngine 8000 command reference ``commit`` (``commit [ trial [ time ] ] [ persist
persistId ]``, trial 60-65535 s), ``abort trial``, ``clear configuration candidate``. That a
*different* session confirms with ``commit persist <id>`` is read from the command format and
NETCONF's persist-id (RFC 6241 8.4), not from a Huawei example.

VRP5 applies every line at once and has no commit-confirm: grectl emulates one.
1. ``display startup`` (the next-startup file, restored on confirm);
2. ``save flash:/grectl-checkpoint.cfg`` (the running config, as it is before the change);
3. ``startup saved-configuration flash:/grectl-checkpoint.cfg``;
4. ``schedule reboot delay M`` (M = the timeout in minutes, rounded up);
5. ``system-view``, the lines, ``return``.
Confirm (fresh session): ``display startup`` (still pending?), ``undo schedule reboot``,
``startup saved-configuration <the file from 1>``, ``save``. If the confirm never comes, the
router reboots into the checkpoint by itself. If a line fails in 5, grectl reboots it now
(``reboot``, answering *no* to saving the running configuration). If 2-4 fail, nothing changed:
grectl undoes 3-4. Sources: ``schedule reboot { at | delay }`` / ``undo schedule reboot`` (user
view; NetEngine and Quidway command references: ``Confirm? [Y/N]``), ``startup
saved-configuration`` and ``save [file]`` (AR/VRP5 file system commands); whether an AR takes
``schedule reboot`` and reboots without saving has not been seen on a device.

>>> [s.send for s in apply_steps([" mtu 1400"], 120, vrp8=True)]
[(' mtu 1400',), 'commit trial 120 persist grectl', 'return']
"""
from __future__ import annotations

import math
import re

from ..steps import Step
from ..undo_cli import diff  # noqa: F401 - the change as diff lines, shared with the other undo CLI
from .remediation import KINDS, blocks

SHOW = "display current-configuration"
ENTER, EXIT = "system-view", "return"
CHECKPOINT = "flash:/grectl-checkpoint.cfg"
PERSIST = "grectl"
YES_NO = r"(\[Y/N\]\s*:?\s*|[>\]]\s*)$"
ERROR = re.compile(r"^\s*Error:.*$", re.M)
TRIAL_MIN, TRIAL_MAX = 60, 65535


# ------------------------------------------------------------------ reading

def owned(running: str) -> str:
    """The grectl part of ``display current-configuration``: its named objects, tunnel interfaces
    described ``grectl...``, ``ipsec authentication sha2 compatible enable`` and, of each ``ospf``
    process, only the ``area`` and ``network`` lines (grectl sets LAN and tunnel networks there)."""
    out = []
    for h, c in blocks(running):
        if h == "ipsec authentication sha2 compatible enable":
            out.append((h, []))
        elif h.startswith("ospf "):
            out.append((h, [ln for ln in c if re.match(r"^\s*(area|network) ", ln)]))
        elif h.startswith("interface Tunnel"):
            if any(ln.strip().startswith("description grectl") for ln in c):
                out.append((h, c))
        elif any(h == p or h.startswith(p) for p, _ in KINDS if not p.startswith("interface")):
            out.append((h, c))
    return "".join(f"{h}\n" + "".join(f"{ln}\n" for ln in c) + "#\n" for h, c in out)


def commands(text: str) -> list[str]:
    """The candidate's lines, indentation kept (VRP's views follow it only through the headers)."""
    return [ln.rstrip() for ln in text.splitlines() if ln.strip()]


def is_vrp8(display_version: str) -> bool | None:
    """``VRP (R) software, Version 8.x`` is VRPv8, ``Version 5.x`` VRP5; None when not said."""
    m = re.search(r"VRP \(R\) software, Version (\d+)\.", display_version)
    return None if not m else int(m.group(1)) >= 8


def startup_files(display_startup: str) -> dict[str, str]:
    """``display startup``: {'startup': file booted from, 'next': next startup file}."""
    out = {}
    for key, label in (("startup", r"Startup saved-configuration file"),
                       ("next", r"Next startup saved-configuration file")):
        m = re.search(rf"^\s*{label}:\s+(\S+)", display_startup, re.M)
        if m:
            out[key] = m.group(1)
    return out


# ------------------------------------------------------------------ sessions

def trial_seconds(revert_in: int) -> int:
    return min(TRIAL_MAX, max(TRIAL_MIN, int(revert_in)))


def reboot_minutes(revert_in: int) -> int:
    return max(1, math.ceil(int(revert_in) / 60))


def apply_steps(cmds: list[str], revert_in: int | None, vrp8: bool) -> list[Step]:
    """VRPv8: the lines in system-view, ``commit trial T persist grectl`` (plain ``commit`` and
    ``save`` without a timeout), ``return``. VRP5: the lines between ``system-view`` and
    ``return``, each taking effect at once (``checkpoint_steps`` come first; ``save`` only
    without a timeout)."""
    save = [] if revert_in else [Step("save", expect=YES_NO, slow=True)]
    if vrp8:
        commit = f"commit trial {trial_seconds(revert_in)} persist {PERSIST}" if revert_in else "commit"
        return [Step(tuple(cmds), enter=True, stop_on=ERROR.pattern), Step(commit, slow=True), Step(EXIT)] + save
    return [Step(tuple(cmds), enter=True, exit=True, stop_on=ERROR.pattern)] + save


def checkpoint_steps(revert_in: int) -> list[Step]:
    """VRP5 before the change: where it starts from, the checkpoint, and the device-side timer."""
    return [Step("display startup"),
            Step(f"save {CHECKPOINT}", expect=YES_NO, slow=True),
            Step(f"startup saved-configuration {CHECKPOINT}", expect=YES_NO),
            Step(f"schedule reboot delay {reboot_minutes(revert_in)}", expect=YES_NO)]


def undo_checkpoint_steps(done: int, next_startup: str | None) -> list[Step]:
    """VRP5, a checkpoint step failed after ``done`` steps succeeded: nothing changed yet; put
    back the timer and the next-startup file if they were set."""
    out = []
    if done >= 4:
        out.append(Step("undo schedule reboot", expect=YES_NO))
    if done >= 3 and next_startup:
        out.append(Step(f"startup saved-configuration {next_startup}", expect=YES_NO))
    return out


def rollback_steps() -> list[Step]:
    """VRP5, a line failed after some took effect (netmiko stopped there, still in system-view):
    back to user view, reboot now into the checkpoint (answering no to saving the half-changed
    running configuration)."""
    return [Step(EXIT), Step("reboot", expect=YES_NO, slow=True)]


def abort_steps(vrp8: bool) -> list[Step]:
    """VRPv8, a line or the commit failed: drop the uncommitted lines and leave."""
    return [Step("clear configuration candidate"), Step(EXIT)] if vrp8 else [Step(EXIT)]


def confirm_steps(vrp8: bool, next_startup: str | None = None) -> list[Step]:
    """The confirm, on a fresh session. VRPv8: ``commit persist grectl``, ``return``, ``save``.
    VRP5 (after ``display startup`` showed the change pending): stop the timer, restore the
    next-startup file, save the running configuration into it."""
    if vrp8:
        return [Step((f"commit persist {PERSIST}",), enter=True, exit=True),
                Step("save", expect=YES_NO, slow=True)]
    return [Step("undo schedule reboot", expect=YES_NO),
            Step(f"startup saved-configuration {next_startup}", expect=YES_NO),
            Step("save", expect=YES_NO, slow=True)]


def pending_problem(files: dict[str, str]) -> str | None:
    """VRP5 confirm: is grectl's emulated commit-confirm still pending?"""
    if files.get("startup") == CHECKPOINT:
        return ("the router booted from grectl's checkpoint: the confirm came too late, the scheduled reboot "
                "restored the configuration from before the change")
    if files.get("next") != CHECKPOINT:
        return "no grectl commit is pending (the next startup file is not grectl's checkpoint)"
    return None


def respond(step: Step, answer: str) -> Step | None:
    """Answer VRP's [Y/N] questions: *no* to saving the configuration on ``reboot`` (the point is
    to come back with the checkpoint), yes to everything else grectl asked for."""
    tail = answer.rstrip().splitlines()[-1] if answer.strip() else ""
    if not re.search(r"\[Y/N\]\s*:?$", tail):
        return None
    if isinstance(step.send, str) and step.send == "reboot" and re.search(r"save", tail, re.I):
        return Step("n", expect=YES_NO, slow=True)
    return Step("y", expect=YES_NO, slow=True)


def error(step: Step, answer: str) -> str | None:
    m = ERROR.search(answer)
    if m:
        what = step.send if isinstance(step.send, str) else "configuration lines"
        return f"{what}: {m.group(0).strip()}"
    return None


def wire(steps: list[Step]) -> list[str]:
    return [ln for s in steps for ln in s.wire(ENTER, EXIT)]


def deploy_plan(commands: list[str], confirm_timeout: int, vrp8: bool = False) -> dict[str, list[str]]:
    """The lines each session of one change puts on the wire (the steps above say how each
    answer is judged; the ``vrp_grectl`` NAPALM driver plays them).

    VRPv8 commits natively: ``commit trial T persist grectl`` reverts by itself unless ``commit
    persist grectl`` follows from a fresh session. VRP5 applies each line at once and has no
    commit-confirm: grectl emulates it with a checkpoint file made the next-startup configuration
    and a scheduled reboot, both undone by the confirm (see ``session.py``).
    """
    if not commands:
        return {"checkpoint": [], "apply": [], "confirm": [], "rollback": [], "abort": []}
    if vrp8:
        return {"checkpoint": [], "apply": wire(apply_steps(commands, confirm_timeout, True)),
                "confirm": wire(confirm_steps(True)), "rollback": [],   # the trial reverts by itself
                "abort": wire(abort_steps(True))}
    return {"checkpoint": wire(checkpoint_steps(confirm_timeout)),
            "apply": wire(apply_steps(commands, confirm_timeout, False)),
            "confirm": ["display startup"] + wire(confirm_steps(False, "<next startup file>")),
            "rollback": wire(rollback_steps()), "abort": wire(abort_steps(False))}
