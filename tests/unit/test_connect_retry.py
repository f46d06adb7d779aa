"""The linux_frr driver's connection policy, against real sockets on 127.0.0.1 (no lab, nothing
leaves the host): transient failures (refused, no SSH banner, dropped) are retried with backoff;
permanent ones (authentication, unknown or changed host key) fail at once; at most
``max_connecting`` handshakes run at a time and waiting for a slot does not count against the timeout.

The servers are small: a TCP acceptor whose connections each get a thread running one behaviour
(drop, say nothing, or a paramiko SSH server). Every socket and thread is closed at the end of its
test, and a fixture fails any test that leaves a thread behind."""
from __future__ import annotations

import socket
import threading
import time
from types import SimpleNamespace

import paramiko
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from napalm.base.exceptions import ConnectionException

from controller.platforms.linux import driver as drv
from tasks.common import connection_policy

USER = "root"


# ------------------------------------------------------------------ keys
def write_key(path, kind: str = "ed25519") -> paramiko.PKey:
    """A fresh private key in OpenSSH format at ``path`` (mode 600); its paramiko key."""
    k = (ed25519.Ed25519PrivateKey.generate() if kind == "ed25519"
         else rsa.generate_private_key(public_exponent=65537, key_size=2048))
    path.write_bytes(k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
                                     serialization.NoEncryption()))
    path.chmod(0o600)
    return paramiko.PKey.from_path(path)


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    d = tmp_path_factory.mktemp("keys")
    return SimpleNamespace(host=write_key(d / "host"), other_host=write_key(d / "other_host"),
                           client_file=d / "id_ed25519", client=write_key(d / "id_ed25519"))


def known_hosts(path, port: int, key: paramiko.PKey, host: str = "127.0.0.1"):
    path.write_text(f"[{host}]:{port} {key.get_name()} {key.get_base64()}\n")
    return path


# ------------------------------------------------------------------ servers
class Loopback:
    """A TCP server on its own 127.0.0.1 port. Each accepted connection runs ``handle(server, sock, n)``
    in its own thread (n = 0 for the first connection). ``stop()`` closes every socket and joins
    every thread."""

    def __init__(self, handle):
        self.handle = handle
        self.stopping = threading.Event()
        self.accepted = 0
        self.errors: list[BaseException] = []
        self._lock = threading.Lock()
        self._conns: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self.sock = socket.create_server(("127.0.0.1", 0), backlog=16)
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self._acceptor = threading.Thread(target=self._accept, name=f"loopback-{self.port}", daemon=True)
        self._acceptor.start()

    def _accept(self):
        while not self.stopping.is_set():
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with self._lock:
                n, self.accepted = self.accepted, self.accepted + 1
                self._conns.append(conn)
                t = threading.Thread(target=self._serve, args=(conn, n), name=f"loopback-{self.port}-{n}",
                                     daemon=True)
                self._threads.append(t)
            t.start()

    def _serve(self, conn, n):
        try:
            self.handle(self, conn, n)
        except Exception as e:  # a broken test server must show, not pass silently
            self.errors.append(e)
        finally:
            conn.close()

    def stop(self):
        self.stopping.set()
        self._acceptor.join(5)
        self.sock.close()
        with self._lock:
            conns, threads = list(self._conns), list(self._threads)
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)  # wakes a thread blocked reading it
            except OSError:
                pass
            c.close()
        for t in threads + [self._acceptor]:
            t.join(5)
        assert not [t.name for t in threads + [self._acceptor] if t.is_alive()]


@pytest.fixture
def serve():
    """serve(handle) -> a running Loopback; all are stopped when the test ends."""
    servers = []

    def start(handle) -> Loopback:
        servers.append(Loopback(handle))
        return servers[-1]

    yield start
    for s in servers:
        s.stop()
    assert [e for s in servers for e in s.errors] == []


def drop(server, conn, n):
    """Accept, then close at once: the client never gets a banner."""


def silent(server, conn, n):
    """Accept and never write (the client's banner is read and ignored) until the client leaves."""
    while conn.recv(4096):
        pass


class Gauge:
    """How many handshakes are in progress, and the most there ever were."""

    def __init__(self):
        self._lock = threading.Lock()
        self.now = self.peak = 0

    def enter(self):
        with self._lock:
            self.now += 1
            self.peak = max(self.peak, self.now)

    def leave(self):
        with self._lock:
            self.now -= 1


class _Auth(paramiko.ServerInterface):
    def __init__(self, accept: bool, on_success):
        self.accept, self.on_success = accept, on_success

    def get_allowed_auths(self, username):
        return "publickey"

    def check_auth_publickey(self, username, key):
        if not self.accept:
            return paramiko.AUTH_FAILED
        self.on_success()  # before the client hears of it: its slot is still held
        return paramiko.AUTH_SUCCESSFUL

    def check_auth_password(self, username, password):
        return paramiko.AUTH_FAILED


