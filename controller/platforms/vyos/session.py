"""The VyOS device sessions of a deploy, sans I/O: what the ``vyos_grectl`` NAPALM driver sends,
in which order, and how it judges each answer. Pure; the driver only plays these steps.

Grounding (VyOS's own code): ``commit-confirm N`` asks ``Proceed ?`` after
``commit-confirm will automatically reboot in N minutes unless changes are confirmed`` (and
first warns ``You should save previous commits before commit-confirm !`` when running differs
from the saved config); it answers ``Initialized commit-confirm; N minutes to confirm before
reboot``, or ``Another confirm is pending``; ``confirm`` answers ``Reboot timer stopped`` or
``No confirm pending`` (vyos-1x ``python/vyos/config_mgmt.py``). The timer is started *before*
the commit (vyatta-cfg ``vyatta_config_commit-confirm``): a commit that fails after it leaves the
reboot scheduled. ``exit`` with uncommitted changes refuses (``Cannot exit: configuration
modified``), ``exit discard`` leaves anyway.

>>> [s.send for s in apply_steps(["set interfaces tunnel tun1 mtu '1400'"], 90)]
[("set interfaces tunnel tun1 mtu '1400'",), 'compare', 'commit-confirm 2', 'exit']
>>> owned("set system host-name 'r1'\\nset interfaces tunnel tun1 description 'grectl: x'")
"set interfaces tunnel tun1 description 'grectl: x'\\n"
"""
from __future__ import annotations

import difflib
import re

from ..steps import Step
from .remediation import MULTI, _has_value, _owned_roots, _root, deploy_plan, minutes, quote, words

SHOW = "show configuration commands"
ENTER, EXIT = "configure", "exit"
# shared leaves grectl sets but never deletes; read back so a second deploy sets nothing
SHARED = {("vpn", "ipsec", "interface"), ("vpn", "ipsec", "ipsec-interfaces", "interface"),
          ("protocols", "ospf", "parameters", "router-id"), ("protocols", "ospf", "passive-interface")}

QUESTION = r"Proceed\s*\?.*$"                      # commit-confirm's question (1.4+: "Proceed ? [Y/n]")
PROMPT_OR_QUESTION = r"(Proceed\s*\?.*|[#$]\s*)$"
UNSAVED = "You should save previous commits"
ERRORS = re.compile(
    r"(?i)(Configuration path: .* is not valid|(?:Set|Delete|Commit) failed|Invalid command|Invalid value"
    r"|Nothing to delete|\[\[.*\]\] failed|Failed to generate committed config|validation failed"
    r"|Another confirm is pending|commit-confirm canceled|Cannot exit: configuration modified"
    r"|No confirm pending|Error: .*)")


# ------------------------------------------------------------------ reading

def owned(running: str) -> str:
    """The grectl part of ``show configuration commands``: lines inside objects grectl owns
    (as ``remediation`` decides ownership), the OSPF ``passive-interface-exclude`` of its tunnels,
    OSPF ``area .. network`` lines and the shared leaves grectl sets. Nothing else is read back,
    backed up or ever written from a backup."""
    lines = [(ln.strip(), words(ln)) for ln in running.splitlines()]
    ws = [w for _, w in lines if w]
    roots = _owned_roots(ws, [])
    tunnels = {r[2] for r in roots if r[:2] == ("interfaces", "tunnel")}
    out = []
    for ln, w in lines:
        if not w:
            continue
        if (_root(w) in roots or w[:-1] in SHARED
                or (w[:3] == ("protocols", "ospf", "passive-interface-exclude") and len(w) == 4 and w[3] in tunnels)
                or (w[:3] == ("protocols", "ospf", "area") and len(w) == 6 and w[4] == "network")):
            out.append(ln)
    return "".join(f"{ln}\n" for ln in out)


def check_candidate(text: str) -> list[str]:
    """Problems with a candidate: grectl loads only ``set``/``delete`` lines on VyOS."""
    return [f"line {i}: not a set/delete command: {ln.strip()[:60]!r}"
            for i, ln in enumerate(text.splitlines(), 1)
            if ln.strip() and not (ln.strip().startswith("set ") or ln.strip().startswith("delete "))]


def commands(text: str) -> list[str]:
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


