"""IOS IPv6 verify (issue 22, point 5): outputs of the IPv6 show commands written from Cisco's
documented formats (../shared/recorded has no IPv6 capture), one folder per case in ``cases6/``,
fed to the collector's parse and the judge. Only the IPv6 checks (df6, ospf6, routes6) are judged:
the IPv4 side is the IPv4 cases' (cases/)."""
import json
from pathlib import Path

import pytest

from controller import platforms, verify
from tests.unit.platforms.mixed import command_file

from .conftest import copy_inventory

CASES = Path(__file__).parent / "cases6"
NAMES = sorted(p.name for p in CASES.iterdir() if (p / "expected.json").is_file())
IOS = platforms.get("ios")
SIX = ("df6.", "ospf6.", "routes6.")


@pytest.fixture
def ov(tmp_path):
    from controller import inventory
    return inventory.load(copy_inventory("ioshub6", tmp_path))


def outputs_for(case: str, commands: list[str]) -> dict[str, str]:
    exp = json.loads((CASES / case / "expected.json").read_text())
    chain = [CASES / case] + ([CASES / exp["base"]] if exp.get("base") else [])
    out = {}
    for c in commands:
        for d in chain:
            f = d / command_file(c)
            if f.is_file():
                out[c] = f.read_text()
                break
    return out


def test_ipv6_commands_are_collected_only_for_dual_stack(ov, tmp_path):
    cmds = [c for r in IOS.collect(ov, "osaka", None) for c in r]
    six = [c for c in cmds if "ipv6" in c]
    assert six == ["show ipv6 ospf neighbor", "show ipv6 route ospf", "show ipv6 ospf interface Tunnel1",
                   "ping ipv6 2001:DB8:FFFF::1 size 1434 df-bit repeat 2",
                   "ping ipv6 2001:DB8:FFFF::1 size 1435 df-bit repeat 2"]
    missing = [c for c in six if not (CASES / "healthy" / command_file(c)).is_file()]
    assert not missing
    from controller import inventory
    v4 = inventory.load(copy_inventory("ioshub", tmp_path / "v4"))
    assert not [c for r in IOS.collect(v4, "osaka", None) for c in r if "ipv6" in c]


@pytest.mark.parametrize("case", NAMES)
def test_case_gives_its_reasons(ov, case):
    exp = json.loads((CASES / case / "expected.json").read_text())
    cmds = [c for r in IOS.collect(ov, exp["device"], None) for c in r]
    state = IOS.parse(ov, exp["device"], None, outputs_for(case, cmds))
    checks = [c for c in verify.evaluate(ov, {exp["device"]: state})
              if c.device == exp["device"] and c.check.startswith(SIX)]
    assert {c.check for c in checks} == {"df6.max", "df6.over", "ospf6.neighbor", "ospf6.interface", "routes6.lan"}
    failing = sorted({(c.check, c.reason) for c in checks if c.status == "fail"})
    assert failing == sorted(tuple(x) for x in exp["fail"]), [c for c in checks if c.status == "fail"]


def test_healthy_ipv6_state(ov):
    cmds = [c for r in IOS.collect(ov, "osaka", None) for c in r]
    st = IOS.parse(ov, "osaka", None, outputs_for("healthy", cmds))
    assert [(n.router_id, n.state, n.interface) for n in st.ospf6_neighbors] == [("10.1.1.1", "full", "Tunnel1")]
    oi = st.ospf6_interfaces["Tunnel1"]
    assert (oi.area, oi.hello, oi.dead, oi.network_type, oi.passive) == ("0.0.0.0", 10, 40, "point-to-point", False)
    r = st.routes6["2001:db8:1::/64"][0]
    assert (r.protocol, [(h.ip, h.interface) for h in r.nexthops]) == ("ospf6", [("fe80::1", "Tunnel1")])
    # payload = datagram - 40 (IPv6) - 8 (ICMPv6)
    assert {k: (p.size, p.received, p.error) for k, p in st.probes6["2001:db8:ffff::1"].items()} == {
        "max": (1386, 2, None), "over": (1387, 0, "message too long")}
    assert st.ospf_neighbors == [] and st.probes6 and not st.routes  # the IPv4 outputs were not given


@pytest.mark.parametrize("text,want", [
    ("Tunnel1 is up, line protocol is up\n  Area 0.0.0.1, Process ID 1, Instance ID 0, Router ID 1.1.1.1\n"
     "  Network Type BROADCAST, Cost: 1000\n  Timer intervals configured, Hello 5, Dead 20, Wait 20, Retransmit 5\n",
     ("0.0.0.1", 5, 20, "broadcast", False)),
    ("GigabitEthernet0/2 is up, line protocol is up\n  Area 0, Process ID 1, Instance ID 0, Router ID 1.1.1.1\n"
     "  Network Type BROADCAST, Cost: 1\n  Timer intervals configured, Hello 10, Dead 40, Wait 40, Retransmit 5\n"
     "    No Hellos (Passive interface)\n", ("0.0.0.0", 10, 40, "broadcast", True)),
])
def test_ospf6_interface_forms(text, want):
    from controller.platforms.ios import parsers6
    (oi,) = parsers6.ospf6_interface(text).ospf6_interfaces.values()
    assert (oi.area, oi.hello, oi.dead, oi.network_type, oi.passive) == want
