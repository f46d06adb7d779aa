"""IOS parsers on real captures from other people's routers (../shared/recorded; skipped with a
reason when absent) and the explicit command -> template table."""
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from controller.cli import app
from controller.platforms.ios import parsers


def grectl(*args):
    """The CLI in process (typer's runner): what `grectl ARGS` prints and its exit code."""
    r = CliRunner().invoke(app, list(args))
    return r.exit_code, r.stdout, r.output

CASES = Path(__file__).parent / "cases"


def raw(recorded: Path, platform: str, command: str) -> tuple[str, list]:
    d = recorded / platform / command
    r = next(d.glob("*.raw"))
    return r.read_text(), (yaml.safe_load(r.with_suffix(".yml").read_text()) or {}).get("parsed_sample", [])


def test_ipsec_sa_on_an_ios_capture(recorded):
    text, sample = raw(recorded, "cisco_ios", "show_crypto_ipsec_sa_detail")
    sas = parsers.ipsec_sa(text).child_sas
    assert [(c.name, c.peer) for c in sas] == [("Tunnel1", "2.2.2.2"), ("Tunnel2", "3.3.3.3")]
    assert all(c.state == "installed" and c.mode == "transport" for c in sas)
    assert [(c.encryption, c.key_size, c.integrity) for c in sas] == [("aes-cbc", 256, "sha1")] * 2
    # the counters agree with what ntc-templates' own golden result says for this capture
    assert [(c.peer, str(c.packets_in), str(c.packets_out)) for c in sas] == [
        # ntc-templates' result has a row per SA direction: one flow per peer here
        (s["current_peer"], s["pkts_decaps"], s["pkts_encaps"]) for i, s in enumerate(sample)
        if s["current_peer"] not in [x["current_peer"] for x in sample[:i]]]
    assert sas[0].packets_in == 4112421 and sas[0].packets_out == 4981028


def test_ipsec_sa_on_an_iosxe_capture_without_indentation(recorded):
    text = (recorded / "cisco_iosxe_genie" / "ShowCryptoIpsecSa__golden_output_output.txt").read_text()
    sas = parsers.ipsec_sa(text).child_sas
    assert [(c.name, c.peer, c.state) for c in sas] == [
        ("GigabitEthernet3", "1.1.1.1", "installed"), ("GigabitEthernet3", "1.1.1.1", "none"),
        ("Tunnel0", "2.2.2.1", "installed")]
    assert (sas[0].mode, sas[0].encryption, sas[0].key_size, sas[0].integrity) == ("tunnel", "aes-cbc", 256, "sha256")


def test_ikev2_sa_on_an_iosxe_capture(recorded):
    text = (recorded / "cisco_iosxe_genie" / "ShowCryptoIkev2Sa__golden_output1_output.txt").read_text()
    assert [(s.peer, s.state, s.version, s.proposal) for s in parsers.ikev2_sa(text).ike_sas] == [
        ("20.20.20.20", "established", 2, "aes128-sha1-modp4096")]


def test_ospf_neighbors_on_captures(recorded):
    text, sample = raw(recorded, "cisco_ios", "show_ip_ospf_neighbor")
    got = [(n.router_id, n.state, n.interface) for n in parsers.ospf_neighbor(text).ospf_neighbors]
    assert got == [(s["neighbor_id"], s["state"].split("/")[0].strip().lower(), s["interface"]) for s in sample]
    text = (recorded / "cisco_iosxe_genie" / "ShowIpOspfNeighbor__golden_output2_output.txt").read_text()
    assert [(n.router_id, n.state, n.interface) for n in parsers.ospf_neighbor(text).ospf_neighbors] == [
        ("10.16.2.2", "full", "GigabitEthernet4")]


def test_ospf_routes_on_a_capture(recorded):
    text, sample = raw(recorded, "cisco_ios", "show_ip_route")
    routes = parsers.routes_ospf(text).routes
    want = {f"{s['network']}/{s['prefix_length']}" for s in sample if s["protocol"] == "O"}
    assert set(routes) == want and all(r.protocol == "ospf" for rs in routes.values() for r in rs)
    assert routes["4.4.0.0/16"][0].nexthops[0].interface == "FastEthernet0/0.100"


def test_ip_interface_mtu_on_a_capture(recorded):
    """show ip interface goes through ntc-templates' template, named in the table, not its index."""
    d = recorded / "cisco_ios" / "show_ip_interface_brief"
    assert d.is_dir()  # the one show ip interface capture is the brief form: the table must not take it
    assert parsers.ip_interface(next(d.glob("*.raw")).read_text()).gre == {}