def apply_locally(running: str, cmds: list[str]) -> list[str]:
    """``running`` (set lines) after ``cmds``, as VyOS applies them: ``delete P`` drops every leaf
    under P; ``set`` of a single-valued leaf replaces its value, of a multi-valued leaf adds one."""
    have = [quote(w) for w in (words(x) for x in running.splitlines()) if w]
    for c in cmds:
        parts = c.split(None, 1)
        w = words("set " + parts[1]) if len(parts) == 2 else None
        if not w:
            continue
        if parts[0] == "delete":
            have = [h for h in have if words(h)[:len(w)] != w]
        elif parts[0] == "set":
            if _has_value(w) and w[-2] not in MULTI:
                have = [h for h in have if words(h)[:-1] != w[:-1]]
            if quote(w) not in have:
                have.append(quote(w))
    return have


def diff(running: str, cmds: list[str]) -> str:
    """A unified diff of grectl's part before and after ``cmds`` (both already masked)."""
    before = [quote(w) for w in (words(x) for x in running.splitlines()) if w]
    return "\n".join(difflib.unified_diff(before, apply_locally(running, cmds), "running", "candidate",
                                          lineterm="", n=2))


# ------------------------------------------------------------------ sessions

def apply_steps(cmds: list[str], revert_in: int | None) -> list[Step]:
    """First session: the changes, VyOS's own ``compare``, the commit (with ``commit-confirm N``
    when ``revert_in``; N is minutes, rounded up), leave. The lines on the wire are exactly
    ``remediation.deploy_plan(...)["apply"]`` (or plain ``commit`` + ``save`` without a timer)."""
    body = [Step(tuple(cmds), enter=True, stop_on=ERRORS.pattern), Step("compare")]
    if revert_in:
        return body + [Step(f"commit-confirm {minutes(revert_in)}", expect=PROMPT_OR_QUESTION, slow=True),
                       Step(EXIT)]
    return body + [Step("commit", slow=True), Step("save", slow=True), Step(EXIT)]


def confirm_steps() -> list[Step]:
    """On a fresh session: ``confirm`` (stops the reboot timer), then ``save``: the change is the
    saved configuration only once confirmed. The wire is ``deploy_plan(...)["confirm"]``."""
    return [Step(("confirm",), enter=True), Step("save", slow=True), Step(EXIT)]


def abort_steps() -> list[Step]:
    """After any failure in a configuration session: drop the uncommitted changes and leave."""
    return [Step("discard"), Step("exit discard")]


def respond(step: Step, answer: str) -> Step | None:
    """The answer to commit-confirm's question: yes, unless VyOS warned of unsaved commits
    (the revert reboots into the *saved* config and would lose them): then no."""
    if isinstance(step.send, str) and step.send.startswith("commit-confirm") \
            and re.search(QUESTION, answer.rstrip(), re.M) \
            and "Initialized commit-confirm" not in answer and "canceled" not in answer:
        return Step("n" if UNSAVED in answer else "y", slow=True)
    return None


def error(step: Step, answer: str) -> str | None:
    """What went wrong in ``answer`` to ``step``, or None."""
    if isinstance(step.send, str) and step.send.startswith("commit-confirm"):
        if UNSAVED in answer:
            return ("refused commit-confirm: the router runs commits that were never saved; VyOS reverts an "
                    "unconfirmed commit by rebooting into the saved configuration, which would lose them "
                    "(save or discard them first)")
        m = ERRORS.search(answer)
        if m:
            return (f"commit failed: {m.group(0).strip()} (the commit-confirm timer starts before the commit: "
                    f"unless confirmed, VyOS reboots into its saved configuration when it runs out)")
        if "Initialized commit-confirm" not in answer:
            return "commit-confirm did not report 'Initialized commit-confirm'"
        return None
    m = ERRORS.search(answer)
    if m:
        what = step.send if isinstance(step.send, str) else "configuration lines"
        if isinstance(step.send, tuple) and step.send == ("confirm",) and "No confirm pending" in answer:
            return ("confirm: VyOS has no commit-confirm pending: the timer already ran out and the router "
                    "rebooted into its saved configuration (the change is gone), or nothing was committed")
        return f"{what}: {m.group(0).strip()}"
    return None


def wire(steps: list[Step]) -> list[str]:
    return [ln for s in steps for ln in s.wire(ENTER, EXIT)]


__all__ = ["SHOW", "owned", "check_candidate", "commands", "apply_locally", "diff", "apply_steps", "confirm_steps",
           "abort_steps", "respond", "error", "wire", "deploy_plan"]