def ssh(host_key: paramiko.PKey, accept: bool = True, delay: float = 0.0, gauge: Gauge | None = None):
    """A handler: a paramiko SSH server with ``host_key`` that accepts any public key (or none),
    after ``delay`` seconds of silence. ``gauge`` counts the handshake from accept to authentication."""

    def handle(server, conn, n):
        done = threading.Event()

        def finished():
            if gauge and not done.is_set():
                gauge.leave()
            done.set()

        if gauge:
            gauge.enter()
        t = paramiko.Transport(conn)
        try:
            if delay:
                server.stopping.wait(delay)
            t.add_server_key(host_key)
            try:
                t.start_server(server=_Auth(accept, finished))
            except (paramiko.SSHException, EOFError, OSError):
                return  # the client gave up during key exchange (or the test ended)
            while t.is_active() and not server.stopping.wait(0.02):
                pass  # serve until the client closes
        finally:
            finished()
            t.close()

    return handle


def refused_port():
    """A loopback port that refuses connections: bound (so no one else takes it), not listening."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    return s


# ------------------------------------------------------------------ driver
def driver(port: int, timeout: float = 2.0, **optional):
    return drv.LinuxFrrDriver("127.0.0.1", USER, timeout=timeout, optional_args={"port": port, **optional})


def open_fails(d) -> tuple[str, float]:
    """open() must raise ConnectionException: its text and how long open() took."""
    t0 = time.monotonic()
    with pytest.raises(ConnectionException) as ei:
        d.open()
    assert d.client is None
    return str(ei.value), time.monotonic() - t0


@pytest.fixture(autouse=True)
def no_leaked_threads():
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 3
    while (left := [t for t in threading.enumerate() if t not in before and t.is_alive()]) and \
            time.monotonic() < deadline:
        time.sleep(0.02)
    assert [t.name for t in left] == []


# ------------------------------------------------------------------ transient: retried
def test_refused_is_retried_then_reported_unreachable():
    s = refused_port()
    try:
        d = driver(s.getsockname()[1], conn_retries=2, conn_backoff=0.01)
        text, took = open_fails(d)
    finally:
        s.close()
    assert d.connect_attempts == 3
    assert text.startswith("127.0.0.1: unreachable after 3 attempts: NoValidConnectionsError")
    assert took < 1.0  # backoff 0.01 s, doubled twice, with at most 1.5x jitter


def test_backoff_doubles_with_jitter_and_settings_come_from_environment(monkeypatch):
    monkeypatch.setenv("GRECTL_SSH_RETRIES", "3")
    monkeypatch.setenv("GRECTL_SSH_BACKOFF", "0.25")
    sleeps: list[float] = []
    monkeypatch.setattr(drv, "time", SimpleNamespace(sleep=sleeps.append))   # no real waiting
    jitter = iter([0.0, 0.5, 1.0])                                            # factor 0.5 + r
    monkeypatch.setattr(drv, "random", SimpleNamespace(random=lambda: next(jitter)))
    s = refused_port()
    try:
        d = driver(s.getsockname()[1], **connection_policy())
        text, _ = open_fails(d)
    finally:
        s.close()
    assert d.connect_attempts == 4 and "unreachable after 4 attempts" in text
    assert sleeps == [0.125, 0.5, 1.5]  # 0.25*0.5, 0.5*1.0, 1.0*1.5; none after the last attempt


def test_silent_server_times_out_per_attempt_and_is_retried(serve):
    srv = serve(silent)
    d = driver(srv.port, timeout=0.3, conn_retries=2, conn_backoff=0.01)
    text, took = open_fails(d)
    assert d.connect_attempts == 3 and srv.accepted == 3
    assert text.startswith("127.0.0.1: unreachable after 3 attempts: SSHException")
    # paramiko's banner timeout and its key-exchange wait (both = timeout) race: either message
    assert "Error reading SSH protocol banner" in text or "No existing session" in text
    assert 0.9 <= took < 3.0  # three attempts of 0.3 s each, not one, not the default timeout


def test_dropped_connections_then_success(serve, keys, tmp_path):
    srv = serve(lambda server, conn, n: (drop if n < 2 else ssh(keys.host))(server, conn, n))
    d = driver(srv.port, conn_retries=3, conn_backoff=0.01, key_file=str(keys.client_file),
               known_hosts=str(known_hosts(tmp_path / "known_hosts", srv.port, keys.host)))
    try:
        d.open()
        assert d.is_alive() == {"is_alive": True}
        assert d.connect_attempts == 3 and srv.accepted == 3
    finally:
        d.close()


def test_success_at_first_attempt_with_known_host_key(serve, keys, tmp_path):
    srv = serve(ssh(keys.host))
    d = driver(srv.port, conn_retries=3, conn_backoff=0.01, key_file=str(keys.client_file),
               known_hosts=str(known_hosts(tmp_path / "known_hosts", srv.port, keys.host)))
    try:
        d.open()
        assert d.is_alive() == {"is_alive": True}
        assert d.connect_attempts == 1 and srv.accepted == 1
    finally:
        d.close()


# ------------------------------------------------------------------ permanent: not retried
@pytest.mark.parametrize("kind", [
    "ed25519",
    "rsa",  # paramiko given a file name reported a refused RSA key as "Invalid key" (was retried)
])
def test_authentication_failure_is_not_retried(serve, keys, tmp_path, kind):
    key_file = tmp_path / f"id_{kind}"
    write_key(key_file, kind)
    srv = serve(ssh(keys.host, accept=False))
    d = driver(srv.port, conn_retries=3, conn_backoff=0.01, key_file=str(key_file),
               known_hosts=str(known_hosts(tmp_path / "known_hosts", srv.port, keys.host)))
    text, _ = open_fails(d)
    assert d.connect_attempts == 1 and srv.accepted == 1
    assert text == "127.0.0.1: cannot connect (not retried): AuthenticationException: Authentication failed."


def test_changed_host_key_is_not_retried(serve, keys, tmp_path):
    srv = serve(ssh(keys.host))
    d = driver(srv.port, conn_retries=3, conn_backoff=0.01, key_file=str(keys.client_file),
               known_hosts=str(known_hosts(tmp_path / "known_hosts", srv.port, keys.other_host)))
    text, _ = open_fails(d)
    assert d.connect_attempts == 1 and srv.accepted == 1
    assert "not retried" in text and "host key CHANGED" in text and str(tmp_path / "known_hosts") in text


def test_unknown_host_key_is_not_retried(serve, keys, tmp_path):
    srv = serve(ssh(keys.host))
    kh = known_hosts(tmp_path / "known_hosts", srv.port, keys.host, host="127.0.0.2")  # another host only
    d = driver(srv.port, conn_retries=3, conn_backoff=0.01, key_file=str(keys.client_file), known_hosts=str(kh))
    text, _ = open_fails(d)
    assert d.connect_attempts == 1 and srv.accepted == 1
    assert "not retried" in text and "not found in known_hosts" in text
    assert kh.read_text().startswith("[127.0.0.2]:") and len(kh.read_text().splitlines()) == 1  # nothing added


# ------------------------------------------------------------------ concurrency bound
def test_at_most_max_connecting_handshakes_and_waiting_is_not_timing_out(serve, keys, tmp_path):
    gauge, timeout, handshake = Gauge(), 0.5, 0.3
    srv = serve(ssh(keys.host, delay=handshake, gauge=gauge))
    kh = str(known_hosts(tmp_path / "known_hosts", srv.port, keys.host))
    drivers = [driver(srv.port, timeout=timeout, conn_retries=0, max_connecting=2,
                      key_file=str(keys.client_file), known_hosts=kh) for _ in range(5)]
    results: dict[int, tuple[BaseException | None, float]] = {}
    go = threading.Barrier(len(drivers))

    def run(i, d):
        go.wait()
        t0 = time.monotonic()
        try:
            d.open()
            results[i] = (None, time.monotonic() - t0)
        except Exception as e:
            results[i] = (e, time.monotonic() - t0)

    threads = [threading.Thread(target=run, args=(i, d)) for i, d in enumerate(drivers)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
    finally:
        for d in drivers:
            d.close()
    assert {i: e for i, (e, _) in results.items()} == {i: None for i in range(5)}
    assert [d.connect_attempts for d in drivers] == [1] * 5 and srv.accepted == 5
    assert gauge.peak == 2 and gauge.now == 0
    # three rounds of handshakes (2+2+1): the last device waited past its own timeout, and was not failed
    assert max(took for _, took in results.values()) > timeout
    slots = drv._connect_slots(2)  # every slot given back: both free again
    free = [slots.acquire(blocking=False) for _ in range(3)]
    for _ in range(sum(free)):
        slots.release()
    assert free == [True, True, False]


def test_unusable_key_file_is_not_retried(tmp_path):
    """A key file that is not a key fails at once, naming the file, before any connection."""
    bad = tmp_path / "id_bad"
    bad.write_text("not a key\n")
    d = drv.LinuxFrrDriver("127.0.0.1", "root", timeout=1, optional_args={"key_file": str(bad), "conn_retries": 3})
    with pytest.raises(ConnectionException, match=r"cannot use the SSH key .*id_bad \(not retried\)"):
        d.open()
    assert d.connect_attempts == 0
