"""The ``comware_grectl`` driver checks the device's SSH host key exactly as the other CLI drivers
do (the shared base, ``napalm_grectl_cli.connect``): an unknown, changed or revoked key is refused
before anything is sent; a known key gets it past the host key. Real sockets on 127.0.0.1 (the
paramiko test server of tests/unit/test_hostkeys_transports.py), netmiko ``hp_comware``."""
from __future__ import annotations

import pytest

from controller.platforms.h3c_comware.driver import ComwareGrectlDriver
from tests.unit.hostkey_server import hostkeys, known_line, no_leaked_threads, sshd  # noqa: F401 (fixtures)
from tests.unit.test_hostkeys_transports import (
    KNOWN,
    PASSWORD,
    REFUSED,
    Path_,
    T,
    assert_past_host_key,
    assert_refused,
    connect,
)


def _comware(port, client, o):
    return ComwareGrectlDriver("127.0.0.1", "admin", PASSWORD, timeout=T, optional_args={"port": port, **o})


COMWARE = Path_("comware", _comware, lambda d: d.open(), "admin", False)


@pytest.mark.parametrize("case,content,kind", REFUSED, ids=[c[0] for c in REFUSED])
def test_untrusted_key_is_refused_before_anything_is_sent(sshd, hostkeys, tmp_path, case, content, kind):
    srv = sshd(hostkeys["host"])
    kh = tmp_path / "known_hosts"
    kh.write_text(content(srv, hostkeys))
    before = kh.read_text()
    assert_refused(connect(COMWARE, srv, hostkeys, kh, conn_retries=2), srv, kh, before, kind)


def test_missing_known_hosts_is_refused(sshd, hostkeys, tmp_path):
    srv = sshd(hostkeys["host"])
    kh = tmp_path / "none" / "known_hosts"
    text = connect(COMWARE, srv, hostkeys, kh, host_key_policy="strict")
    assert_refused(text, srv, kh, None, "host key unknown")


@pytest.mark.parametrize("case,content", KNOWN[:2], ids=[c[0] for c in KNOWN[:2]])
def test_known_key_gets_past_the_host_key(sshd, hostkeys, tmp_path, case, content):
    srv = sshd(hostkeys["host"])
    kh = tmp_path / "known_hosts"
    kh.write_text(content(srv, hostkeys))
    assert_past_host_key(COMWARE, connect(COMWARE, srv, hostkeys, kh), srv)
    assert srv.auths and srv.auths[0][1] == "admin"
