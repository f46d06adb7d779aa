"""Host keys: one known_hosts policy for every SSH transport grectl opens (the linux_frr agent
driver, netmiko for ios/vyos/huawei_vrp and the IOS-XE CLI beside NETCONF, ncclient for NETCONF).

The device's host key is checked against one OpenSSH known_hosts file as soon as the key
exchange ends, before any authentication: nothing (no user name, no password, no command) is
sent to a device whose key is not trusted.

- ``strict`` (the default; OpenSSH ``StrictHostKeyChecking=yes``): the key must be in the file.
  A missing file holds no keys: every key is unknown. An unknown key is refused.
- ``accept-new`` (OpenSSH ``StrictHostKeyChecking=accept-new``): an unknown key is recorded in
  the file (appended under a lock, plain or hashed like OpenSSH's ``HashKnownHosts``), then
  trusted. A *changed* key is refused as in ``strict``.
- A key marked ``@revoked`` is always refused.

Entries are looked up the way OpenSSH does: ``host`` on port 22, ``[host]:port`` elsewhere;
hashed names (``|1|salt|hash``), comma lists, ``*``/``?`` wildcards and ``!`` negations match.
"""
from __future__ import annotations

import base64
import binascii
import fcntl
import hashlib
import hmac
import os
import re
import stat
import threading
from dataclasses import dataclass
from pathlib import Path

import paramiko

POLICIES = ("strict", "accept-new")
MAX_FILE = 32 * 1024 * 1024          # a known_hosts file larger than this is refused, not read
HOST_RE = re.compile(r"[A-Za-z0-9._:-]{1,253}")   # what grectl writes or looks up as a host name
_RECORD_LOCK = threading.Lock()      # flock orders processes; this orders this process's threads


class HostKeyError(Exception):
    """The device's host key is not trusted (or the known_hosts file is unusable): the
    connection stopped before authentication. Permanent: never retried."""


def default_known_hosts() -> str:
    """``GRECTL_KNOWN_HOSTS`` or ``~/.ssh/known_hosts``.

    >>> default_known_hosts().endswith("known_hosts")
    True
    """
    return os.path.expanduser(os.environ.get("GRECTL_KNOWN_HOSTS") or "~/.ssh/known_hosts")


def host_name(host: str, port: int) -> str:
    """The name OpenSSH files a host's key under: ``host`` on port 22, else ``[host]:port``.

    >>> host_name("10.0.0.1", 22), host_name("R1.example", 830)
    ('10.0.0.1', '[r1.example]:830')
    >>> host_name("a b", 22)
    Traceback (most recent call last):
    ...
    napalm_grectl_cli.hostkeys.HostKeyError: 'a b' is not a host name or address grectl looks up in known_hosts
    """
    if not isinstance(host, str) or not HOST_RE.fullmatch(host):
        raise HostKeyError(f"{host!r:.60} is not a host name or address grectl looks up in known_hosts")
    if not isinstance(port, int) or isinstance(port, bool) or not 1 <= port <= 65535:
        raise HostKeyError(f"port {port!r:.20} is not a TCP port")
    host = host.lower()
    return host if port == 22 else f"[{host}]:{port}"


def fingerprint(key: paramiko.PKey) -> str:
    """OpenSSH's ``SHA256:...`` fingerprint of a key (what ``ssh-keygen -lf`` prints)."""
    return "SHA256:" + base64.b64encode(hashlib.sha256(key.asbytes()).digest()).decode().rstrip("=")


# ------------------------------------------------------------------ known_hosts lines
@dataclass(frozen=True)
class Entry:
    marker: str        # "", "@revoked" or "@cert-authority"
    names: str
    keytype: str
    blob: bytes


def entries(text: str) -> list[Entry]:
    """The usable lines of a known_hosts file (comments, blank and malformed lines skipped).

    >>> [e.names for e in entries("# c\\n\\nh1 ssh-ed25519 AAAA\\n@revoked * ssh-rsa AAAA\\nbad\\n")]
    ['h1', '*']
    """
    out = []
    for raw in text.split("\n"):
        line = raw.strip(" \t\r")
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        marker = ""
        if parts[0].startswith("@"):
            marker, parts = parts[0], parts[1:]
        if len(parts) < 3:
            continue
        try:
            blob = base64.b64decode(parts[2], validate=True)
        except (binascii.Error, ValueError):
            continue
        out.append(Entry(marker, parts[0], parts[1], blob))
    return out


def _pattern(pat: str) -> re.Pattern:
    """An OpenSSH host pattern (``*`` any run, ``?`` one character; nothing else is special)."""
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pat.lower()),
                      re.S)