def test_ospf_interface_does_not_take_the_brief_form(recorded):
    """ntc-templates' index would hand 'show ip ospf interface' to its brief template; ours reads the
    detailed form only, and a brief table yields nothing rather than wrong facts."""
    text, _ = raw(recorded, "cisco_ios", "show_ip_ospf_interface_brief")
    assert parsers.ospf_interface(text).ospf_interfaces == {}
    assert parsers.TEMPLATES[("cisco_ios", "show ip ospf interface TunnelN")].parent.name == "textfsm"


def test_every_template_in_the_table_exists():
    assert all(p.is_file() for p in parsers.TEMPLATES.values())


COMMANDS = [
    ("show interfaces Tunnel1", "healthy/show_interfaces_Tunnel1.txt",
     {"gre": {"Tunnel1": {"destination": "198.51.100.2", "key": 1, "name": "Tunnel1", "oper_up": True,
                          "source": "198.51.100.6"}}}),
    ("show ip interface Tunnel1", "healthy/show_ip_interface_Tunnel1.txt",
     {"gre": {"Tunnel1": {"mtu": 1438, "name": "Tunnel1", "oper_up": True}}}),
    ("show crypto ikev2 sa", "healthy/show_crypto_ikev2_sa.txt",
     {"ike_sas": [{"name": "tunnel-id 1", "peer": "198.51.100.2", "proposal": "aes256-sha256-x25519",
                   "state": "established", "version": 2}]}),
    ("show crypto ipsec sa interface Tunnel1", "healthy/show_crypto_ipsec_sa_interface_Tunnel1.txt",
     {"child_sas": [{"encryption": "aes-gcm-16", "key_size": 128, "mode": "transport", "name": "Tunnel1",
                     "packets_in": 1520, "packets_out": 1532, "peer": "198.51.100.2", "state": "installed"}]}),
    ("show ip ospf neighbor", "ospf-init/show_ip_ospf_neighbor.txt",
     {"ospf_neighbors": [{"address": "172.16.0.1", "interface": "Tunnel1", "router_id": "10.1.1.1",
                          "state": "init"}]}),
    ("show ip ospf interface Tunnel1", "healthy/show_ip_ospf_interface_Tunnel1.txt",
     {"ospf_interfaces": {"Tunnel1": {"area": "0.0.0.0", "dead": 8, "hello": 2, "name": "Tunnel1",
                                      "network_type": "point-to-point"}}}),
    ("show ip route ospf", "ospf-init/show_ip_route_ospf.txt", {}),
    ("show ip cef 198.51.100.2", "healthy/show_ip_cef_198.51.100.2.txt",
     {"route_lookups": {"198.51.100.2": {"interface": "GigabitEthernet0/0"}}}),
    ("ping 172.16.0.1 size 1438 df-bit repeat 2", "df-refused/ping_172.16.0.1_size_1438_df-bit_repeat_2.txt",
     {"probes": {"172.16.0.1": {"probe": {"error": "message too long", "sent": 2, "size": 1410}}}}),
    ("show logging | include IKEV2|IKMP", "key-mismatch/show_logging_%_include_IKEV2%IKMP.txt",
     {"auth_failed": ["198.51.100.2"]}),
]


@pytest.mark.parametrize("command,file,expected", COMMANDS, ids=[c for c, _, _ in COMMANDS])
def test_grectl_parse_every_command(command, file, expected):
    code, stdout, output = grectl("parse", "ios", command, str(CASES / file), "--json")
    assert code == 0, output
    assert json.loads(stdout) == expected


def test_grectl_parse_isakmp_sa(tmp_path):
    f = tmp_path / "isakmp.txt"
    f.write_text("IPv4 Crypto ISAKMP SA\ndst             src             state          conn-id status\n"
                 "198.51.100.2    198.51.100.6    QM_IDLE           1001 ACTIVE\n"
                 "198.51.100.10   198.51.100.2    MM_KEY_EXCH       1002 ACTIVE\n\nIPv6 Crypto ISAKMP SA\n")
    code, stdout, output = grectl("parse", "ios", "show crypto isakmp sa", str(f), "--json")
    assert code == 0, output
    assert [(s["peer"], s["state"]) for s in json.loads(stdout)["ike_sas"]] == [
        ("198.51.100.2", "established"), ("198.51.100.10", "connecting")]


def test_grectl_parse_unknown_command_names_the_known_ones(tmp_path):
    f = tmp_path / "x.txt"
    f.write_text("")
    code, _, output = grectl("parse", "ios", "show version", str(f))
    assert code == 1 and "show crypto ikev2 sa" in output
