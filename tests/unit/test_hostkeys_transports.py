"""Every transport grectl opens checks the device's SSH host key against known_hosts before
anything is sent, and follows one retry policy. Real sockets on 127.0.0.1 (tests/unit/hostkey_server.py):
a paramiko server with a generated host key; each case runs on each connection path:

  linux     napalm_linux_frr (paramiko SSHClient)
  ios       napalm_ios_grectl (NAPALM's ios driver; netmiko cisco_ios)
  vyos      napalm_vyos_grectl (netmiko vyos)
  vrp       napalm_vrp_grectl (netmiko huawei_vrpv8)
  netconf   napalm_iosxe_netconf open() (ncclient)
  iosxe_cli the CLI session beside NETCONF (netmiko cisco_xe, for verify's show commands)

"Past the host key" means: linux logs in (the server accepts its public key); the others offer a
password the server refuses, so they fail at authentication, and the server saw their user name.
"Refused" means: the server saw no authentication attempt and no channel, nothing was retried,
the error names the device and the known_hosts file, and the file is as it was."""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Callable

import pytest
from napalm.base.exceptions import ConnectionException

from controller.platforms.huawei_vrp.driver import VrpGrectlDriver
from controller.platforms.ios.driver import IosGrectlDriver
from controller.platforms.iosxe.driver import IosXeNetconfDriver
from controller.platforms.linux.driver import LinuxFrrDriver
from controller.platforms.vyos.driver import VyosGrectlDriver
from napalm_grectl_cli.hostkeys import HashedName

from .hostkey_server import hostkeys, known_line, no_leaked_threads, sshd  # noqa: F401 (fixtures)

PASSWORD = "pw-never-shown-7f3a"
DEVICE = "r1"
T = 2.0


@dataclass
class Path_:
    name: str
    make: Callable          # (port, client_file, optional) -> driver
    go: Callable            # driver -> None (connects)
    user: str
    logs_in: bool           # the test server lets it in (public key)


def _linux(port, client, o):
    return LinuxFrrDriver("127.0.0.1", "root", timeout=T, optional_args={"port": port, "key_file": client, **o})


def _ios(port, client, o):
    return IosGrectlDriver("127.0.0.1", "admin", PASSWORD, timeout=T, optional_args={"port": port, **o})


def _vyos(port, client, o):
    return VyosGrectlDriver("127.0.0.1", "vyos", PASSWORD, timeout=T, optional_args={"port": port, **o})


def _vrp(port, client, o):
    return VrpGrectlDriver("127.0.0.1", "admin", PASSWORD, timeout=T,
                           optional_args={"port": port, "vrp_version": "8", **o})


def _netconf(port, client, o):
    return IosXeNetconfDriver("127.0.0.1", "admin", PASSWORD, timeout=T, optional_args={"port": port, **o})


def _iosxe_cli(port, client, o):
    return IosXeNetconfDriver("127.0.0.1", "admin", PASSWORD, timeout=T, optional_args={"cli_port": port, **o})


PATHS = [
    Path_("linux", _linux, lambda d: d.open(), "root", True),
    Path_("ios", _ios, lambda d: d.open(), "admin", False),
    Path_("vyos", _vyos, lambda d: d.open(), "vyos", False),
    Path_("vrp", _vrp, lambda d: d.open(), "admin", False),
    Path_("netconf", _netconf, lambda d: d.open(), "admin", False),
    Path_("iosxe_cli", _iosxe_cli, lambda d: d.cli(["show ip interface brief"]), "admin", False),
]
IDS = [p.name for p in PATHS]


def connect(path: Path_, srv, keys, kh, **o):
    """Connect once; None when it logged in, else the ConnectionException's text."""
    opts = {"known_hosts": str(kh), "device": DEVICE, "conn_retries": 0, "conn_backoff": 0.01, **o}
    d = path.make(srv.port, keys["client_file"], opts)
    try:
        path.go(d)
    except ConnectionException as e:
        text = str(e)
        assert PASSWORD not in text
        return text
    finally:
        d.close()
    return None


def assert_refused(text, srv, kh, before: str | None, kind: str):
    assert text is not None and kind in text, text
    assert text.count(DEVICE + ":") >= 1 and str(kh) in text and "nothing was sent" in text
    assert "not retried" in text
    assert srv.auths == [] and srv.channels == []          # no user name, no password, no command
    assert srv.accepted == 1
    assert (kh.read_text() if kh.exists() else None) == before


