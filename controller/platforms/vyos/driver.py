"""NAPALM driver ``vyos_grectl``: VyOS over SSH (netmiko ``vyos``), grectl's objects only.

Thin: the commands and the verdicts on the answers come from
``controller.platforms.vyos.session`` (pure, tested with exact command lists). What NAPALM's
calls mean here:

- ``get_config``: ``show configuration commands``, only grectl's part, PSKs as placeholders.
- ``load_merge_candidate``: ``set``/``delete`` lines (the platform's remediation), kept on the
  controller; nothing is sent until the commit. ``load_replace_candidate`` is refused: grectl
  shares a VyOS config and never replaces it.
- ``compare_config``: grectl's part before and after the lines, computed locally (no config
  session is opened for a dry run).
- ``commit_config(revert_in=S)``: ``configure``, the lines (placeholders swapped for keys only
  here), ``compare``, ``commit-confirm ceil(S/60)`` (VyOS counts minutes: the timeout is rounded
  up, and ``last_commit["note"]`` says so), ``exit``. Any failure: ``discard``, ``exit discard``.
- After a successful commit, in op mode: ``reset vpn ipsec site-to-site peer <name>`` (1.3:
  ``reset vpn ipsec-peer <address>``) for each peer whose negotiated parameters the change alters
  (``controller.platforms.vyos.renegotiate``), so the proof meets the new ones and not the old
  IKE SA. A reset that fails is reported in ``last_commit["sa_reset"]``, never fails the commit.
- ``confirm_commit`` (on a fresh session): ``configure``, ``confirm``, ``save``, ``exit``.

optional_args: ``secrets`` {fingerprint: psk}, ``key_file``, ``known_hosts``, ``port``,
``commit_timeout`` (seconds to wait for a commit or save), ``connect`` (session factory: the seam).
"""
from __future__ import annotations

import logging

from napalm.base.exceptions import CommitError, MergeConfigException

from controller.platforms.vyos import PLATFORM
from controller.platforms.vyos import renegotiate as rn
from controller.platforms.vyos import session as vs
from controller.platforms.vyos.remediation import minutes
from controller.platforms.vyos.values import vbash_quote
from napalm_grectl_cli import CliDriver, StepFailed

log = logging.getLogger(__name__)


class VyosGrectlDriver(CliDriver):
    platform = "vyos_grectl"
    device_type = "vyos"
    enter_cmd, exit_cmd = vs.ENTER, vs.EXIT
    steps, plat = vs, PLATFORM
    vendor, show_running = "VyOS", vs.SHOW


    def __init__(self, hostname, username, password=None, timeout=60, optional_args=None):
        super().__init__(hostname, username, password, timeout, optional_args)
        self.device_diff = ""


    def key_text(self, key):
        """vbash reads a set line as a shell would: the key goes shell-quoted (in place of grectl's
        ``'<placeholder>'``), so ``'``, ``;``, ``$(..)``, spaces reach VyOS as written."""
        return vbash_quote(key)

    # ------------------------------------------------------------ candidate
    def load_merge_candidate(self, filename=None, config=None):
        text = open(filename).read() if filename else (config or "")
        problems = vs.check_candidate(text)
        if problems:
            raise MergeConfigException(f"{self.hostname}: " + "; ".join(problems[:3]))
        cmds = vs.commands(text)
        unknown = self.unknown_placeholders(cmds)
        if unknown:
            raise MergeConfigException(f"{self.hostname}: no key known for PSK fingerprint(s) {', '.join(unknown)}")
        self._candidate = [self.scrub(c) for c in cmds]   # a key given in clear is kept as its placeholder

    def compare_config(self):
        if not self._candidate:
            return ""
        return vs.diff(self._read_running(), self._candidate)

    def discard_config(self):
        self._candidate = None          # nothing was sent: a config session opens only to commit

    # ------------------------------------------------------------ commit
    def commit_config(self, message="", revert_in=None):
        live = self.live_candidate()
        self.transcript = []
        before, cmds = self._running, list(self._candidate)
        self._running = None
        note = ""
        if revert_in:
            m = minutes(revert_in)
            if m * 60 != int(revert_in):
                note = f"VyOS counts commit-confirm in minutes: {int(revert_in)}s rounded up to {m} min"
        try:
            outs = self.play(vs.apply_steps(live, revert_in), vs.respond, vs.error)
        except StepFailed as e:
            self._abort()
            raise CommitError(f"{self.hostname}: {e}") from None
        self.device_diff = outs[1] if len(outs) > 1 else ""
        self._candidate = None
        self.last_commit = {"revert_in_minutes": minutes(revert_in) if revert_in else None, "note": note,
                            "sa_reset": self._reset_sas(before, cmds)}

    def _reset_sas(self, before: str | None, cmds: list[str]) -> dict:
        """Re-establish the IKE SAs whose negotiated parameters this commit changed (op mode, right
        after the commit, before the controller's proof). Never raises."""
        if before is None:
            return {"peers": [], "failed": ["the running config was not read before the commit: no SA reset"]}
        peers = rn.renegotiated(before, vs.apply_locally(before, cmds))
        failed = self.play_each(rn.reset_steps(before, peers), lambda s, a: None, rn.reset_error)
        for f in failed:
            log.warning("%s: IKE SA reset: %s", self.hostname, f)
        return {"peers": peers, "failed": failed}

    def _abort(self) -> None:
        try:
            self.play(vs.abort_steps(), lambda s, a: None, lambda s, a: None)
        except Exception:   # the failure being reported matters more than a failed clean-up
            pass

    def confirm_commit(self):
        self._running = None
        try:
            self.play(vs.confirm_steps(), vs.respond, vs.error)
        except StepFailed as e:
            self._abort()
            raise CommitError(f"{self.hostname}: {e}") from None

    def rollback(self):
        raise NotImplementedError("VyOS rolls back an unconfirmed commit itself (reboot into the saved "
                                  "configuration); grectl rolls back from its own backups")
