"""Which VyOS peers a change re-negotiates (their IKE SA is reset after the commit), table-driven
on the golden renderings of both releases: a key, a proposal, a lifetime, the mode or an endpoint
resets exactly the peers using it; MTU, MSS, OSPF or a description resets nothing."""
from pathlib import Path

import pytest

from controller.platforms.vyos import renegotiate as rn

GOLDEN = Path(__file__).parent / "golden"
HUB = "198.51.100.2"
NEW = "198.51.100.10"


def two_peers(release: str) -> list[str]:
    """The golden site config with a second peer (fukuoka) on the same groups, as a hub has."""
    base = (GOLDEN / f"osaka-{release}.set").read_text().splitlines()
    extra = [ln.replace("grectl-tokyo", "grectl-fukuoka").replace(HUB, NEW).replace("tun1 ", "tun2 ")
             .replace("grectl: tokyo", "grectl: fukuoka").replace("5b8b02cc086a", "000000000001")
             for ln in base if ("grectl-tokyo" in ln or "tun1 " in ln or f"peer {HUB} " in ln)]
    if release == "1.3":
        extra = [ln.replace(f"peer {HUB} ", f"peer {NEW} ") for ln in extra]
    return base + extra


def change(lines, old, new):
    out = [ln.replace(old, new) for ln in lines]
    assert out != lines, f"{old!r} not in the config"
    return out


CASES = [  # (what, edit, peers reset)
    ("nothing", lambda c: c, []),
    ("tokyo's key", lambda c: change(c, "%{psk:5b8b02cc086a}", "%{psk:ffffffffffff}"), [HUB]),
    ("IKE proposal (both use it)", lambda c: change(c, "proposal 1 dh-group '14'", "proposal 1 dh-group '19'"), [HUB, NEW]),
    ("IKE lifetime", lambda c: change(c, "ike-group grectl lifetime '86400'", "ike-group grectl lifetime '28800'"), [HUB, NEW]),
    ("ESP lifetime", lambda c: change(c, "esp-group grectl lifetime '3600'", "esp-group grectl lifetime '1800'"), [HUB, NEW]),
    ("ESP mode", lambda c: change(c, "mode 'transport'", "mode 'tunnel'"), [HUB, NEW]),
    ("ESP proposal", lambda c: change(c, "esp-group grectl proposal 1 hash 'sha256'", "esp-group grectl proposal 1 hash 'sha512'"), [HUB, NEW]),
    ("tunnel MTU and MSS", lambda c: change(change(c, "mtu '1434'", "mtu '1400'"), "adjust-mss '1394'", "adjust-mss '1360'"), []),
    ("OSPF only", lambda c: change(c, "network '10.1.2.0/24'", "network '10.1.9.0/24'"), []),
    ("DPD is local", lambda c: change(c, "dead-peer-detection interval '10'", "dead-peer-detection interval '5'"), []),
    ("a peer added", lambda c: c + [ln.replace("grectl-tokyo", "grectl-kobe").replace(HUB, "198.51.100.14")
                                    for ln in c if "grectl-tokyo" in ln], []),
]


@pytest.mark.parametrize("what, edit, expected", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("release", ["1.4", "1.3"])
def test_renegotiated(release, what, edit, expected):
    before = two_peers(release)
    assert rn.renegotiated(before, edit(before)) == expected


def test_fukuokas_key_resets_fukuoka_only_and_removed_peer_is_not_reset():
    before = two_peers("1.4")
    assert rn.renegotiated(before, change(before, "%{psk:000000000001}", "%{psk:000000000002}")) == [NEW]
    assert rn.renegotiated(before, [ln for ln in before if "fukuoka" not in ln and "tun2" not in ln]) == []


def test_local_endpoint_change_resets_the_peer():
    before = two_peers("1.4")
    after = change(before, "tun1 source-address '198.51.100.6'", "tun1 source-address '198.51.100.7'")
    assert rn.renegotiated(before, after) == [HUB]


@pytest.mark.parametrize("release, expected", [
    ("1.4", ["reset vpn ipsec site-to-site peer grectl-tokyo"]),
    ("1.3", [f"reset vpn ipsec-peer {HUB}"]),
])
def test_reset_command_per_release(release, expected):
    assert [s.send for s in rn.reset_steps(two_peers(release), [HUB])] == expected


def test_a_name_that_is_not_a_word_is_never_sent():
    before = ["set vpn ipsec site-to-site peer 'x; reboot' remote-address '192.0.2.1'"]
    assert rn.reset_steps(before, ["192.0.2.1"]) == []


@pytest.mark.parametrize("answer, bad", [
    ("Peer grectl-tokyo terminate result: success", False),
    ("Peer's grectl-tokyo SAs are not initiated. Nothing to terminate", False),
    ("Tunnel(s) not found, aborting", True),
    ("  Invalid command: reset vpn ipsec [site-to-site]", True),
])
def test_reset_answers(answer, bad):
    assert (rn.reset_error(rn.reset_steps(two_peers("1.4"), [HUB])[0], answer) is not None) == bad
