"""The phases of a change (tasks.transaction), pure parts: timer checks, which checks a proof judges,
the proof's polling against its deadline, and what the journal says an interrupted change left."""
import json

import pytest

from controller import inventory
from controller.verify import Check
from tasks import transaction as txn


@pytest.mark.parametrize("timeout, devices, workers, ok", [
    (120, 3, 20, True), (60, 3, 20, True), (30, 3, 20, False), (5, 1, 1, False),
    (40, 51, 20, False), (300, 51, 20, True)])
def test_timer_must_cover_commits_proof_and_confirms(timeout, devices, workers, ok):
    timers = {f"d{i}": timeout for i in range(devices)}
    if ok:
        txn.check_timer(timers, devices, workers)
    else:
        with pytest.raises(txn.TimerTooShort, match=r"--confirm-timeout \d+s cannot cover .* give at least \d+s"):
            txn.check_timer(timers, devices, workers)


def test_relevant_leaves_out_devices_not_in_the_change(inv):
    ov = inventory.load(inv)
    lan_fukuoka = str(ov.devices["fukuoka"].lans[0])
    checks = [Check("tokyo", "osaka", "ike.sa", "fail"), Check("tokyo", "fukuoka", "ike.sa", "fail"),
              Check("fukuoka", "tokyo", "gre.link", "fail"),
              Check("osaka", "tokyo", "routes.lan", "fail", expected=f"{lan_fukuoka} via gre-tokyo (OSPF)"),
              Check("tokyo", "-", "config.intent", "fail"), Check("osaka", "-", "config.intent", "fail"),
              Check("osaka", "-", "config.intent", "fail", reason="CONFIG_UNREADABLE")]
    got = txn.relevant(checks, ov, left_out={"fukuoka"}, no_config={"tokyo"})
    assert [(c.device, c.peer, c.check) for c in got] == [("tokyo", "osaka", "ike.sa"),
                                                          ("osaka", "-", "config.intent")]


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, s):
        self.now += s


def test_proof_polls_until_green(inv):
    ov = inventory.load(inv)
    clock, rounds = Clock(), []

    def collect(budget):
        assert 0 < budget <= min(90.0, max(5.0, 0.6 * (100.0 - clock.now)))   # bounded by the time left
        rounds.append(clock.now)
        clock.now += 3
        return {}

    # every device unreachable until the third round, then the evaluation is green
    import controller.verify as v
    real = v.evaluate
    try:
        v.evaluate = lambda ov_, states, site: ([Check("tokyo", "osaka", "ike.sa", "fail")] if len(rounds) < 3
                                                else [Check("tokyo", "osaka", "ike.sa", "pass")])
        ok, failing = txn.prove(ov, None, 100.0, set(), set(), collect, lambda m: None, clock, clock.sleep)
        assert ok and failing == [] and len(rounds) == 3
        rounds.clear()
        clock.now = 0.0
        v.evaluate = lambda ov_, states, site: [Check("tokyo", "osaka", "ike.sa", "fail", reason="IKE_PHASE1_FAILED")]
        ok, failing = txn.prove(ov, None, 20.0, set(), set(), collect, lambda m: None, clock, clock.sleep)
        assert not ok and failing[0].reason == "IKE_PHASE1_FAILED"
        assert clock.now <= 20.0 and len(rounds) == 3   # stops while a round of at least MIN_ROUND cannot fit
        # the last round cut short by its budget ("no answer" everywhere): the proof shows what a full one found
        rounds.clear()
        clock.now = 0.0
        v.evaluate = lambda ov_, states, site: (
            [Check("tokyo", "osaka", "df.max", "fail", reason="DF_BOUNDARY_WRONG")] if len(rounds) < 3
            else [Check(d, "", "device.reachable", "fail", reason="DEVICE_UNREACHABLE") for d in ("tokyo", "osaka")])
        ok, failing = txn.prove(ov, None, 20.0, set(), set(), collect, lambda m: None, clock, clock.sleep)
        assert not ok and [c.reason for c in failing] == ["DF_BOUNDARY_WRONG"]
    finally:
        v.evaluate = real


@pytest.mark.parametrize("doc, says", [
    ({"phase": "done"}, None),
    ({"phase": "commit", "committed": {"tokyo": 120}, "confirmed": [], "command": "deploy", "started": 0},
     "stopped in phase commit: nothing was confirmed; tokyo reverted"),
    ({"phase": "prove", "committed": {"tokyo": 120, "osaka": 120}, "confirmed": [], "command": "deploy",
      "started": 0}, "nothing was confirmed; osaka, tokyo reverted"),
    ({"phase": "confirm", "committed": {"tokyo": 120, "osaka": 120}, "confirmed": ["tokyo"], "command": "deploy",
      "started": 0}, "stopped while confirming osaka, tokyo (confirmed as far as recorded: tokyo)"),
])
def test_leftover_says_what_an_interrupted_change_left(tmp_path, doc, says):
    p = tmp_path / "transaction.json"
    p.write_text(json.dumps(doc))
    got = txn.leftover(p)
    assert (got is None) if says is None else (says in got)


def test_journal_is_written_atomically(tmp_path):
    j = txn.Journal(tmp_path / "s" / "transaction.json", "deploy")
    j.write(phase="commit", committed={"tokyo": 120})
    assert json.loads((tmp_path / "s" / "transaction.json").read_text())["phase"] == "commit"
    assert txn.leftover(tmp_path / "s" / "transaction.json").startswith("the change started")
    j.close()
    assert txn.leftover(tmp_path / "s" / "transaction.json") is None
    assert not (tmp_path / "s" / "transaction.tmp").exists()


def test_proof_judges_an_unreachable_device_from_the_other_ends(inv):
    import controller.verify as v
    ov = inventory.load(inv)
    clock, real = Clock(), v.evaluate
    try:
        v.evaluate = lambda ov_, states, site: [Check("fukuoka", "tokyo", "device.reachable", "fail",
                                                      reason="DEVICE_UNREACHABLE"),
                                                Check("tokyo", "fukuoka", "ike.sa", "pass")]
        assert txn.prove(ov, None, 30.0, set(), set(), lambda budget: {}, lambda m: None, clock, clock.sleep) == (True, [])
        v.evaluate = lambda ov_, states, site: [Check("fukuoka", "tokyo", "device.reachable", "fail",
                                                      reason="DEVICE_UNREACHABLE")]
        ok, failing = txn.prove(ov, None, 30.0, set(), set(), lambda budget: {}, lambda m: None, clock, clock.sleep)
        assert not ok and failing[0].reason == "DEVICE_UNREACHABLE"   # nothing reachable proves nothing
    finally:
        v.evaluate = real
