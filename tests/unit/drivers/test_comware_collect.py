"""verify's collection on an H3C device goes through the ``comware_grectl`` driver: the
``display`` commands and the DF pings of ``collect.py``, in its two rounds, answered by the
written Comware outputs of the conformance cases, parsed into a DeviceState that the judge finds
healthy (or failing for the documented fault). ``tasks.verify.collect_task`` itself runs, on a
transcript session in place of the device."""
from __future__ import annotations

from types import SimpleNamespace as N

import napalm
import pytest

from controller import inventory, platforms
from tasks.verify import collect_task
from tests.unit.platforms.h3c_comware import conformance
from tests.unit.platforms.judge import failing, judge_case
from tests.unit.platforms.mixed import load_case

from .transcript import Transcript

PLAT = platforms.get("h3c_comware")


def session_for(outputs: dict[str, str]) -> Transcript:
    t = Transcript("comware")
    for cmd, text in outputs.items():
        t.answers[cmd].append(text)
    return t


@pytest.mark.parametrize("case", sorted(p.name for p in conformance.CASES.iterdir() if p.is_dir()))
def test_collect_task_through_the_driver(tmp_path, case):
    ov = inventory.load(conformance.inventory(tmp_path))
    exp, outputs = load_case(conformance.CASES / case)
    t = session_for(outputs)
    d = napalm.get_network_driver("comware_grectl")("fukuoka", "admin", optional_args={"connect": lambda **kw: t})
    d.open()
    task = N(host=N(name="fukuoka", get_connection=lambda kind, config: d), nornir=N(config=None))
    state = collect_task(task, overlay=ov, site=None).result
    rounds = PLAT.collect(ov, "fukuoka", None)
    assert t.wire == [c for r in rounds for c in r]            # both rounds, in order, nothing else
    assert "ping -f -s 1406 -c 2 172.16.0.5" in t.wire and "display ikev2 sa" in t.wire
    assert not t.unused()
    assert state == PLAT.parse(ov, "fukuoka", None, outputs)   # what the driver handed back is what was said
    _, checks = judge_case(ov, "fukuoka", outputs)
    assert failing(checks) == {tuple(x) for x in exp["fail"]}
