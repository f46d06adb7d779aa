"""After a commit, the ``vyos_grectl`` driver resets exactly the IKE peers whose negotiated
parameters changed (a new key, a proposal), in op mode, before it returns (so the controller's
proof meets fresh SAs); an MTU-only change resets nothing; a reset that fails is reported and
the commit stands. Recorded transcripts, exact wire."""
from __future__ import annotations

import logging

import napalm
import pytest
from napalm.base.exceptions import CommitError

from controller import platforms
from controller.secretforms import fingerprint, placeholder

from .test_vyos_driver import INTENDED, KEY, driver
from .transcript import Sessions

PLAT = platforms.get("vyos")
NEW_KEY = "a-brand-new-key-for-tokyo-0"
RESET = "reset vpn ipsec site-to-site peer grectl-tokyo"


def commit(sessions, intended, keys=(KEY,)):
    d = napalm.get_network_driver("vyos_grectl")("osaka", "vyos", optional_args={
        "secrets": {fingerprint(k): k for k in keys}, "connect": sessions})
    d.open()
    text, _ = PLAT.plan(intended, d.get_config(retrieve="running")["running"], True)
    d.load_merge_candidate(config=text)
    d.commit_config(revert_in=120)
    d.close()
    return d, text


def test_new_key_resets_that_peer_after_the_commit_before_the_confirm():
    s = Sessions("vyos", ("running", "commit_ok", "reset_ok"), "confirm_ok")
    d, text = commit(s, INTENDED.replace(placeholder(KEY), placeholder(NEW_KEY)), (KEY, NEW_KEY))
    at = s.wire.index("commit-confirm 2")
    assert s.wire[at:] == ["commit-confirm 2", "y", "exit", RESET]      # op mode, after leaving configure
    assert d.last_commit["sa_reset"] == {"peers": ["198.51.100.2"], "failed": []}
    d2 = driver(s)
    d2.confirm_commit()
    assert s.wire[-4:] == ["configure", "confirm", "save", "exit"]          # the confirm comes after the reset
    assert not any(t.unused() for t in s.opened)
    assert not any(NEW_KEY in t or KEY in t for t in d.transcript)


def test_proposal_change_resets_every_peer_using_it():
    s = Sessions("vyos", ("running", "commit_ok", "reset_ok"))
    d, _ = commit(s, INTENDED.replace("dh-group '14'", "dh-group '19'"))
    assert s.wire[-1] == RESET and s.wire.count(RESET) == 1              # tokyo is osaka's only peer
    assert d.last_commit["sa_reset"]["peers"] == ["198.51.100.2"]


def test_mtu_only_change_resets_nothing():
    s = Sessions("vyos", ("running", "commit_ok"))
    d, text = commit(s, INTENDED)
    assert "mtu" in text and not any(w.startswith("reset ") for w in s.wire)
    assert s.wire[-3:] == ["commit-confirm 2", "y", "exit"]
    assert d.last_commit["sa_reset"] == {"peers": [], "failed": []}


def test_failed_reset_is_reported_and_the_commit_stands(caplog):
    s = Sessions("vyos", ("running", "commit_ok", "reset_fails"))
    with caplog.at_level(logging.WARNING):
        d, _ = commit(s, INTENDED.replace(placeholder(KEY), placeholder(NEW_KEY)), (KEY, NEW_KEY))
    assert s.wire[-1] == RESET and "discard" not in s.wire                 # nothing rolled back
    assert d.last_commit["sa_reset"]["failed"] == [f"{RESET}: Error: Peer grectl-tokyo not found"]
    assert "IKE SA reset" in caplog.text and NEW_KEY not in caplog.text and KEY not in caplog.text


def test_a_failed_commit_resets_nothing():
    s = Sessions("vyos", ("running", "commit_fails"))
    d = driver(s)
    text, _ = PLAT.plan(INTENDED.replace("dh-group '14'", "dh-group '19'"), d.get_config()["running"], True)
    d.load_merge_candidate(config=text)
    with pytest.raises(CommitError):
        d.commit_config(revert_in=120)
    assert s.wire[-2:] == ["discard", "exit discard"] and not any(w.startswith("reset ") for w in s.wire)
