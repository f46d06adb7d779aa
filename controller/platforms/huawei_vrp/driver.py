"""NAPALM driver ``vrp_grectl``: Huawei VRP over SSH (netmiko ``huawei``, or ``huawei_vrpv8``
with ``optional_args["vrp_version"] = "8"``), grectl's objects only.

Thin: the commands and the verdicts on the answers come from
``controller.platforms.huawei_vrp.session`` (pure, tested with exact command lists).

- ``get_config``: ``display current-configuration``, only grectl's part, PSKs as placeholders.
- ``load_merge_candidate``: the platform's remediation (system-view lines with ``undo``), kept on
  the controller until the commit. ``load_replace_candidate`` is refused.
- ``compare_config``: the lines as a diff (``undo`` as ``-``), computed locally.
- ``commit_config(revert_in=S)``: VRPv8 ``commit trial S persist grectl`` (S clamped to 60..65535);
  VRP5: checkpoint file made next-startup + ``schedule reboot delay ceil(S/60)``, then the lines.
- After a successful commit, in user view: ``reset ipsec sa remote A`` and ``reset ike sa remote
  A`` for each peer A whose negotiated parameters the change alters
  (``controller.platforms.huawei_vrp.renegotiate``), so the proof meets the new ones and not the
  old SAs. A reset that fails is reported in ``last_commit["sa_reset"]``, never fails the commit.
- ``confirm_commit`` (fresh session): VRPv8 ``commit persist grectl`` + ``save``; VRP5 stops the
  scheduled reboot, restores the next-startup file and saves.

The VRP version comes from ``optional_args["vrp_version"]`` ("5" or "8") or else from
``display version`` the first time it matters.
"""
from __future__ import annotations

import logging

from napalm.base.exceptions import CommitError

from controller.platforms.huawei_vrp import PLATFORM
from controller.platforms.huawei_vrp import renegotiate as rn
from controller.platforms.huawei_vrp import session as hs
from napalm_grectl_cli import CliDriver, Step, StepFailed

# VRP5's next-startup file before grectl's checkpoint, by host: the confirm (a new driver on a
# fresh session, in the same controller process) puts it back. Read from ``display startup``
# (the file the router booted from) when this process did not make the checkpoint.
NEXT_STARTUP: dict[str, str] = {}
log = logging.getLogger(__name__)


def _quiet(step, answer):
    return None


class VrpGrectlDriver(CliDriver):
    platform = "vrp_grectl"
    enter_cmd, exit_cmd = hs.ENTER, hs.EXIT
    steps, plat = hs, PLATFORM
    vendor, show_running = "VRP", hs.SHOW


    def __init__(self, hostname, username, password=None, timeout=60, optional_args=None):
        super().__init__(hostname, username, password, timeout, optional_args)
        v = str(self.options.get("vrp_version", "") or "")
        self._vrp8: bool | None = {"8": True, "5": False}.get(v[:1])
        self.device_type = "huawei_vrpv8" if self._vrp8 else "huawei"


    def vrp8(self) -> bool:
        if self._vrp8 is None:
            found = hs.is_vrp8(self.send(Step("display version")))
            if found is None:
                raise CommitError(f"{self.hostname}: 'display version' names no VRP version; "
                                  "set optional_args vrp_version")
            self._vrp8 = found
        return self._vrp8

    # ------------------------------------------------------------ commit
    def commit_config(self, message="", revert_in=None):
        live = self.live_candidate()
        before, cmds = self._running, list(self._candidate)
        self.transcript, self._running = [], None
        vrp8 = self.vrp8()
        if vrp8:
            try:
                self.play(hs.apply_steps(live, revert_in, True), hs.respond, hs.error)
            except StepFailed as e:
                self._best_effort(hs.abort_steps(True))
                raise CommitError(f"{self.hostname}: {e} (uncommitted lines cleared)") from None
            note = "" if not revert_in or hs.trial_seconds(revert_in) == int(revert_in) else \
                f"VRPv8 commit trial takes 60..65535 s: {int(revert_in)}s became {hs.trial_seconds(revert_in)}s"
        else:
            note = self._checkpoint(revert_in) if revert_in else ""
            try:
                self.play(hs.apply_steps(live, revert_in, False), hs.respond, hs.error)
            except StepFailed as e:
                if not revert_in:
                    raise CommitError(f"{self.hostname}: {e} (VRP5 applied the lines before it; no checkpoint "
                                      "was asked for)") from None
                self._best_effort(hs.rollback_steps())
                raise CommitError(f"{self.hostname}: {e}; rebooting into grectl's checkpoint "
                                  f"{hs.CHECKPOINT} (the lines before it had taken effect)") from None
        self._candidate = None
        self.last_commit = {"vrp8": vrp8, "note": note, "sa_reset": self._reset_sas(before, cmds)}

    def _reset_sas(self, before: str | None, cmds: list[str]) -> dict:
        """Reset the SAs whose negotiated parameters this commit changed (user view, right after
        the commit, before the controller's proof). Never raises."""
        if before is None:
            return {"peers": [], "failed": ["the running config was not read before the commit: no SA reset"]}
        peers = rn.renegotiated(before, rn.apply(before, cmds))
        failed = self.play_each(rn.reset_steps(peers), hs.respond, hs.error)
        for f in failed:
            log.warning("%s: SA reset: %s", self.hostname, f)
        return {"peers": peers, "failed": failed}

    def _checkpoint(self, revert_in: int) -> str:
        steps, done, outs = hs.checkpoint_steps(revert_in), 0, []
        try:
            for st in steps:
                outs += self.play([st], hs.respond, hs.error)
                done += 1
                if done == 1:
                    nxt = hs.startup_files(outs[0]).get("next")
                    if not nxt:
                        raise StepFailed("display startup: no 'Next startup saved-configuration file'")
                    if nxt != hs.CHECKPOINT:
                        NEXT_STARTUP[self.hostname] = nxt
        except StepFailed as e:
            self._best_effort(hs.undo_checkpoint_steps(done, NEXT_STARTUP.get(self.hostname)))
            raise CommitError(f"{self.hostname}: {e} (nothing was changed)") from None
        m = hs.reboot_minutes(revert_in)
        return "" if m * 60 == int(revert_in) else \
            f"VRP5 schedules the revert reboot in minutes: {int(revert_in)}s rounded up to {m} min"

    def _best_effort(self, steps) -> None:
        try:
            self.play(steps, hs.respond, _quiet)
        except Exception:   # the failure being reported matters more than a failed clean-up
            pass

    def confirm_commit(self):
        self._running = None
        try:
            if self.vrp8():
                self.play(hs.confirm_steps(True), hs.respond, hs.error)
                return
            files = hs.startup_files(self.play([Step("display startup")], _quiet, hs.error)[0])
            problem = hs.pending_problem(files)
            if problem:
                raise StepFailed(problem)
            nxt = NEXT_STARTUP.get(self.hostname) or files.get("startup")
            self.play(hs.confirm_steps(False, nxt), hs.respond, hs.error)
            NEXT_STARTUP.pop(self.hostname, None)
        except StepFailed as e:
            raise CommitError(f"{self.hostname}: confirm: {e}") from None

    def rollback(self):
        raise NotImplementedError("grectl rolls back from its own backups")
