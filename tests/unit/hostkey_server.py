"""A real SSH server on 127.0.0.1 for host-key and connection-policy tests (paramiko, one thread
per connection), and the keys and known_hosts files those tests need.

The server records what each client sent after the key exchange: every authentication attempt
(method and user name) and every channel it asked for. A client that refused the host key must
leave both empty. It accepts public-key authentication (when ``accept_keys``) and refuses
passwords, so a transport that got past the host key either logs in or is refused at
authentication, and the test can tell which. ``host_key`` may be swapped between connections
(the device "changed its key"). ``stop()`` closes every socket and joins every thread.
"""
from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from typing import Callable

import paramiko
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519


def new_key(path: Path | None = None) -> paramiko.PKey:
    """A fresh Ed25519 key (written in OpenSSH format, mode 600, when ``path`` is given)."""
    k = ed25519.Ed25519PrivateKey.generate()
    pem = k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
                          serialization.NoEncryption())
    if path is None:
        import io
        return paramiko.Ed25519Key.from_private_key(io.StringIO(pem.decode()))
    path.write_bytes(pem)
    path.chmod(0o600)
    return paramiko.PKey.from_path(path)


def known_line(name: str, key: paramiko.PKey, marker: str = "") -> str:
    return f"{marker + ' ' if marker else ''}{name} {key.get_name()} {key.get_base64()}\n"


class _Iface(paramiko.ServerInterface):
    def __init__(self, server: "SshServer", done: Callable[[], None]):
        self.server, self.done = server, done

    def _note(self, method, username):
        self.done()   # the handshake ends at the first authentication request (before the client hears back)
        with self.server.lock:
            self.server.auths.append((method, username))

    def get_allowed_auths(self, username):
        return "publickey,password"

    def check_auth_none(self, username):
        self._note("none", username)
        return paramiko.AUTH_FAILED

    def check_auth_password(self, username, password):
        self._note("password", username)
        return paramiko.AUTH_FAILED

    def check_auth_publickey(self, username, key):
        self._note("publickey", username)
        return paramiko.AUTH_SUCCESSFUL if self.server.accept_keys else paramiko.AUTH_FAILED

    def check_auth_interactive(self, username, submethods):
        self._note("keyboard-interactive", username)
        return paramiko.AUTH_FAILED

    def check_channel_request(self, kind, chanid):
        with self.server.lock:
            self.server.channels.append(kind)
        return paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED


class SshServer:
    """An SSH server on its own 127.0.0.1 port; ``behaviour`` per connection: "ssh" (default),
    "drop" (close at once) or a callable(server, n) -> behaviour."""

    def __init__(self, host_key: paramiko.PKey, accept_keys: bool = True, delay: float = 0.0, behaviour="ssh"):
        self.host_key, self.accept_keys, self.delay, self.behaviour = host_key, accept_keys, delay, behaviour
        self.lock = threading.Lock()
        self.auths: list[tuple[str, str]] = []
        self.channels: list[str] = []
        self.accepted = 0
        self.in_handshake = self.peak = 0
        self.errors: list[BaseException] = []
        self.stopping = threading.Event()
        self._conns: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self.sock = socket.create_server(("127.0.0.1", 0), backlog=16)
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self._acceptor = threading.Thread(target=self._accept, name=f"sshd-{self.port}", daemon=True)
        self._acceptor.start()

    @property
    def name(self) -> str:
        """This server's name in known_hosts."""
        return f"[127.0.0.1]:{self.port}"

    def _accept(self):
        while not self.stopping.is_set():
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with self.lock:
                n, self.accepted = self.accepted, self.accepted + 1
                self._conns.append(conn)
                t = threading.Thread(target=self._serve, args=(conn, n), name=f"sshd-{self.port}-{n}", daemon=True)
                self._threads.append(t)
            t.start()

    def _serve(self, conn, n):
        try:
            how = self.behaviour(self, n) if callable(self.behaviour) else self.behaviour
            if how == "ssh":
                self._ssh(conn)
        except Exception as e:  # a broken test server must show
            self.errors.append(e)
        finally:
            conn.close()

    def _ssh(self, conn):
        """Serve one SSH connection; ``in_handshake`` counts it from accept to its first
        authentication request (or its end)."""
        left = threading.Event()

        def done():
            with self.lock:
                if not left.is_set():
                    left.set()
                    self.in_handshake -= 1

        with self.lock:
            self.in_handshake += 1
            self.peak = max(self.peak, self.in_handshake)
        t = paramiko.Transport(conn)
        try:
            if self.delay:
                self.stopping.wait(self.delay)
            t.add_server_key(self.host_key)
            try:
                t.start_server(server=_Iface(self, done))
            except (paramiko.SSHException, EOFError, OSError):
                return
            while t.is_active() and not self.stopping.wait(0.02):
                pass
        finally:
            done()
            t.close()

    def stop(self):
        self.stopping.set()
        self._acceptor.join(5)
        self.sock.close()
        with self.lock:
            conns, threads = list(self._conns), list(self._threads)
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            c.close()
        for t in threads:
            t.join(5)
        assert not [t.name for t in threads + [self._acceptor] if t.is_alive()]


@pytest.fixture
def sshd():
    """sshd(host_key, **kw) -> a running SshServer; all are stopped when the test ends."""
    servers: list[SshServer] = []

    def start(host_key, **kw) -> SshServer:
        servers.append(SshServer(host_key, **kw))
        return servers[-1]

    yield start
    for s in servers:
        s.stop()
    assert [e for s in servers for e in s.errors] == []


@pytest.fixture(scope="module")
def hostkeys(tmp_path_factory):
    """Two host keys (the device's and another) and a client key file."""
    d = tmp_path_factory.mktemp("hostkeys")
    client_file = d / "id_ed25519"
    new_key(client_file)
    return {"host": new_key(), "other": new_key(), "client_file": str(client_file)}


@pytest.fixture(autouse=True)
def no_leaked_threads():
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 5
    while (left := [t for t in threading.enumerate() if t not in before and t.is_alive()]) and \
            time.monotonic() < deadline:
        time.sleep(0.02)
    assert [t.name for t in left] == []
