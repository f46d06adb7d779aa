"""NAPALM driver ``ios_grectl``: NAPALM's own ``ios`` driver, everything but how it connects.

Stock NAPALM hands netmiko only netmiko's own arguments (``napalm.base.netmiko_helpers``), so
``known_hosts`` never reached it and netmiko's default (``ssh_strict=False``: paramiko's
AutoAddPolicy) accepted any host key; nor does it retry. Here ``open()`` builds the same netmiko
session through :func:`napalm_grectl_cli.connect.netmiko_session`: the router's host key is
checked against known_hosts before anything is sent, and transient failures are retried with
backoff under the shared handshake bound. optional_args: those of NAPALM's ``ios`` driver, plus
those of :mod:`napalm_grectl_cli.connect` (``known_hosts``, ``host_key_policy``, ``conn_retries``...).
"""
from __future__ import annotations

from napalm.ios.ios import IOSDriver

from napalm_grectl_cli.connect import Policy, netmiko_session, retrying


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