def matches(names: str, name: str) -> bool:
    """Whether a known_hosts names field covers ``name`` (as :func:`host_name` spells it).

    >>> matches("10.0.0.1,r1", "r1"), matches("[10.0.0.*]:830", "[10.0.0.7]:830"), matches("*,!r2", "r2")
    (True, True, False)
    >>> matches("[10.0.0.1]:830", "10.0.0.1"), matches(HashedName.of("r1", b"0" * 20), "r1")
    (False, True)
    """
    if names.startswith("|1|"):
        try:
            salt, digest = (base64.b64decode(p, validate=True) for p in names[3:].split("|", 1))
        except (binascii.Error, ValueError):
            return False
        return hmac.compare_digest(hmac.new(salt, name.encode(), hashlib.sha1).digest(), digest)
    hit = False
    for pat in names.split(","):
        negated = pat.startswith("!")
        if _pattern(pat[1:] if negated else pat).fullmatch(name):
            if negated:
                return False
            hit = True
    return hit


class HashedName:
    @staticmethod
    def of(name: str, salt: bytes | None = None) -> str:
        """OpenSSH's hashed host name (``HashKnownHosts yes``): ``|1|base64(salt)|base64(HMAC-SHA1)``."""
        salt = salt if salt is not None else os.urandom(20)
        digest = hmac.new(salt, name.encode(), hashlib.sha1).digest()
        return f"|1|{base64.b64encode(salt).decode()}|{base64.b64encode(digest).decode()}"


def verdict(found: list[Entry], name: str, blob: bytes) -> str:
    """``known``, ``unknown``, ``changed`` or ``revoked`` for the key ``blob`` presented by ``name``.

    >>> e = entries("r1 ssh-ed25519 AAAA\\n@revoked * ssh-ed25519 AAAB")
    >>> [verdict(e, n, b) for n, b in (("r1", b"\\x00\\x00\\x00"), ("r1", b"x"),
    ...                                ("r2", b"x"), ("r2", b"\\x00\\x00\\x01"))]
    ['known', 'changed', 'unknown', 'revoked']
    """
    mine = [e for e in found if e.marker in ("", "@revoked") and matches(e.names, name)]
    if any(e.marker == "@revoked" and e.blob == blob for e in mine):
        return "revoked"
    plain = [e for e in mine if e.marker == ""]
    if any(e.blob == blob for e in plain):
        return "known"
    return "changed" if plain else "unknown"


def record_line(name: str, key: paramiko.PKey, hashed: bool) -> str:
    """The line accept-new appends (with its newline): ``name type base64``, the name hashed
    when ``hashed``."""
    if "\n" in name or " " in name:
        raise HostKeyError(f"{name!r:.60} cannot be written to known_hosts")
    return f"{HashedName.of(name) if hashed else name} {key.get_name()} {key.get_base64()}\n"


