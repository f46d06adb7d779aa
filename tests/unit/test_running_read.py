"""The Linux driver reads the running config in one shell round trip and builds the document on
the controller with the agent's own code: the raw reads below stand for what a router prints."""
import json
import re

import napalm
import pytest
from napalm.base.exceptions import CommandErrorException

from controller.platforms.linux.router import linuxconf

KEY = "router-side-key-0123456789"
IP = json.dumps([
    {"ifname": "lo", "mtu": 65536, "addr_info": [{"family": "inet", "local": "127.0.0.1", "prefixlen": 8}]},
    {"ifname": "gre0", "mtu": 1476, "linkinfo": {"info_kind": "gre", "info_data": {}}},
    {"ifname": "gre-osaka", "mtu": 1442, "linkinfo": {"info_kind": "gre", "info_data": {
        "local": "198.51.100.2", "remote": "198.51.100.6", "ttl": 64, "okey": "0.0.0.7"}},
     "addr_info": [{"family": "inet6", "local": "fe80::1", "prefixlen": 64},
                   {"family": "inet", "local": "172.16.0.1", "prefixlen": 30}]}])
SWANCTL = f"""connections {{
  osaka {{
    local_addrs = 198.51.100.2
  }}
  kyoto {{
    local_addrs = 198.51.100.2
  }}
}}
secrets {{
  ike-osaka {{
    id-1 = 198.51.100.6
    secret = "{KEY}"
  }}
}}"""
CONNS = "list-conn event {osaka {local_addrs=[198.51.100.2] version=2}}\n"
FRR = """Building configuration...
frr version 8.4.4
log syslog informational
hostname tokyo
ip forwarding
!
router ospf
 ospf router-id 10.1.0.1
 network 172.16.0.0/30 area 0
exit
!
end"""


def router(reads: dict[str, str | None], calls: list):
    """A fake `_run`: answers the read script the way sh would, with these raw reads."""
    def run(command, stdin=None, timeout=None):
        calls.append((command, stdin))
        marker = re.search(r"echo '(@@grectl-[0-9a-f]+) ip'", stdin).group(1)
        out = [f"{marker} ip", reads["ip"]]
        if reads["swanctl"] is not None:
            out += ["", f"{marker} swanctl", reads["swanctl"]]
        out += ["", f"{marker} conns", reads["conns"], "", f"{marker} frr", reads["frr"]]
        return 0, "\n".join(out) + "\n", ""
    return run


@pytest.fixture
def driver():
    return napalm.get_network_driver("linux_frr")("192.0.2.1", "root")


def read(driver, monkeypatch, **over):
    reads = {"ip": IP, "swanctl": SWANCTL, "conns": CONNS, "frr": FRR, **over}
    calls = []
    monkeypatch.setattr(driver, "_run", router(reads, calls))
    return driver.get_config(retrieve="running")["running"], calls


def test_one_round_trip_no_interpreter_and_the_agents_document(driver, monkeypatch):
    text, calls = read(driver, monkeypatch)
    assert len(calls) == 1 and calls[0][0] == "sh -s"
    assert "python" not in calls[0][1]
    assert text == linuxconf.dump(linuxconf.running_doc(IP, SWANCTL, CONNS, FRR))
    doc = linuxconf.parse(text)
    assert doc.tunnels == {"gre-osaka": {"local": "198.51.100.2", "remote": "198.51.100.6", "ttl": "64",
                                         "key": "7", "mtu": "1442", "address": "172.16.0.1/30"}}
    assert list(doc.connections) == ["osaka"]  # kyoto is in the file but not loaded in charon: drift
    assert [h for h, _ in doc.frr] == ["hostname tokyo", "router ospf"]


def test_the_key_read_from_the_router_is_masked(driver, monkeypatch):
    text, _ = read(driver, monkeypatch)
    assert KEY not in text
    assert linuxconf.placeholder(KEY) in text


def test_no_swanctl_file_means_no_connections(driver, monkeypatch):
    text, _ = read(driver, monkeypatch, swanctl=None)
    doc = linuxconf.parse(text)
    assert doc.connections == {} and doc.secrets == {} and "gre-osaka" in doc.tunnels


def test_file_content_cannot_forge_a_section(driver, monkeypatch):
    """A marker-like line in the file stays file content (here: a file swanctl's grammar refuses)."""
    forged = SWANCTL + "\n@@grectl-0000000000000000 frr\nhostname evil"
    with pytest.raises(CommandErrorException, match="swanctl: expected"):
        read(driver, monkeypatch, swanctl=forged)
    _, calls = read(driver, monkeypatch)
    _, again = read(driver.__class__("192.0.2.1", "root"), monkeypatch)
    assert calls[0][1] != again[0][1]  # each read has its own random marker


def test_unreadable_output_is_a_clear_error_without_the_key(driver, monkeypatch):
    with pytest.raises(CommandErrorException, match="cannot read the running config") as e:
        read(driver, monkeypatch, ip=f'secret = "{KEY}" not json')
    assert KEY not in str(e.value)


def test_discard_does_not_touch_the_router(driver, monkeypatch):
    calls = []
    monkeypatch.setattr(driver, "_run", lambda *a, **k: calls.append(a))
    driver.load_replace_candidate(config="[tunnels]\n")
    driver.discard_config()
    assert calls == [] and driver.get_config(retrieve="candidate")["candidate"] == ""
