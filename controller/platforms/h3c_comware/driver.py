"""NAPALM driver ``comware_grectl``: H3C Comware 7 over SSH (netmiko ``hp_comware``), grectl's
objects only, on the shared CLI driver base (``napalm_grectl_cli``: host keys checked against
known_hosts before anything is sent, never accepted blindly).

Thin: the commands and the verdicts on the answers come from
``controller.platforms.h3c_comware.session`` (pure, tested with exact command lists).

- ``get_config``: ``display current-configuration``, only grectl's part, PSKs as placeholders.
- ``load_merge_candidate``: the platform's remediation (system-view lines with ``undo``), kept on
  the controller until the commit. ``load_replace_candidate`` is refused.
- ``commit_config(revert_in=S)``: the checkpoint file, ``configuration commit delay ceil(S/60)``,
  the lines; a refused line restores the checkpoint at once (``configuration replace file``).
  Then grectl's part is read again: the confirm compares it to tell a late confirm.
- After a successful commit, in user view: ``reset ipsec sa remote A`` and ``reset ikev2 sa remote
  A`` for each peer A whose negotiated parameters the change alters
  (``controller.platforms.h3c_comware.renegotiate``). A reset that fails is reported in
  ``last_commit["sa_reset"]``, never fails the commit.
- ``confirm_commit`` (fresh session): if this process made the commit, grectl's part must still be
  what the commit left (else the timer already rolled it back: an error, nothing saved); then
  ``configuration commit`` and ``save force``.
"""
from __future__ import annotations

import logging

from napalm.base.exceptions import CommitError

from controller.platforms.h3c_comware import PLATFORM
from controller.platforms.h3c_comware import renegotiate as rn
from controller.platforms.h3c_comware import session as cs
from napalm_grectl_cli import CliDriver, Step, StepFailed

# host -> digest of grectl's part as a pending commit left it; the confirm (a new driver on a
# fresh session, in the same controller process) checks the device still runs it
PENDING: dict[str, str] = {}
log = logging.getLogger(__name__)


def _quiet(step, answer):
    return None


class ComwareGrectlDriver(CliDriver):
    platform = "comware_grectl"
    device_type = "hp_comware"
    enter_cmd, exit_cmd = cs.ENTER, cs.EXIT
    steps, plat = cs, PLATFORM
    vendor, show_running = "Comware", cs.SHOW

    # ------------------------------------------------------------ commit
    def commit_config(self, message="", revert_in=None):
        live = self.live_candidate()
        before, cmds = self._running, list(self._candidate)
        self.transcript, self._running = [], None
        steps, first_lines = cs.apply_steps(live, revert_in), cs.lines_index(revert_in)
        done = 0
        try:
            for st in steps:
                self.play([st], cs.respond, cs.error)
                done += 1
        except StepFailed as e:
            if done < first_lines:      # the checkpoint or the timer was refused: no line was sent
                if done:
                    self._best_effort(cs.abort_steps())
                raise CommitError(f"{self.hostname}: {e} (nothing was changed)") from None
            if done > first_lines:      # no timeout: the lines took effect, only the save failed
                raise CommitError(f"{self.hostname}: {e} (the lines took effect; the configuration is not saved)") \
                    from None
            restored = self._restore(bool(revert_in))
            raise CommitError(f"{self.hostname}: {e}; {restored}") from None
        self._candidate = None
        if revert_in:
            PENDING[self.hostname] = cs.digest(self._read_running())
        note = "" if not revert_in or cs.delay_minutes(revert_in) * 60 == int(revert_in) else \
            f"Comware's commit delay is in minutes: {int(revert_in)}s became {cs.delay_minutes(revert_in)} min"
        self.last_commit = {"note": note, "sa_reset": self._reset_sas(before, cmds)}

    def _restore(self, armed: bool) -> str:
        try:
            self.play(cs.restore_steps(armed), cs.respond, cs.error)
        except Exception as e:   # the failure being reported matters more; the timer still runs
            why = self.scrub(str(e))
            return (f"restoring grectl's checkpoint failed ({why}): the device rolls back by its commit-delay "
                    "timer" if armed else f"restoring grectl's checkpoint failed ({why})")
        return f"the running configuration was restored from grectl's checkpoint {cs.CHECKPOINT}"

    def _reset_sas(self, before: str | None, cmds: list[str]) -> dict:
        """Reset the SAs whose negotiated parameters this commit changed (user view, right after
        the commit, before the controller's proof). Never raises."""
        if before is None:
            return {"peers": [], "failed": ["the running config was not read before the commit: no SA reset"]}
        peers = rn.renegotiated(before, rn.apply(before, cmds))
        failed = self.play_each(rn.reset_steps(peers), cs.respond, cs.error)
        for f in failed:
            log.warning("%s: SA reset: %s", self.hostname, f)
        return {"peers": peers, "failed": failed}

    def _best_effort(self, steps) -> None:
        try:
            self.play(steps, cs.respond, _quiet)
        except Exception:   # the failure being reported matters more than a failed clean-up
            pass

    def confirm_commit(self):
        self._running = None
        try:
            want = PENDING.get(self.hostname)
            if want is not None and cs.digest(self._read_running()) != want:
                raise StepFailed("grectl's configuration is no longer what the commit left: the confirm came too "
                                 "late, the commit-delay timer rolled the device back (nothing saved)")
            self.play(cs.confirm_steps(), cs.respond, cs.error)
            PENDING.pop(self.hostname, None)
        except StepFailed as e:
            raise CommitError(f"{self.hostname}: confirm: {e}") from None

    def rollback(self):
        raise NotImplementedError("grectl rolls back from its own backups")


__all__ = ["ComwareGrectlDriver", "Step"]
