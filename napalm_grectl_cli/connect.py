"""How every grectl driver connects: the host-key guard (:mod:`napalm_grectl_cli.hostkeys`) and
one retry policy, whatever the transport (paramiko for linux_frr, netmiko for ios, vyos,
huawei_vrp and the IOS-XE CLI, ncclient for NETCONF).

optional_args read here (tasks/common.py fills them from the environment and the inventory):
  known_hosts       the known_hosts file (``GRECTL_KNOWN_HOSTS`` or ``~/.ssh/known_hosts``)
  host_key_policy   ``strict`` (default) or ``accept-new``
  hash_known_hosts  accept-new writes hashed host names (False)
  device            how messages name the device (the inventory name; else the hostname)
  conn_retries      attempts after the first on transient failures (3): timeouts, refused, reset,
                    no SSH banner; never on permanent ones (authentication, host key), which fail at once
  conn_backoff      seconds before the first retry, doubled each time, with jitter (1.0)
  max_connecting    SSH handshakes in progress at once in this process, all transports together
                    (8): a device waiting for a slot is not timing out
"""
from __future__ import annotations

import random
import socket
import threading
import time
from dataclasses import dataclass
from typing import Callable, TypeVar

import paramiko
from napalm.base.exceptions import ConnectionException

from .hostkeys import POLICIES, Guard, GuardedClient, HostKeyError, default_known_hosts, host_name

T = TypeVar("T")

_slots_lock = threading.Lock()
_slots: dict[int, threading.BoundedSemaphore] = {}


def connect_slots(n: int) -> threading.BoundedSemaphore:
    """The process-wide handshake slots for a bound of ``n``."""
    with _slots_lock:
        return _slots.setdefault(n, threading.BoundedSemaphore(n))


@dataclass(frozen=True)
class Policy:
    """One device's connection policy, from a driver's optional_args."""
    guard: Guard
    retries: int = 3
    backoff: float = 1.0
    max_connecting: int = 8

    @classmethod
    def of(cls, hostname: str, o: dict) -> "Policy":
        """
        >>> p = Policy.of("10.0.0.1", {"known_hosts": "/kh", "conn_retries": 0, "device": "r1"})
        >>> p.guard.device, p.guard.file, p.guard.policy, p.retries
        ('r1', '/kh', 'strict', 0)
        """
        policy = o.get("host_key_policy") or "strict"
        if policy not in POLICIES:
            raise ConnectionException(f"{o.get('device') or hostname}: host_key_policy {policy!r:.40} is not one "
                                      f"of {', '.join(POLICIES)}")
        return cls(guard=Guard(device=str(o.get("device") or hostname), file=str(o.get("known_hosts")
                                                                                 or default_known_hosts()),
                               policy=policy, hashed=bool(o.get("hash_known_hosts", False))),
                   retries=max(0, int(o.get("conn_retries", 3))), backoff=float(o.get("conn_backoff", 1.0)),
                   max_connecting=max(1, int(o.get("max_connecting", 8))))


def permanent(exc: BaseException) -> bool:
    """A connection failure that retrying cannot fix: the host key, authentication."""
    if isinstance(exc, (HostKeyError, paramiko.AuthenticationException, paramiko.BadHostKeyException)):
        return True
    names = {c.__name__ for c in type(exc).__mro__}
    if names & {"NetmikoAuthenticationException", "AuthenticationError", "SSHUnknownHostError"}:
        return True   # netmiko's and ncclient's wrappers of the same failures
    return isinstance(exc, paramiko.SSHException) and "known_hosts" in str(exc)