# ------------------------------------------------------------------ the file
def read_file(path: str) -> tuple[str, bool]:
    """(text, exists) of a known_hosts file. A missing file holds no keys; anything but a regular
    file (a directory, a FIFO that would block), or one over :data:`MAX_FILE`, is an error."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return "", False
    except OSError as e:
        raise HostKeyError(f"known_hosts {path} cannot be read: {e.strerror or e.__class__.__name__}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise HostKeyError(f"known_hosts {path} is not a regular file")
        if st.st_size > MAX_FILE:
            raise HostKeyError(f"known_hosts {path} is larger than {MAX_FILE // 2**20} MiB")
        return _read_fd(fd).decode("utf-8", "replace"), True
    finally:
        os.close(fd)


def _read_fd(fd: int) -> bytes:
    chunks, total = [], 0
    while chunk := os.read(fd, 1 << 16):
        chunks.append(chunk)
        total += len(chunk)
        if total > MAX_FILE:
            raise HostKeyError("known_hosts file grew past its size limit while being read")
    return b"".join(chunks)


# ------------------------------------------------------------------ the guard
@dataclass(frozen=True)
class Guard:
    """The host-key policy of one device's connections."""
    device: str                      # how messages name the device
    file: str                        # the known_hosts file
    policy: str = "strict"           # strict | accept-new
    hashed: bool = False             # accept-new writes hashed names

    def __post_init__(self):
        if self.policy not in POLICIES:
            raise HostKeyError(f"{self.device}: host key policy {self.policy!r:.40} is not one of "
                               f"{', '.join(POLICIES)}")

    def known_keys(self, name: str) -> list[paramiko.PKey]:
        """The trusted (not revoked) keys the file holds for ``name``: the transport prefers their
        types in the key exchange, as OpenSSH does."""
        text, _ = read_file(self.file)
        found = entries(text)
        revoked = {e.blob for e in found if e.marker == "@revoked" and matches(e.names, name)}
        keys = []
        for e in found:
            if e.marker == "" and e.blob not in revoked and matches(e.names, name):
                try:
                    keys.append(paramiko.PKey.from_type_string(e.keytype, e.blob))
                except (paramiko.SSHException, ValueError, TypeError):
                    continue   # a key type paramiko cannot read: still counts as "a key is known"
        return keys

    def check(self, name: str, key: paramiko.PKey) -> None:
        """Trust ``key`` for ``name`` or raise :class:`HostKeyError`; under ``accept-new`` an
        unknown key is recorded first."""
        text, exists = read_file(self.file)
        v = verdict(entries(text), name, key.asbytes())
        if v == "known":
            return
        if v == "unknown" and self.policy == "accept-new":
            self._record(name, key)
            return
        raise self.refusal(v, name, key, exists)

    def refusal(self, v: str, name: str, key: paramiko.PKey, exists: bool = True) -> HostKeyError:
        what = f"its {key.get_name()} key {fingerprint(key)}"
        if v == "changed":
            why = (f"host key CHANGED: {what} is not the key known_hosts {self.file} holds for {name} "
                   "(another machine may be answering at this address; if the device was re-keyed, "
                   "check the new key out of band and replace its line)")
        elif v == "revoked":
            why = f"host key REVOKED: {what} is marked @revoked in known_hosts {self.file}"
        else:
            why = (f"host key unknown: {name} ({what}) not found in known_hosts {self.file}"
                   + ("" if exists else " (the file does not exist)")
                   + "; check the key out of band and add it, or allow trust on first use with "
                     "GRECTL_HOST_KEY_POLICY=accept-new (or data host_key_policy: accept-new)")
        return HostKeyError(f"{self.device}: {why}; nothing was sent to the device")

    def verdict_for(self, name: str, key: paramiko.PKey) -> str:
        text, _ = read_file(self.file)
        return verdict(entries(text), name, key.asbytes())

    def _record(self, name: str, key: paramiko.PKey) -> None:
        """Append ``key`` for ``name`` under an exclusive lock, after checking again under the lock
        (another process may have recorded a key for this host meanwhile)."""
        line = record_line(name, key, self.hashed).encode()
        path = Path(self.file)
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as e:
            raise HostKeyError(f"{self.device}: cannot create the directory of known_hosts {self.file}: "
                               f"{e.strerror or e.__class__.__name__}") from None
        with _RECORD_LOCK:
            try:
                fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK
                             | getattr(os, "O_CLOEXEC", 0), 0o600)
            except OSError as e:
                raise HostKeyError(f"{self.device}: cannot record the new host key of {name} in known_hosts "
                                   f"{self.file}: {e.strerror or e.__class__.__name__}") from None
            try:
                if not stat.S_ISREG(os.fstat(fd).st_mode):
                    raise HostKeyError(f"known_hosts {self.file} is not a regular file")
                fcntl.flock(fd, fcntl.LOCK_EX)
                os.lseek(fd, 0, os.SEEK_SET)
                text = _read_fd(fd)
                v = verdict(entries(text.decode("utf-8", "replace")), name, key.asbytes())
                if v == "known":
                    return
                if v != "unknown":
                    raise self.refusal(v, name, key)
                os.write(fd, (b"\n" if text and not text.endswith(b"\n") else b"") + line)
                os.fsync(fd)
            except OSError as e:
                raise HostKeyError(f"{self.device}: cannot record the new host key of {name} in known_hosts "
                                   f"{self.file}: {e.strerror or e.__class__.__name__}") from None
            finally:
                os.close(fd)   # releases the flock


# ------------------------------------------------------------------ paramiko
class _Policy(paramiko.MissingHostKeyPolicy):
    def __init__(self, guard: Guard, name: str):
        self.guard, self.name = guard, name

    def missing_host_key(self, client, hostname, key):
        self.guard.check(self.name, key)


class GuardedClient(paramiko.SSHClient):
    """An ``SSHClient`` that trusts only what ``guard`` trusts. The known keys of the host are
    given to paramiko (which then prefers their types and refuses a different key); a host with
    none goes to the guard (refused, or recorded under accept-new). Any failure closes the client;
    a refused key is a :class:`HostKeyError` (not an ``SSHException``: netmiko would report it as
    a timeout, and it must never be retried)."""

    def __init__(self, guard: Guard):
        super().__init__()
        self.guard = guard

    def load_system_host_keys(self, filename=None):   # only the guard's file counts
        return None

    def connect(self, hostname, port=22, *args, **kwargs):
        try:
            name = host_name(hostname, int(port))
            self._host_keys = paramiko.HostKeys()
            for k in self.guard.known_keys(name):
                self._host_keys.add(name, k.get_name(), k)
            self.set_missing_host_key_policy(_Policy(self.guard, name))
            return super().connect(hostname, port, *args, **kwargs)
        except paramiko.BadHostKeyException as e:
            self.close()
            raise self.guard.refusal(self._bad(name, e.key), name, e.key) from None
        except HostKeyError as e:
            self.close()
            if str(e).startswith(f"{self.guard.device}: "):
                raise
            raise HostKeyError(f"{self.guard.device}: {e}") from None
        except BaseException:
            self.close()
            raise

    def set_missing_host_key_policy(self, policy):
        # netmiko sets its own (AutoAdd unless ssh_strict) after building the client: only ours holds
        if isinstance(policy, _Policy) or not hasattr(self, "guard"):
            super().set_missing_host_key_policy(policy)

    def _bad(self, name: str, key: paramiko.PKey) -> str:
        v = self.guard.verdict_for(name, key)
        return v if v in ("changed", "revoked") else "changed"
