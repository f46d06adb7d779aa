"""After a commit, the ``comware_grectl`` driver resets the SAs of exactly the peers whose
negotiated parameters changed (user view, ``reset ipsec sa remote`` then ``reset ikev2 sa
remote``) before it returns; an MTU-only change or removing a peer resets nothing; a refused reset
is reported and the commit stands; a failed commit resets nothing. Transcripts, exact wire."""
from __future__ import annotations

import pytest
from napalm.base.exceptions import CommitError

from .test_comware_driver import INTENDED, PLAT, driver, no_secret
from .transcript import Sessions

RESETS = ["reset ipsec sa remote 198.51.100.2", "reset ikev2 sa remote 198.51.100.2"]
CHANGES = {   # what changes in the intended config -> does tokyo renegotiate
    "ike lifetime": ((" sa duration 86400", " sa duration 28800"), True),
    "esp lifetime": ((" sa duration time-based 3600", " sa duration time-based 1800"), True),
    "esp integrity": ((" esp authentication-algorithm sha256", " esp authentication-algorithm sha1"), True),
    "ike dh/prf": ((" prf sha256", " prf sha1"), True),
    "mtu only": ((" mtu 1434", " mtu 1434"), False),
    "dpd only": ((" dpd interval 10 periodic", " dpd interval 30 periodic"), False),
}


def commit(s, intended, revert_in=120):
    d = driver(s)
    text, _ = PLAT.plan(intended, d.get_config(retrieve="running")["running"], True)
    d.load_merge_candidate(config=text)
    d.commit_config(revert_in=revert_in)
    return d, text


@pytest.mark.parametrize("case", CHANGES, ids=list(CHANGES))
def test_reset_exactly_when_tokyo_renegotiates(case):
    (old, new), resets = CHANGES[case]
    assert old in INTENDED
    s = Sessions("comware", ("running", "commit_ok", "after") + (("reset_ok",) if resets else ()))
    d, text = commit(s, INTENDED.replace(old, new))
    assert new.strip() in text
    if resets:
        assert s.wire[-3:] == ["display current-configuration", *RESETS]   # user view, right after the change
        assert d.last_commit["sa_reset"] == {"peers": ["198.51.100.2"], "failed": []}
    else:
        assert not any(w.startswith("reset ") for w in s.wire)
        assert d.last_commit["sa_reset"] == {"peers": [], "failed": []}   # nagoya removed: nothing to reset
    assert not any(t.unused() for t in s.opened)
    no_secret(d.transcript)


def test_refused_reset_is_reported_and_the_commit_stands():
    s = Sessions("comware", ("running", "commit_ok", "after", "reset_refused"))
    d, _ = commit(s, INTENDED.replace(" sa duration 86400", " sa duration 28800"))
    assert s.wire[-2:] == RESETS and "configuration replace file flash:/grectl-checkpoint.cfg" not in s.wire
    assert d.last_commit["sa_reset"]["failed"] == [
        "reset ikev2 sa remote 198.51.100.2: % Unrecognized command found at '^' position."]


def test_failed_commit_resets_nothing():
    s = Sessions("comware", ("running", "commit_ok", "line_fails"))
    d = driver(s)
    text, _ = PLAT.plan(INTENDED.replace(" sa duration 86400", " sa duration 28800"), d.get_config()["running"], True)
    d.load_merge_candidate(config=text)
    with pytest.raises(CommitError):
        d.commit_config(revert_in=120)
    assert not any(w.startswith("reset ") for w in s.wire)
