"""After a commit, the ``vrp_grectl`` driver resets the SAs of exactly the peers whose negotiated
parameters changed (user view, ``reset ipsec sa remote`` then ``reset ike sa remote``) before it
returns, on VRP5 and VRPv8; an MTU-only change resets nothing; a refused reset is reported and
the commit stands; a failed commit resets nothing. Recorded transcripts, exact wire."""
from __future__ import annotations

import pytest
from napalm.base.exceptions import CommitError

from .test_vrp_driver import INTENDED, PLAT, driver, no_secret
from .transcript import Sessions

RESETS = ["reset ipsec sa remote 198.51.100.2", "reset ike sa remote 198.51.100.2"]
IKE_LIFETIME = INTENDED.replace(" sa duration 86400", " sa duration 28800")


def commit(s, intended, revert_in=120):
    d = driver(s)
    text, _ = PLAT.plan(intended, d.get_config(retrieve="running")["running"], True)
    d.load_merge_candidate(config=text)
    d.commit_config(revert_in=revert_in)
    return d, text


@pytest.mark.parametrize("version, commit_end", [
    ("vrp8", ["commit trial 120 persist grectl", "return"]),
    ("vrp5", [" tcp adjust-mss 1394", "quit", "return"]),
])
def test_ike_lifetime_change_resets_tokyo_after_the_commit(version, commit_end):
    s = Sessions("vrp", ("running", f"{version}_version", f"{version}_commit_ok", "reset_ok"))
    d, text = commit(s, IKE_LIFETIME)
    assert " sa duration 28800" in text
    assert s.wire[-len(commit_end) - 2:] == commit_end + RESETS        # user view, right after the change
    assert d.last_commit["sa_reset"] == {"peers": ["198.51.100.2"], "failed": []}
    assert not any(t.unused() for t in s.opened)
    no_secret(d.transcript)


def test_mtu_only_change_resets_nothing():
    s = Sessions("vrp", ("running", "vrp8_version", "vrp8_commit_ok"))
    d, text = commit(s, INTENDED)
    assert " mtu 1434" in text and s.wire[-2:] == ["commit trial 120 persist grectl", "return"]
    assert not any(w.startswith("reset ") for w in s.wire)
    assert d.last_commit["sa_reset"] == {"peers": [], "failed": []}


def test_refused_reset_is_reported_and_the_commit_stands():
    s = Sessions("vrp", ("running", "vrp8_version", "vrp8_commit_ok", "reset_refused"))
    d, _ = commit(s, IKE_LIFETIME)
    assert s.wire[-2:] == RESETS and "clear configuration candidate" not in s.wire
    assert d.last_commit["sa_reset"]["failed"] == [
        "reset ike sa remote 198.51.100.2: Error: Unrecognized command found at '^' position."]


def test_failed_commit_resets_nothing():
    s = Sessions("vrp", ("running", "vrp8_version", "vrp8_line_fails"))
    d = driver(s)
    text, _ = PLAT.plan(IKE_LIFETIME, d.get_config()["running"], True)
    d.load_merge_candidate(config=text)
    with pytest.raises(CommitError):
        d.commit_config(revert_in=120)
    assert s.wire[-2:] == ["clear configuration candidate", "return"]
    assert not any(w.startswith("reset ") for w in s.wire)
