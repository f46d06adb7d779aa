"""After a successful merge, the ``ios_grectl`` driver clears the crypto session of exactly the
peers whose negotiated parameters changed, in exec mode, before it returns (so the controller's
proof meets fresh SAs); an MTU-only merge clears nothing; a refused clear is reported and the
commit stands; a failed commit clears nothing.

NAPALM's own ``IOSDriver`` transfers the merge file and commits it (``copy ... running-config``);
that part is NAPALM's and is stood in for here (it records the copy on the wire). Everything
grectl adds (reading, predicting, the clears) runs on a recorded-transcript device."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest
from napalm.base.exceptions import MergeConfigException
from napalm.ios.ios import IOSDriver

from controller import platforms, secrets
from controller.platforms.ios.driver import IosGrectlDriver

from .transcript import Transcript

KEY = "correct-horse-battery-staple-42"
NEW_KEY = "a-brand-new-key-for-osaka-00"
PLAT = platforms.get("ios")
GOLDEN = (Path(__file__).parents[1] / "platforms" / "ios" / "golden" / "ioshub-tokyo.conf").read_text()
INTENDED = GOLDEN.replace("%{psk:e74fe7279009}", secrets.placeholder(KEY))
COPY = "copy flash:merge_config.txt running-config"
CLEAR_OSAKA = "clear crypto session remote 198.51.100.6"


@pytest.fixture(autouse=True)
def napalm_part(monkeypatch):
    """NAPALM's transfer and commit, standing in: the load records nothing, the commit its copy."""
    def commit(self, message="", revert_in=None):
        out = self.device.send_command(COPY)
        if "Invalid input" in out:
            raise MergeConfigException("Configuration merge failed; automatic rollback attempted")
    monkeypatch.setattr(IOSDriver, "load_merge_candidate", lambda self, filename=None, config=None: None)
    monkeypatch.setattr(IOSDriver, "commit_config", commit)


def deploy(*transcripts, intended=INTENDED, keys=(KEY,)):
    """What the deploy task does with it: read running (backup), plan, load the keys in, commit."""
    d = IosGrectlDriver("tokyo", "admin", "pw")
    d.device = t = Transcript("ios", "running", *transcripts)
    running = PLAT.mask(d.get_config(retrieve="running")["running"])
    text, _ = PLAT.plan(intended, running, True)
    d.load_merge_candidate(config=secrets.unmask(text, {secrets.fingerprint(k): k for k in keys}))
    d.commit_config(revert_in=120)
    return d, t, text


def test_osakas_new_key_clears_osaka_only_after_the_commit():
    intended = INTENDED.replace(f"  address 198.51.100.6\n  pre-shared-key {secrets.placeholder(KEY)}",
                                f"  address 198.51.100.6\n  pre-shared-key {secrets.placeholder(NEW_KEY)}")
    d, t, text = deploy("clear_ok", intended=intended, keys=(KEY, NEW_KEY))
    assert t.wire == ["show running-config", COPY, CLEAR_OSAKA]
    assert d.last_commit["sa_reset"] == {"peers": ["198.51.100.6"], "failed": []}
    assert not t.unused()


def test_proposal_change_clears_every_peer_using_it():
    d, t, _ = deploy(intended=INTENDED.replace(" group 14", " group 19"))
    assert t.wire == ["show running-config", COPY, CLEAR_OSAKA, "clear crypto session remote 198.51.100.10"]


def test_mtu_only_merge_clears_nothing():
    d, t, text = deploy(intended=INTENDED.replace("ip mtu 1434", "ip mtu 1400"))
    assert "ip mtu 1400" in text
    assert t.wire == ["show running-config", COPY]
    assert d.last_commit["sa_reset"] == {"peers": [], "failed": []}


def test_refused_clear_is_reported_and_the_commit_stands(caplog):
    intended = INTENDED.replace(f"  address 198.51.100.6\n  pre-shared-key {secrets.placeholder(KEY)}",
                                f"  address 198.51.100.6\n  pre-shared-key {secrets.placeholder(NEW_KEY)}")
    with caplog.at_level(logging.WARNING):
        d, t, _ = deploy("clear_refused", intended=intended, keys=(KEY, NEW_KEY))
    assert t.wire[-1] == CLEAR_OSAKA
    assert d.last_commit["sa_reset"]["failed"] == [f"{CLEAR_OSAKA}: % Invalid input detected at '^' marker."]
    assert KEY not in caplog.text and NEW_KEY not in caplog.text


def test_failed_commit_clears_nothing():
    d = IosGrectlDriver("tokyo", "admin", "pw")
    d.device = t = Transcript("ios", "running")
    t.answers[COPY].append("% Invalid input detected at '^' marker.")
    running = PLAT.mask(d.get_config(retrieve="running")["running"])
    d.load_merge_candidate(config=PLAT.plan(INTENDED.replace(" group 14", " group 19"), running, True)[0])
    with pytest.raises(MergeConfigException):
        d.commit_config(revert_in=120)
    assert t.wire == ["show running-config", COPY]