def assert_past_host_key(path: Path_, text, srv):
    if path.logs_in:
        assert text is None
    else:
        assert text is not None and "cannot connect (not retried)" in text and "host key" not in text, text
        assert srv.auths and {u for _, u in srv.auths} == {path.user}
    assert srv.accepted == 1


# ------------------------------------------------------------------ refused before anything is sent
REFUSED = [  # (case, known_hosts content given the server and keys, expected words)
    ("other host only", lambda s, k: known_line(f"[127.0.0.2]:{s.port}", k["host"]), "host key unknown"),
    ("port 22 entry only", lambda s, k: known_line("127.0.0.1", k["host"]), "host key unknown"),
    ("empty file", lambda s, k: "", "host key unknown"),
    ("comments only", lambda s, k: "# nothing here\n\n", "host key unknown"),
    ("other port", lambda s, k: known_line(f"[127.0.0.1]:{s.port + 1 if s.port < 65535 else 1}", k["host"]),
     "host key unknown"),
    ("changed", lambda s, k: known_line(s.name, k["other"]), "host key CHANGED"),
    ("changed, hashed entry", lambda s, k: f"{HashedName.of(s.name)} {k['other'].get_name()} "
                                           f"{k['other'].get_base64()}\n", "host key CHANGED"),
    ("changed, wildcard entry", lambda s, k: known_line("[127.0.0.*]:*", k["other"]), "host key CHANGED"),
    ("revoked", lambda s, k: known_line(s.name, k["host"]) + known_line("*", k["host"], "@revoked"),
     "host key REVOKED"),
    ("negated pattern", lambda s, k: known_line(f"*,![127.0.0.1]:{s.port}", k["host"]), "host key unknown"),
]


@pytest.mark.parametrize("case,content,kind", REFUSED, ids=[c[0] for c in REFUSED])
@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_untrusted_key_is_refused_before_anything_is_sent(sshd, hostkeys, tmp_path, path, case, content, kind):
    srv = sshd(hostkeys["host"])
    kh = tmp_path / "known_hosts"
    kh.write_text(content(srv, hostkeys))
    before = kh.read_text()
    text = connect(path, srv, hostkeys, kh, conn_retries=2)   # refused at once: never retried
    assert_refused(text, srv, kh, before, kind)


@pytest.mark.parametrize("policy", ["strict", "accept-new"])
@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_missing_known_hosts_is_unknown_key_and_changed_key_is_refused_under_accept_new(
        sshd, hostkeys, tmp_path, path, policy):
    srv = sshd(hostkeys["host"])
    if policy == "strict":   # a missing file holds no keys: nothing is accepted silently
        kh = tmp_path / "none" / "known_hosts"
        text = connect(path, srv, hostkeys, kh, host_key_policy=policy)
        assert_refused(text, srv, kh, None, "host key unknown")
        assert "(the file does not exist)" in text and not kh.parent.exists()
    else:                    # accept-new never replaces a changed key
        kh = tmp_path / "known_hosts"
        kh.write_text(known_line(srv.name, hostkeys["other"]))
        text = connect(path, srv, hostkeys, kh, host_key_policy=policy)
        assert_refused(text, srv, kh, known_line(srv.name, hostkeys["other"]), "host key CHANGED")


# ------------------------------------------------------------------ trusted: past the host key
KNOWN = [
    ("plain", lambda s, k: known_line(s.name, k["host"])),
    ("hashed", lambda s, k: f"{HashedName.of(s.name)} {k['host'].get_name()} {k['host'].get_base64()}\n"),
    ("wildcard", lambda s, k: known_line("[127.0.0.?]:*", k["host"])),
    ("among others", lambda s, k: known_line("10.9.9.9", k["other"]) + "# c\n"
                                  + known_line(f"a,{s.name},b", k["host"])),
    ("no final newline", lambda s, k: known_line(s.name, k["host"]).rstrip("\n")),
    ("CRLF lines", lambda s, k: known_line("10.9.9.9", k["other"]).replace("\n", "\r\n")
                                + known_line(s.name, k["host"]).replace("\n", "\r\n")),
]


@pytest.mark.parametrize("case,content", KNOWN, ids=[c[0] for c in KNOWN])
@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_known_key_gets_past_the_host_key(sshd, hostkeys, tmp_path, path, case, content):
    srv = sshd(hostkeys["host"])
    kh = tmp_path / "known_hosts"
    kh.write_text(content(srv, hostkeys))
    before = kh.read_text()
    assert_past_host_key(path, connect(path, srv, hostkeys, kh), srv)
    assert kh.read_text() == before


