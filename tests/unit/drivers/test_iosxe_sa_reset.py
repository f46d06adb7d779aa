"""After a successful confirmed commit, the ``iosxe_netconf`` driver clears the crypto session of
exactly the peers whose negotiated parameters changed, on the CLI session beside NETCONF (the
shared YANG has no RPC for it), before it returns; an MTU-only change opens no CLI session; a
refused clear or no CLI session is reported and the commit stands; a refused commit clears nothing.

The NETCONF side is a recorded stand-in for ncclient's manager (the datastores as the server would
answer get-config, every RPC recorded in order); the candidate is taken as loaded (the load's
edit-configs are proven against a real netconfd in tests/lab/test_iosxe.py)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from napalm.base.exceptions import CommitError

from controller import inventory, render, secrets
from controller.platforms.iosxe import nativexml as nx
from controller.platforms.iosxe.driver import IosXeNetconfDriver
from tests.conftest import TEST_PSK, copy_inventory

from ..platforms.iosxe.conftest import add_iosxe_site
from .transcript import Transcript

NEW_KEY = "a-brand-new-key-for-tokyo-00"
CLEAR = "clear crypto session remote 198.51.100.2"
KEYS = {secrets.fingerprint(k): k for k in (TEST_PSK, NEW_KEY)}


@pytest.fixture(scope="module")
def payload(tmp_path_factory) -> str:
    ov = inventory.load(add_iosxe_site(copy_inventory(tmp_path_factory.mktemp("xe"))))
    return render.render_all(ov, device="kagoshima")["kagoshima"]


class Netconf:
    """ncclient's manager as the driver uses it after a load: datastores and an RPC log."""

    def __init__(self, running: str, candidate: str, wire: list, refuse_commit=False):
        self.store = {"running": running, "candidate": candidate}
        self.wire, self.refuse_commit = wire, refuse_commit

    def get_config(self, source, filter=None):
        self.wire.append(f"get-config {source}")
        return SimpleNamespace(data_xml=self.store[source])

    def commit(self, confirmed=False, timeout=None, persist=None, persist_id=None):
        self.wire.append("commit confirmed" if confirmed else "commit")
        if self.refuse_commit:
            raise RuntimeError("commit refused by the server")

    def discard_changes(self):
        self.wire.append("discard-changes")

    def unlock(self, target):
        self.wire.append(f"unlock {target}")


def driver(payload, candidate_xml, *cli, refuse_commit=False, no_cli=False):
    wire: list[str] = []
    sessions = []

    def cli_connect(**kw):
        if no_cli:
            raise ConnectionRefusedError("connection refused")
        sessions.append(Transcript("ios", *cli, wire=wire))
        return sessions[-1]
    d = IosXeNetconfDriver("kagoshima", "admin", optional_args={
        "secrets": KEYS, "cli_connect": cli_connect, "conn_retries": 0})
    fill = lambda x: nx.fill_keys(x, KEYS)                                     # the server holds keys in clear
    d.m = Netconf(fill(payload), fill(candidate_xml), wire, refuse_commit)
    d._locked = d._loaded = True
    d._intended = nx.parse(candidate_xml)
    return d, wire, sessions


def commit(d):
    diff = d.compare_config()
    d.commit_config(revert_in=120)
    return diff


def test_new_key_clears_tokyo_after_the_commit(payload):
    d, wire, sessions = driver(payload, payload.replace(secrets.placeholder(TEST_PSK), secrets.placeholder(NEW_KEY)),
                               "clear_xe_ok")
    commit(d)
    assert wire == ["get-config running", "get-config candidate", "commit confirmed", "unlock candidate", CLEAR]
    assert d.last_commit["sa_reset"] == {"peers": ["198.51.100.2"], "failed": []}
    assert len(sessions) == 1 and sessions[0].closed and not sessions[0].unused()


def test_mtu_only_change_opens_no_cli_session(payload):
    d, wire, sessions = driver(payload, payload.replace("<mtu>1442</mtu>", "<mtu>1400</mtu>"))
    assert "+native/interface/Tunnel[name=3]/ip/mtu = 1400" in commit(d)
    assert wire == ["get-config running", "get-config candidate", "commit confirmed", "unlock candidate"]
    assert sessions == [] and d.last_commit["sa_reset"] == {"peers": [], "failed": []}


@pytest.mark.parametrize("cli, no_cli, failed", [
    (("clear_refused_xe",), False, f"{CLEAR}: % Invalid input detected at '^' marker."),
    ((), True, "no CLI session beside NETCONF"),
])
def test_failed_clear_is_reported_and_the_commit_stands(payload, cli, no_cli, failed):
    d, wire, _ = driver(payload, payload.replace("<seconds>3600</seconds>", "<seconds>1800</seconds>"), *cli,
                        no_cli=no_cli)
    commit(d)
    assert "commit confirmed" in wire and "discard-changes" not in wire
    assert d.last_commit["sa_reset"]["peers"] == ["198.51.100.2"]
    assert failed in d.last_commit["sa_reset"]["failed"][0]
    assert TEST_PSK not in str(d.last_commit)


def test_refused_commit_clears_nothing(payload):
    d, wire, sessions = driver(payload, payload.replace("<seconds>3600</seconds>", "<seconds>1800</seconds>"),
                               refuse_commit=True)
    with pytest.raises(CommitError):
        commit(d)
    assert wire[-3:] == ["commit confirmed", "discard-changes", "unlock candidate"] and sessions == []
