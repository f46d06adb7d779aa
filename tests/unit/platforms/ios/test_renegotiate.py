"""Which IOS peers a change re-negotiates (their crypto session is cleared after the commit),
table-driven on the golden renderings: the remediation is planned, its result predicted (hier_config
``future``) and compared peer by peer, as the driver does."""
from pathlib import Path

import pytest

from controller import platforms
from controller.platforms.ios import renegotiate as rn

PLAT = platforms.get("ios")
GOLDEN = Path(__file__).parent / "golden"
HUB = (GOLDEN / "ioshub-tokyo.conf").read_text()           # IKEv2, tunnel protection, two sites
MAP = (GOLDEN / "seed002-r1.conf").read_text()             # IKEv2, crypto map
OSAKA, FUKUOKA, R2 = "198.51.100.6", "198.51.100.10", "200.1.1.1"
OSAKA_KEY = "  address 198.51.100.6\n  pre-shared-key %{psk:e74fe7279009}"
NO_FUKUOKA = HUB.split("interface Tunnel2")[0].replace(
    " peer fukuoka\n  address 198.51.100.10\n  pre-shared-key %{psk:e74fe7279009}\n", "").replace(
    " match identity remote address 198.51.100.10 255.255.255.255\n", "") + "router ospf 1\n"


def change(text, old, new):
    assert old in text, old
    return text.replace(old, new)


def after(before: str, intended: str) -> str:
    text, _ = PLAT.plan(intended, before, True)
    return rn.future(before, text)


CASES = [  # (what, before, intended, peers cleared)
    ("nothing", HUB, HUB, []),
    ("osaka's key", HUB, change(HUB, OSAKA_KEY, OSAKA_KEY.replace("e74fe7279009", "ffffffffffff")), [OSAKA]),
    ("IKE proposal (both use it)", HUB, change(HUB, " group 14", " group 19"), [OSAKA, FUKUOKA]),
    ("IKE lifetime", HUB, change(HUB, " dpd 10 3 periodic", " lifetime 28800\n dpd 10 3 periodic"), [OSAKA, FUKUOKA]),
    ("ESP lifetime", HUB, change(HUB, " set transform-set GRECTL-AES256-SHA256\n set ikev2",
                                 " set security-association lifetime seconds 1800\n set transform-set "
                                 "GRECTL-AES256-SHA256\n set ikev2"), [OSAKA, FUKUOKA]),
    ("ESP mode", HUB, change(HUB, " mode transport", " mode tunnel"), [OSAKA, FUKUOKA]),
    ("MTU and MSS", HUB, change(change(HUB, "ip mtu 1434", "ip mtu 1400"), "adjust-mss 1394", "adjust-mss 1360"), []),
    ("OSPF only", HUB, change(HUB, " ip ospf network point-to-point", " ip ospf network point-to-point\n"
                              " ip ospf hello-interval 2"), []),
    ("DPD is local", HUB, change(HUB, " dpd 10 3 periodic", " dpd 5 3 periodic"), []),
    ("a site removed", HUB, NO_FUKUOKA, []),
    ("a site added (the shared profile gains a match line)", NO_FUKUOKA, HUB, []),
    ("crypto map: ESP transform", MAP, change(MAP, "esp-aes 256", "esp-aes 128"), [R2]),
    ("crypto map: ESP lifetime", MAP, change(MAP, " set peer 200.1.1.1\n", " set peer 200.1.1.1\n"
                                             " set security-association lifetime seconds 1800\n"), [R2]),
    ("crypto map: MTU", MAP, change(MAP, "ip mtu 1386", "ip mtu 1300"), []),
]


@pytest.mark.parametrize("what, before, intended, expected", CASES, ids=[c[0] for c in CASES])
def test_renegotiated(what, before, intended, expected):
    assert intended != before or expected == []
    assert rn.renegotiated(before, after(before, intended)) == expected


def test_ikev1_key_change():
    run = ("crypto isakmp policy 10\n encr aes 256\n authentication pre-share\n group 14\n"
           "crypto isakmp key %{psk:aaaaaaaaaaaa} address 192.0.2.1\ncrypto isakmp key %{psk:aaaaaaaaaaaa} address 192.0.2.5\n")
    new = run.replace("%{psk:aaaaaaaaaaaa} address 192.0.2.5", "%{psk:bbbbbbbbbbbb} address 192.0.2.5")
    assert rn.renegotiated(run, new) == ["192.0.2.5"]


def test_cleartext_keys_compare_by_fingerprint():
    before = HUB.replace("%{psk:e74fe7279009}", "correct-horse-battery-staple-42")
    assert rn.renegotiated(before, before) == []
    assert rn.renegotiated(before, before.replace("correct-horse-battery-staple-42", "another-key-000", 1)) == [OSAKA]


def test_reset_commands_only_for_addresses():
    assert rn.reset_commands([OSAKA, "1.2.3.4 ; reload"]) == [f"clear crypto session remote {OSAKA}"]
    assert rn.reset_error("x", "% Invalid input detected at '^' marker.") == "x: % Invalid input detected at '^' marker."
    assert rn.reset_error("x", "") is None