# ------------------------------------------------------------------ accept-new
@pytest.mark.parametrize("hashed", [False, True], ids=["plain", "hashed"])
@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_accept_new_records_the_key_then_refuses_a_changed_one(sshd, hostkeys, tmp_path, path, hashed):
    srv = sshd(hostkeys["host"])
    kh = tmp_path / "new-dir" / "known_hosts"           # neither the file nor its directory exist
    text = connect(path, srv, hostkeys, kh, host_key_policy="accept-new", hash_known_hosts=hashed)
    assert_past_host_key(path, text, srv)
    recorded = kh.read_text()
    assert recorded.count("\n") == 1 and recorded.endswith(f" {hostkeys['host'].get_name()} "
                                                           f"{hostkeys['host'].get_base64()}\n")
    assert recorded.startswith("|1|" if hashed else f"{srv.name} ") and ("127.0.0.1" in recorded) != hashed
    assert (kh.stat().st_mode & 0o777, kh.parent.stat().st_mode & 0o777) == (0o600, 0o700)

    # the recorded key is trusted under strict checking too
    srv.accepted, srv.auths = 0, []
    assert_past_host_key(path, connect(path, srv, hostkeys, kh), srv)

    # the device's key changes: refused, also under accept-new, and the file keeps the first key
    srv.host_key, srv.accepted, srv.auths = hostkeys["other"], 0, []
    text = connect(path, srv, hostkeys, kh, host_key_policy="accept-new", hash_known_hosts=hashed)
    assert_refused(text, srv, kh, recorded, "host key CHANGED")


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_accept_new_appends_after_existing_lines(sshd, hostkeys, tmp_path, path):
    srv = sshd(hostkeys["host"])
    kh = tmp_path / "known_hosts"
    kh.write_text("10.9.9.9 " + hostkeys["other"].get_name() + " " + hostkeys["other"].get_base64())  # no newline
    text = connect(path, srv, hostkeys, kh, host_key_policy="accept-new")
    assert_past_host_key(path, text, srv)
    lines = kh.read_text().splitlines()
    assert lines == [f"10.9.9.9 {hostkeys['other'].get_name()} {hostkeys['other'].get_base64()}",
                     known_line(srv.name, hostkeys["host"]).rstrip("\n")]


# ------------------------------------------------------------------ one retry policy
@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_transient_failures_are_retried_then_the_host_key_is_checked(sshd, hostkeys, tmp_path, path):
    srv = sshd(hostkeys["host"], behaviour=lambda s, n: "drop" if n < 2 else "ssh")
    kh = tmp_path / "known_hosts"
    kh.write_text(known_line(srv.name, hostkeys["host"]))
    text = connect(path, srv, hostkeys, kh, conn_retries=3)
    assert srv.accepted == 3
    if path.logs_in:
        assert text is None
    else:
        assert "cannot connect (not retried)" in text and {u for _, u in srv.auths} == {path.user}


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_unreachable_after_retries(sshd, hostkeys, tmp_path, path):
    srv = sshd(hostkeys["host"], behaviour="drop")
    text = connect(path, srv, hostkeys, tmp_path / "known_hosts", conn_retries=2)
    assert srv.accepted == 3 and "unreachable after 3 attempts" in text and srv.auths == []


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_authentication_failure_is_not_retried(sshd, hostkeys, tmp_path, path):
    srv = sshd(hostkeys["host"], accept_keys=False)
    kh = tmp_path / "known_hosts"
    kh.write_text(known_line(srv.name, hostkeys["host"]))
    text = connect(path, srv, hostkeys, kh, conn_retries=3)
    assert srv.accepted == 1 and "cannot connect (not retried)" in text and srv.auths


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_handshake_bound_holds_for_every_transport(sshd, hostkeys, tmp_path, path):
    srv = sshd(hostkeys["host"], delay=0.15)
    kh = tmp_path / "known_hosts"
    kh.write_text(known_line(srv.name, hostkeys["host"]))
    out: dict[int, str | None] = {}

    def run(i):
        out[i] = connect(path, srv, hostkeys, kh, max_connecting=1)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert len(out) == 3 and srv.accepted == 3
    assert srv.peak == 1                                   # one handshake at a time, across drivers
    assert all((v is None) if path.logs_in else ("host key" not in v) for v in out.values())


def test_known_hosts_that_is_not_a_regular_file_is_refused(sshd, hostkeys, tmp_path):
    srv = sshd(hostkeys["host"])
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for kh in (fifo, tmp_path):
        text = connect(PATHS[1], srv, hostkeys, kh)
        assert "is not a regular file" in text and "not retried" in text
    assert srv.auths == []
