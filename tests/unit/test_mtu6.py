"""IPv6 passengers through the same tunnel MTU, against numbers the Linux kernel produced.

Measured on the UML 6.1 lab (tokyo -> osaka over a deployed grectl overlay, IPv6 enabled on the GRE
devices by hand, GRE device MTU left at underlay - GRE header so the kernel's own xfrm path MTU
decides): the largest ``ping -6 -M do -s N`` that passed; N + 1 failed locally with
"message too long, mtu: <path MTU>" once the kernel had learnt the path MTU.
"""
import json
import subprocess
import sys

import pytest

from controller import mtu
from tests.conftest import ROOT

# (underlay, transform, mode, gre_key, nat_t) -> largest `ping -6 -M do -s` that passed, measured
KERNEL6 = [
    ((1500, "aes128gcm16", "transport", False, False), 1394),
    ((1500, "aes256-sha256", "transport", False, False), 1386),
    ((1500, "aes256gcm16", "tunnel", False, False), 1374),
    ((1400, "aes256-sha512", "transport", False, False), 1258),
    ((1500, "aes256gcm16", "transport", True, False), 1390),
]


@pytest.mark.parametrize("args,max_payload", KERNEL6,
                         ids=[f"{a[0]}-{a[1]}-{a[2]}{'-key' if a[3] else ''}" for a, _ in KERNEL6])
def test_matches_kernel(args, max_payload):
    m = mtu.inner(mtu.compute(*args), "ipv6")
    assert m.max_df_payload == max_payload
    assert m.path_mtu == max_payload + 48 == mtu.compute(*args).path_mtu  # one tunnel MTU for both families
    assert m.tcp_mss == m.path_mtu - 60


@pytest.mark.parametrize("underlay,transform,ok", [
    (1500, "aes128gcm16", True), (1400, "aes256-sha512", True), (1340, "aes256-sha512", False), (1380, "aes256-sha512", True),
    (1340, "aes128gcm16", True), (1339, "aes128gcm16", False)])
def test_ipv6_minimum(underlay, transform, ok):
    m = mtu.compute(underlay, transform)
    why = mtu.ipv6_problem(m, transform, "transport")
    assert (why is None) == ok == (m.path_mtu >= 1280)
    if why:
        assert f"underlay MTU {underlay}" in why and transform in why and str(m.path_mtu) in why


def test_unknown_inner():
    with pytest.raises(mtu.MtuError):
        mtu.inner(mtu.compute(1500, "aes128gcm16"), "ipx")


def run(*args):
    return subprocess.run([sys.executable, "-m", "controller", "mtu", *args], capture_output=True, text=True, cwd=ROOT)


def test_cli_inner_ipv6_json():
    r = run("--underlay-mtu", "1500", "--transform", "aes128gcm16", "--inner", "ipv6", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert (data["path_mtu"], data["tcp_mss"], data["max_df_payload"]) == (1442, 1382, 1394)


def test_cli_inner_ipv6_below_minimum_is_refused():
    r = run("--underlay-mtu", "1300", "--transform", "aes128gcm16", "--inner", "ipv6")
    assert r.returncode == 1
    assert "1280" in r.stdout + r.stderr and "underlay MTU 1300" in r.stdout + r.stderr
    assert "Traceback" not in r.stderr
