"""Show-command outputs written from Cisco's documented formats, one folder per case (napalm
style: ``cases/<case>/<command>.txt`` + ``expected.json``), fed to the collector's parse and the
judge: each fault gives the same reason codes as on Linux, and nothing else fails."""
import json
from pathlib import Path

import pytest

from controller import platforms, verify
from tests.unit.platforms.mixed import command_file

CASES = Path(__file__).parent / "cases"
NAMES = sorted(p.name for p in CASES.iterdir() if (p / "expected.json").is_file())


def slug(command: str) -> str:
    return command_file(command)[:-4]


def outputs_for(case: str, commands: list[str]) -> dict[str, str]:
    """Each command's output from the case folder, else from its base case; absent: not answered."""
    exp = json.loads((CASES / case / "expected.json").read_text())
    chain = [CASES / case] + ([CASES / exp["base"]] if exp.get("base") else [])
    out = {}
    for c in commands:
        for d in chain:
            f = d / f"{slug(c)}.txt"
            if f.is_file():
                out[c] = f.read_text()
                break
    return out


def test_every_collected_command_has_a_healthy_output(load):
    ov = load("mixed")
    rounds = platforms.get("ios").collect(ov, "osaka", None)
    missing = [c for r in rounds for c in r if not (CASES / "healthy" / f"{slug(c)}.txt").is_file()]
    assert not missing, missing
    assert len(rounds) == 2  # at most two round trips


@pytest.mark.parametrize("case", NAMES)
def test_case_gives_its_reasons(load, case):
    ov = load("mixed")
    exp = json.loads((CASES / case / "expected.json").read_text())
    ios = platforms.get("ios")
    cmds = [c for r in ios.collect(ov, exp["device"], None) for c in r]
    state = ios.parse(ov, exp["device"], None, outputs_for(case, cmds))
    checks = [c for c in verify.evaluate(ov, {exp["device"]: state}) if c.device == exp["device"]]
    failing = sorted({(c.check, c.reason) for c in checks if c.status == "fail"})
    assert failing == sorted(tuple(x) for x in exp["fail"]), [c for c in checks if c.status == "fail"]
    assert {c.check for c in checks} >= {"gre.link", "ike.sa", "ipsec.child", "df.max", "df.over", "ospf.neighbor",
                                         "ospf.interface", "underlay.route", "routes.lan", "ospf.no_wan"}


def test_healthy_state_is_what_the_outputs_say(load):
    ov = load("mixed")
    ios = platforms.get("ios")
    cmds = [c for r in ios.collect(ov, "osaka", None) for c in r]
    st = ios.parse(ov, "osaka", None, outputs_for("healthy", cmds))
    g = st.gre["Tunnel1"]
    assert (g.source, g.destination, g.mtu, g.key, g.admin_up, g.oper_up) == (
        "198.51.100.6", "198.51.100.2", 1438, 1, True, True)
    assert [(s.peer, s.state, s.proposal) for s in st.ike_sas] == [
        ("198.51.100.2", "established", "aes256-sha256-x25519")]
    c = st.child_sas[0]
    assert (c.mode, c.encryption, c.key_size, c.packets_in, c.packets_out) == ("transport", "aes-gcm-16", 128, 1520, 1532)
    assert (st.child_sas_after[0].packets_in, st.child_sas_after[0].packets_out) == (1526, 1538)
    # IOS ping size is the whole datagram: 1438 on the wire is a 1410-byte ICMP payload
    assert {k: (p.size, p.received, p.error) for k, p in st.probes["172.16.0.1"].items()} == {
        "max": (1410, 2, None), "over": (1411, 0, "message too long")}
    assert st.route_lookups["198.51.100.2"].interface == "Gi0/0"  # the intent's spelling of GigabitEthernet0/0
    oi = st.ospf_interfaces["Tunnel1"]
    assert (oi.area, oi.hello, oi.dead, oi.network_type) == ("0.0.0.0", 2, 8, "point-to-point")


def test_recursive_routing_seen_through_cef(load):
    ov = load("mixed")
    ios = platforms.get("ios")
    cmds = [c for r in ios.collect(ov, "osaka", None) for c in r]
    outs = outputs_for("healthy", cmds)
    outs["show ip cef 198.51.100.2"] = "198.51.100.0/30\n  nexthop 172.16.0.1 Tunnel1\n"
    st = ios.parse(ov, "osaka", None, outs)
    failing = {(c.check, c.reason) for c in verify.evaluate(ov, {"osaka": st}) if c.device == "osaka"
               and c.status == "fail"}
    assert failing == {("underlay.route", "RECURSIVE_ROUTING")}
