"""NAPALM driver ``ios_grectl``: NAPALM's own ``ios`` driver, everything but how it connects.

Stock NAPALM hands netmiko only netmiko's own arguments (``napalm.base.netmiko_helpers``), so
``known_hosts`` never reached it and netmiko's default (``ssh_strict=False``: paramiko's
AutoAddPolicy) accepted any host key; nor does it retry. Here ``open()`` builds the same netmiko
session through :func:`napalm_grectl_cli.connect.netmiko_session`: the router's host key is
checked against known_hosts before anything is sent, and transient failures are retried with
backoff under the shared handshake bound. optional_args: those of NAPALM's ``ios`` driver, plus
those of :mod:`napalm_grectl_cli.connect` (``known_hosts``, ``host_key_policy``, ``conn_retries``...).

After a successful merge commit it clears the crypto session of each peer whose negotiated
parameters the merge changes (``controller.platforms.ios.renegotiate``: the running config read by
``get_config`` before the commit, masked, against hier_config's prediction of it after the merge),
so the proof meets the new parameters, not the old SA. A clear that fails is reported in
``last_commit["sa_reset"]`` and logged (no secret), never fails the commit.
"""
from __future__ import annotations

import logging

from napalm.ios.ios import IOSDriver

from controller.platforms.ios import renegotiate as rn
from controller.platforms.ios.secrets import mask
from napalm_grectl_cli.connect import Policy, netmiko_session, retrying

log = logging.getLogger(__name__)


class IosGrectlDriver(IOSDriver):
    def __init__(self, hostname, username, password, timeout=60, optional_args=None):
        super().__init__(hostname, username, password, timeout, optional_args)
        o = dict(optional_args or {})
        self.policy = Policy.of(hostname, o)
        self.known_hosts = self.policy.guard.file
        args = self.netmiko_optional_args
        if o.get("key_file"):   # paramiko's key_filename; look_for_keys stays off
            args.setdefault("key_file", o["key_file"])
        for k in ("conn_timeout", "banner_timeout", "auth_timeout"):
            args.setdefault(k, timeout)
        self._before: str | None = None      # running config as last read, keys masked
        self._merge: str | None = None       # the merge candidate, keys masked
        self.last_commit: dict = {}

    def open(self):
        """NAPALM's ``IOSDriver.open`` with grectl's connection policy around netmiko's login."""
        device_type = "cisco_ios_telnet" if self.transport == "telnet" else "cisco_ios"
        if device_type != "cisco_ios":
            raise ValueError("grectl connects to IOS over SSH only (telnet has no host key to verify)")
        self.device = retrying(self.policy, lambda: netmiko_session(
            self.policy.guard, device_type=device_type, host=self.hostname, username=self.username,
            password=self.password, timeout=self.timeout, **self.netmiko_optional_args))
        self._netmiko_device = self.device
        if not self.force_no_enable:
            self.device.enable()

    # ------------------------------------------------------------ re-negotiating what changed
    def get_config(self, retrieve="all", full=False, sanitized=False, format="text"):
        out = super().get_config(retrieve=retrieve, full=full, sanitized=sanitized, format=format)
        if out.get("running"):
            self._before = mask(out["running"])
        return out

    def load_merge_candidate(self, filename=None, config=None):
        text = open(filename).read() if filename else (config or "")
        super().load_merge_candidate(filename=filename, config=config)
        self._merge = mask(text)

    def load_replace_candidate(self, filename=None, config=None):
        super().load_replace_candidate(filename=filename, config=config)
        self._merge = None

    def commit_config(self, message="", revert_in=None):
        before, merge = self._before, self._merge
        super().commit_config(message=message, revert_in=revert_in)
        self._before = self._merge = None
        self.last_commit = {"sa_reset": self._reset_sas(before, merge)}

    def _reset_sas(self, before: str | None, merge: str | None) -> dict:
        """``clear crypto session remote A`` for each peer A the merge re-negotiates (exec mode,
        right after the commit, before the controller's proof). Never raises."""
        if merge is None:
            return {"peers": [], "failed": ["not a merge: no SA reset"]}
        if before is None:
            return {"peers": [], "failed": ["the running config was not read before the commit: no SA reset"]}
        peers = rn.renegotiated(before, rn.future(before, merge))
        failed = []
        for cmd in rn.reset_commands(peers):
            try:
                problem = rn.reset_error(cmd, self.device.send_command(cmd))
            except Exception as e:   # a lost session: reported; the revert timer protects the commit
                problem = mask(f"{cmd}: {e.__class__.__name__}: {e}")
            if problem:
                failed.append(problem)
                log.warning("%s: crypto session clear: %s", self.hostname, problem)
        return {"peers": peers, "failed": failed}
