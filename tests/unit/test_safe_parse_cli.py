"""`grectl parse PLATFORM "COMMAND" FILE` on hostile input: never a traceback, never "internal error",
never a hang. Cases are files found by glob under tests/unit/cases/hostile_parse/:

- ``refused/*``: input no parser should see (empty, binary, not UTF-8): exit 1 and one line naming the
  platform and the command, for every platform and every command it lists (``Platform.commands()``);
- ``<platform>/<command slug>/*``: malformed output of one command: exit 1, one line naming the
  platform, the command and (``<case>.expect``) what was wrong;
- ``text/*``: odd but decodable text, for every platform and command: facts (exit 0) or one line (exit 1);
- files that are not regular files (FIFO, directory, device, socket, symlink loop) and a file over
  the size cap, built in tmp_path: exit 1, one line, within a timeout.
"""
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from controller import cli, platforms
from tests.conftest import ROOT

CASES = Path(__file__).parent / "cases" / "hostile_parse"
PLATFORMS = ("linux", "ios", "iosxe", "vyos", "huawei_vrp")

# each shape a platform lists (Platform.commands()) -> a concrete command of that shape
CONCRETE = {
    "show interfaces TunnelN": "show interfaces Tunnel11",
    "show interfaces [TunnelN]": "show interfaces Tunnel11",
    "show ip interface [TunnelN]": "show ip interface Tunnel11",
    "show ip ospf interface [TunnelN]": "show ip ospf interface Tunnel11",
    "show ip route [ospf]": "show ip route ospf",
    "show ip interface TunnelN": "show ip interface Tunnel11",
    "show crypto ipsec sa [interface TunnelN | peer A.B.C.D] [detail]": "show crypto ipsec sa interface Tunnel11 detail",
    "show ip ospf interface TunnelN": "show ip ospf interface Tunnel11",
    "show ip cef A.B.C.D": "show ip cef 198.51.100.2",
    "ping A.B.C.D size N df-bit repeat N": "ping 172.16.0.2 size 1400 df-bit repeat 2",
    "show interfaces tunnel tunN": "show interfaces tunnel tun13",
    "show ip route A.B.C.D": "show ip route 10.1.2.0",
    "ping A size N do-not-fragment count C": "ping 172.16.0.2 size 1400 do-not-fragment count 2",
    "display interface Tunnel0/0/N": "display interface Tunnel0/0/1",
    "display ospf interface Tunnel0/0/N": "display ospf interface Tunnel0/0/1",
    "display ip routing-table A.B.C.D": "display ip routing-table 10.1.2.0",
    "ping -c C -f -s N A": "ping -c 2 -f -s 1400 172.16.0.2",
    "show ipv6 ospf interface [TunnelN]": "show ipv6 ospf interface Tunnel11",
    "show ipv6 route [ospf]": "show ipv6 route ospf",
    "ping ipv6 X:X::X size N df-bit repeat N": "ping ipv6 2001:DB8::2 size 1400 df-bit repeat 2",
    "display ospfv3 interface Tunnel0/0/N": "display ospfv3 interface Tunnel0/0/1",
    "ping ipv6 -c C -s N X:X::X": "ping ipv6 -c 2 -s 1352 2001:DB8::2",
}
# a platform without show-command parsers (linux reads JSON over its own agent) is still asked
NO_PARSER = {"linux": ["ip -j link show", "swanctl --list-sas --raw"]}


def commands(platform: str) -> list[str]:
    listed = platforms.get(platform).commands()
    return [CONCRETE.get(c, c) for c in listed] or NO_PARSER[platform]


EVERY_COMMAND = [(p, c) for p in PLATFORMS for c in commands(p)]


def grectl(capsys, *argv):
    with pytest.raises(SystemExit) as e:
        cli.main(["parse", *argv])
    c = capsys.readouterr()
    return e.value.code, c.out, c.err


def assert_one_clear_line(code, out, err, platform, command):
    assert code == 1, out + err
    text = out + err
    assert "Traceback" not in text and "internal error" not in text, text
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert out == ""
    line = lines[0]
    assert platform in line and (command in line or "no parser" in line), line
    return line


def test_every_listed_command_has_a_concrete_form():
    for p in PLATFORMS:
        for c in platforms.get(p).commands():
            assert c in CONCRETE or not any(x in c for x in ("TunnelN", "A.B.C.D", "tunN", " N", " A")), c


REFUSED = sorted((CASES / "refused").iterdir())


@pytest.mark.parametrize("case", REFUSED, ids=[f.name for f in REFUSED])
@pytest.mark.parametrize("platform,command", EVERY_COMMAND, ids=[f"{p}:{c}" for p, c in EVERY_COMMAND])
def test_refused_input_is_one_line(capsys, platform, command, case):
    code, out, err = grectl(capsys, platform, command, str(case))
    line = assert_one_clear_line(code, out, err, platform, command)
    if "no parser" not in line:
        assert str(case) in line
        assert any(w in line for w in ("empty", "binary data", "not UTF-8")), line


SPECIFIC = sorted(f for f in CASES.glob("*/*/*") if f.suffix != ".expect" and f.parts[-3] in PLATFORMS)
SLUGS = {"netconf_get-config_running": "netconf get-config running",
         "display_interface_brief": "display interface brief"}


def test_every_platform_specific_case_dir_names_a_listed_command():
    for d in {f.parent for f in SPECIFIC}:
        assert SLUGS[d.name] in commands(d.parent.name), d