def retrying(policy: Policy, attempt: Callable[[], T], *, label: str | None = None,
             clean: Callable[[str], str] = str, sleep: Callable[[float], None] | None = None,
             jitter: Callable[[], float] | None = None,
             counted: Callable[[int], None] = lambda n: None) -> T:
    """``attempt()`` under the policy: each attempt holds a handshake slot (its timeout runs only
    while it holds one), transient failures are retried after a doubling, jittered backoff,
    permanent ones fail at once. Failures are :class:`ConnectionException` naming the device."""
    label = label or policy.guard.device
    sleep = sleep or time.sleep
    jitter = jitter or random.random
    slots = connect_slots(policy.max_connecting)
    delay, err = policy.backoff, None
    for n in range(policy.retries + 1):
        counted(n + 1)
        with slots:
            try:
                return attempt()
            except Exception as e:   # transports raise more than their own kinds on a broken session
                err = e
        if isinstance(err, HostKeyError):
            raise ConnectionException(clean(str(err)) + " (not retried)") from None
        if permanent(err):
            raise ConnectionException(f"{label}: cannot connect (not retried): {err.__class__.__name__}: "
                                      f"{clean(str(err))}".rstrip()) from None
        if n < policy.retries:
            sleep(delay * (0.5 + jitter()))
            delay *= 2
    raise ConnectionException(f"{label}: unreachable after {policy.retries + 1} attempts: "
                              f"{err.__class__.__name__}: {clean(str(err))}".rstrip()) from None


# ------------------------------------------------------------------ netmiko
_HOST_KEY_ARGS = ("ssh_strict", "system_host_keys", "alt_host_keys", "alt_key_file")


def netmiko_session(guard: Guard, **kwargs):
    """A netmiko connection (``ConnectHandler``'s keyword arguments) whose SSH client is a
    :class:`GuardedClient`: netmiko's own host-key arguments are ignored, the guard decides.
    A failure after the SSH session opened (no prompt) closes it."""
    from netmiko.ssh_dispatcher import CLASS_MAPPER

    base = CLASS_MAPPER.get(kwargs.get("device_type", ""))
    if base is None:
        raise ValueError(f"netmiko has no device type {kwargs.get('device_type')!r:.40}")

    def _build_ssh_client(self):
        return GuardedClient(guard)

    def _open(self):
        try:
            base._open(self)
        except BaseException:
            for attr in ("remote_conn", "remote_conn_pre"):
                obj = getattr(self, attr, None)
                if obj is not None:
                    try:
                        obj.close()
                    except Exception:
                        pass
            raise

    cls = type(f"Guarded{base.__name__}", (base,), {"_build_ssh_client": _build_ssh_client, "_open": _open})
    return cls(**{k: v for k, v in kwargs.items() if k not in _HOST_KEY_ARGS})


# ------------------------------------------------------------------ ncclient
def netconf_connect(guard: Guard, host: str, port: int, username: str, password: str | None,
                    key_file: str | None, timeout: float):
    """An ncclient ``Manager`` over SSH whose host key the guard checked before authentication.
    The whole attempt (TCP, key exchange, authentication, hello) is bounded by ``timeout``."""
    from ncclient import manager
    from ncclient.transport.ssh import SSHSession

    name = host_name(host, int(port))
    known = guard.known_keys(name)

    class Session(SSHSession):
        def load_known_hosts(self, filename=None):
            # only the keys the guard trusts for this very name ([host]:port off port 22), so
            # ncclient's own check passes exactly those; everything else comes to `unknown`
            self._host_keys = paramiko.HostKeys()
            for k in known:
                self._host_keys.add(name, k.get_name(), k)

    handler = manager.make_device_handler({}, None)
    session = Session(handler)

    def unknown(_host, _fp):
        key = session._transport.get_remote_server_key()
        v = guard.verdict_for(name, key)
        if v in ("changed", "revoked"):
            raise guard.refusal(v, name, key)
        guard.check(name, key)   # refused (strict) or recorded (accept-new)
        return True

    sock = socket.create_connection((host, int(port)), timeout=timeout)
    watchdog = threading.Timer(timeout, _shut, (sock,))
    watchdog.daemon = True
    watchdog.start()
    try:
        session.connect(host=host, port=int(port), sock=sock, timeout=timeout, username=username,
                        password=password or None, key_filename=key_file, allow_agent=False,
                        look_for_keys=False, hostkey_verify=True, unknown_host_cb=unknown)
    except BaseException:
        try:
            if session._transport is not None:
                session.close()
        except Exception:
            pass
        sock.close()
        raise
    finally:
        watchdog.cancel()
        watchdog.join(1)
    return manager.Manager(session, handler)


def _shut(sock: socket.socket) -> None:
    """The attempt ran out of time: end its socket (the transport then fails at once)."""
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
