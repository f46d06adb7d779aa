"""Which VRP peers a change re-negotiates (their SAs are reset after the commit), table-driven on
the golden rendering with a second peer: the remediation is planned and applied exactly as the
driver does, then compared peer by peer."""
from pathlib import Path

import pytest

from controller import platforms
from controller.platforms.huawei_vrp import renegotiate as rn
from controller.platforms.huawei_vrp.remediation import blocks

PLAT = platforms.get("huawei_vrp")
GOLDEN = (Path(__file__).parent / "golden" / "fukuoka.cfg").read_text()
TOKYO, OSAKA = "198.51.100.2", "198.51.100.6"


def with_osaka(text: str) -> str:
    """A second peer (osaka) on the same proposals, as a hub has."""
    extra = ""
    for h, c in blocks(text):
        if h in ("ike peer grectl-tokyo", "ipsec profile grectl-tokyo", "interface Tunnel0/0/2"):
            block = f"{h}\n" + "".join(f"{ln}\n" for ln in c) + "#\n"
            extra += (block.replace("grectl-tokyo", "grectl-osaka").replace(TOKYO, OSAKA)
                      .replace("Tunnel0/0/2", "Tunnel0/0/3").replace("grectl: tokyo", "grectl: osaka")
                      .replace("172.16.0.6", "172.16.0.10").replace("5b8b02cc086a", "000000000001"))
    return text + extra


BEFORE = with_osaka(GOLDEN)


def change(text, old, new):
    assert old in text, old
    return text.replace(old, new)


def after(intended: str) -> str:
    return rn.apply(BEFORE, PLAT.remediation(BEFORE, intended, True))


CASES = [  # (what, intended, peers reset)
    ("nothing", BEFORE, []),
    ("IKE proposal (both use it)", change(BEFORE, " dh group14", " dh group19"), [TOKYO, OSAKA]),
    ("IKE lifetime", change(BEFORE, " sa duration 86400", " sa duration 28800"), [TOKYO, OSAKA]),
    ("ESP proposal", change(BEFORE, " esp encryption-algorithm aes-256", " esp encryption-algorithm aes-128"), [TOKYO, OSAKA]),
    ("ESP mode", change(BEFORE, " encapsulation-mode transport", " encapsulation-mode tunnel"), [TOKYO, OSAKA]),
    ("tokyo's ESP lifetime", change(BEFORE, "ike-peer grectl-tokyo\n proposal grectl\n sa duration time-based 3600",
                                    "ike-peer grectl-tokyo\n proposal grectl\n sa duration time-based 1800"), [TOKYO]),
    ("osaka's local endpoint", change(BEFORE, "Tunnel0/0/3\n description grectl: osaka\n ip address 172.16.0.10 "
                                      "255.255.255.252\n tunnel-protocol gre\n source 198.51.100.10",
                                      "Tunnel0/0/3\n description grectl: osaka\n ip address 172.16.0.10 "
                                      "255.255.255.252\n tunnel-protocol gre\n source 198.51.100.11"), [OSAKA]),
    ("MTU and MSS", change(change(BEFORE, " mtu 1434", " mtu 1400"), " tcp adjust-mss 1394", " tcp adjust-mss 1360"), []),
    ("OSPF only", change(BEFORE, " ospf timer hello 2", " ospf timer hello 3"), []),
    ("tokyo's key (VRP prints only its cipher: unseen, see README)", change(BEFORE, "5b8b02cc086a", "ffffffffffff"), []),
    ("osaka removed", BEFORE.split("ike peer grectl-osaka")[0], []),
]


@pytest.mark.parametrize("what, intended, expected", CASES, ids=[c[0] for c in CASES])
def test_renegotiated(what, intended, expected):
    assert rn.renegotiated(BEFORE, after(intended)) == expected


def test_apply_gives_the_intended_objects():
    intended = change(change(BEFORE, " dh group14", " dh group19"), " mtu 1434", " mtu 1400")
    got = {h: sorted(ln.strip() for ln in c) for h, c in blocks(after(intended)) if not h.startswith("ospf")}
    want = {h: sorted(ln.strip() for ln in c) for h, c in blocks(intended) if not h.startswith("ospf")}
    assert got == want


def test_a_new_peer_is_not_reset():
    assert rn.renegotiated(GOLDEN, rn.apply(GOLDEN, PLAT.remediation(GOLDEN, BEFORE, True))) == []


def test_reset_steps_ipsec_then_ike_and_only_addresses():
    assert [s.send for s in rn.reset_steps([TOKYO, "1.2.3.4; reboot"])] == [
        f"reset ipsec sa remote {TOKYO}", f"reset ike sa remote {TOKYO}"]