@pytest.mark.parametrize("case", SPECIFIC, ids=[f"{f.parts[-3]}/{f.parts[-2]}/{f.name}" for f in SPECIFIC])
def test_malformed_output_is_one_line_naming_what_is_wrong(capsys, case):
    platform, command = case.parts[-3], SLUGS[case.parts[-2]]
    code, out, err = grectl(capsys, platform, command, str(case))
    line = assert_one_clear_line(code, out, err, platform, command)
    expect = case.with_suffix(".expect")
    if expect.exists():
        assert expect.read_text().strip() in line, line
    assert "S3cretKey-ABC" not in line
    assert "root:" not in line  # no /etc/passwd content from an external entity


TEXT = sorted((CASES / "text").iterdir())


@pytest.mark.parametrize("case", TEXT, ids=[f.name for f in TEXT])
@pytest.mark.parametrize("platform,command", EVERY_COMMAND, ids=[f"{p}:{c}" for p, c in EVERY_COMMAND])
def test_odd_text_is_facts_or_one_line(capsys, platform, command, case):
    code, out, err = grectl(capsys, platform, command, str(case), "--json")
    assert "Traceback" not in out + err and "internal error" not in out + err, err
    assert code in (0, 1), err
    if code == 0:
        assert isinstance(json.loads(out), dict)
        assert err == ""
    else:
        assert_one_clear_line(code, out, err, platform, command)
    assert "S3cretKey-ABC" not in err


# ------------------------------------------------------------------ not a regular file, too big

def _fifo(tmp_path):
    p = tmp_path / "capture.fifo"
    os.mkfifo(p)
    return p


def _socket(tmp_path):
    p = tmp_path / "s.sock"
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(p))
    return p


def _symlink_loop(tmp_path):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    return tmp_path / "a"


def _symlink_to_fifo(tmp_path):
    (tmp_path / "link").symlink_to(_fifo(tmp_path))
    return tmp_path / "link"


def _too_big(tmp_path):
    p = tmp_path / "big.txt"
    with open(p, "wb") as f:
        f.truncate(16 * 1024 * 1024 + 1)
    return p


NOT_A_FILE = {
    "fifo": (_fifo, "not a regular file (a FIFO)"),
    "symlink_to_fifo": (_symlink_to_fifo, "not a regular file (a FIFO)"),
    "directory": (lambda t: t, "not a regular file (a directory)"),
    "dev_zero": (lambda t: Path("/dev/zero"), "not a regular file (a character device)"),
    "dev_null": (lambda t: Path("/dev/null"), "not a regular file (a character device)"),
    "dev_urandom": (lambda t: Path("/dev/urandom"), "not a regular file (a character device)"),
    "socket": (_socket, "not a regular file (a socket)"),
    "symlink_loop": (_symlink_loop, "cannot read"),
    "dangling_symlink": (lambda t: (t / "dangling").symlink_to(t / "nowhere") or t / "dangling", "not found"),
    "missing": (lambda t: t / "missing.txt", "not found"),
    "over_16_mib": (_too_big, "over the 16 MiB limit"),
    "newline_in_name": (lambda t: t / "a\nb", "not found"),
}


BLOCKING = {"fifo", "symlink_to_fifo", "dev_zero", "dev_urandom"}   # would block or never end if read


@pytest.mark.parametrize("name", sorted(BLOCKING))
@pytest.mark.parametrize("platform,command", [("ios", "show crypto ikev2 sa"), ("iosxe", "netconf get-config running"),
                                              ("vyos", "show vpn ike sa"), ("huawei_vrp", "display interface brief"),
                                              ("linux", "ip -j link show")])
def test_a_file_that_would_block_is_refused_within_a_timeout(tmp_path, name, platform, command):
    make, says = NOT_A_FILE[name]
    path = make(tmp_path)
    r = subprocess.run([sys.executable, "-m", "controller", "parse", platform, command, str(path)],
                       capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert says in lines[0] and platform in lines[0] and command in lines[0], lines[0]


@pytest.mark.parametrize("name", sorted(set(NOT_A_FILE) - BLOCKING))
@pytest.mark.parametrize("platform,command", [("ios", "show crypto ikev2 sa"), ("iosxe", "netconf get-config running"),
                                              ("vyos", "show vpn ike sa"), ("huawei_vrp", "display interface brief"),
                                              ("linux", "ip -j link show")])
def test_not_a_regular_file_is_refused(capsys, tmp_path, name, platform, command):
    make, says = NOT_A_FILE[name]
    code, out, err = grectl(capsys, platform, command, str(make(tmp_path)))
    assert says in assert_one_clear_line(code, out, err, platform, command)


def test_parse_of_a_valid_capture_still_works(capsys, tmp_path):
    f = tmp_path / "ikev2.txt"
    f.write_text("IPv4 Crypto IKEv2  SA\n\nTunnel-id Local                 Remote                fvrf/ivrf            Status\n"
                 "1         198.51.100.6/500      198.51.100.2/500      none/none            READY\n"
                 "      Encr: AES-CBC, keysize: 256, PRF: SHA256, Hash: SHA256, DH Grp:19, Auth sign: PSK, Auth verify: PSK\n")
    code, out, err = grectl(capsys, "ios", "show crypto ikev2 sa", str(f), "--json")
    assert code == 0, err
    assert json.loads(out)["ike_sas"][0]["peer"] == "198.51.100.2"
