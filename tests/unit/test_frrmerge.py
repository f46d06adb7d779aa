"""FRR's running config from the daemons' vty sockets, merged as vtysh merges it (frrmerge), and
the read script run for real (sh + the perl vty client) against fake daemon sockets."""
import os
import shutil
import socket
import struct
import subprocess
import threading

import pytest

from controller.platforms.linux import frrmerge
from controller.platforms.linux.router import linuxconf

ZEBRA = """
frr version 8.4.4
frr defaults traditional
!
hostname hq
!
interface gre-br1
 description to br1
exit
!
end
"""
OSPFD = """
frr version 8.4.4
frr defaults traditional
!
hostname hq
!
interface gre-br1
 ip ospf hello-interval 2
 ip ospf dead-interval 8
exit
!
interface lan0
 ip ospf passive
exit
!
router ospf
 ospf router-id 10.64.0.1
 network 10.64.0.0/24 area 0.0.0.0

exit
!
end
"""
OSPF6D = """
frr version 8.4.4
hostname hq
!
router ospf6
 ospf6 router-id 10.64.0.1
exit
"""
STATICD = "frr version 8.4.4\nhostname hq\n!\nip route 192.0.2.0/24 10.0.0.1\n!\nend\n"
# what vtysh printed for the same daemons (FRR 8.4, lab router)
VTYSH = """Building configuration...

Current configuration:
!
frr version 8.4.4
frr defaults traditional
hostname hq
service integrated-vtysh-config
ip route 192.0.2.0/24 10.0.0.1
!
interface gre-br1
 description to br1
 ip ospf dead-interval 8
 ip ospf hello-interval 2
exit
!
interface lan0
 ip ospf passive
exit
!
router ospf
 ospf router-id 10.64.0.1
 network 10.64.0.0/24 area 0.0.0.0
exit
!
router ospf6
 ospf6 router-id 10.64.0.1
exit
!
end
"""


def canon(text: str) -> str:
    return linuxconf.dump_frr(linuxconf.parse_frr(text))


@pytest.mark.parametrize("daemons, conf, want", [
    ((ZEBRA, OSPFD, OSPF6D, STATICD), "service integrated-vtysh-config\n", VTYSH),
    ((ZEBRA, OSPFD, OSPF6D, STATICD), "! no line\n", VTYSH.replace("service integrated-vtysh-config\n", "")),
    ((ZEBRA, OSPFD, OSPF6D, STATICD), "no service integrated-vtysh-config\n",
     VTYSH.replace("service integrated", "no service integrated")),
    ((OSPFD,), "service integrated-vtysh-config",
     "frr defaults traditional\nhostname hq\nservice integrated-vtysh-config\n"
     "interface gre-br1\n ip ospf hello-interval 2\n ip ospf dead-interval 8\ninterface lan0\n ip ospf passive\n"
     "router ospf\n ospf router-id 10.64.0.1\n network 10.64.0.0/24 area 0.0.0.0\n"),
])
def test_merge_equals_vtysh(daemons, conf, want):
    assert canon(frrmerge.merge("".join(daemons), conf)) == canon(want)


def test_a_line_a_daemon_repeats_is_kept_once_and_blocks_keep_daemon_order():
    merged = frrmerge.merge(ZEBRA + OSPFD + ZEBRA + OSPF6D, "")
    assert merged.count("hostname hq") == 1 and merged.count(" description to br1") == 1
    assert merged.index("router ospf\n") < merged.index("router ospf6")


class FakeDaemon(threading.Thread):
    """A daemon's vty socket: each NUL-ended command answered with its text, three NULs and a
    status byte (0 ok), as FRR's vtysh protocol does; 'show running-config' outside enable fails."""
    def __init__(self, path: str, config: str):
        super().__init__(daemon=True)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(path)
        self.sock.listen(4)
        self.config = config

    def run(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            enabled, buf = False, b""
            with c:
                while True:
                    data = c.recv(4096)
                    if not data:
                        break
                    buf += data
                    while b"\0" in buf:
                        cmd, buf = buf.split(b"\0", 1)
                        if cmd == b"enable":
                            enabled = True
                            c.sendall(b"\0\0\0\0")
                        elif cmd == b"show running-config" and enabled and self.config is not None:
                            c.sendall(self.config.encode() + b"\0\0\0\0")
                        else:
                            c.sendall(b"% Unknown command\n\0\0\0\x01")


class FakeVici(threading.Thread):
    """charon's vici socket: confirms the list-conn registration, then one list-conn event per
    connection and the list-conns response (each packet: 4-byte length, type, named, message)."""
    def __init__(self, path: str, names: list[str]):
        super().__init__(daemon=True)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(path)
        self.sock.listen(4)
        self.names = names

    @staticmethod
    def packet(*parts: bytes) -> bytes:
        body = b"".join(parts)
        return struct.pack(">I", len(body)) + body

    def run(self):
        try:
            c, _ = self.sock.accept()
        except OSError:
            return
        with c:
            f = c.makefile("rb")
            for _ in range(2):
                n = struct.unpack(">I", f.read(4))[0]
                f.read(n)
            c.sendall(self.packet(b"\x05"))
            for name in self.names:   # a section named after the connection, a key in it, its end
                n = name.encode()
                c.sendall(self.packet(b"\x07\x09list-conn", b"\x01", bytes([len(n)]), n,
                                      b"\x03\x07version\x00\x01" b"2", b"\x02"))
            c.sendall(self.packet(b"\x01"))


@pytest.mark.skipif(not shutil.which("perl"), reason="perl absent (the read falls back to vtysh)")
@pytest.mark.parametrize("vtysh_ok", [True, False])
def test_read_script_through_sh_and_perl(tmp_path, vtysh_ok):
    vty = tmp_path / "frr"
    vty.mkdir()
    daemons = [FakeDaemon(str(vty / f"{d}.vty"), t) for d, t in
               (("staticd", STATICD), ("ospf6d", OSPF6D), ("zebra", ZEBRA), ("ospfd", OSPFD))]
    for d in daemons:
        d.start()
    conf = tmp_path / "vtysh.conf"
    conf.write_text("! comment\nservice integrated-vtysh-config\n")
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    (bin_ / "vtysh").write_text("#!/bin/sh\necho vtysh-was-asked\n")
    (bin_ / "vtysh").chmod(0o755)
    (bin_ / "swanctl").write_text("#!/bin/sh\necho 'list-conn event {from-swanctl {version=2}}'\n")
    (bin_ / "swanctl").chmod(0o755)
    vici = FakeVici(str(tmp_path / "charon.vici"), ["br1", "br-2.x"])
    vici.start()
    env = {**os.environ, "PATH": f"{bin_}:{os.environ['PATH']}"}
    if not vtysh_ok:   # ospfd refuses the command: the script falls back to vtysh
        daemons[3].config = None
    m = "@@grectl-test"
    out = subprocess.run(["sh", "-s"], input=frrmerge.read_script(m, str(vty), str(conf), str(tmp_path / "charon.vici")), env=env,
                         capture_output=True, text=True, timeout=30).stdout
    parts, cur = {}, None
    for line in out.splitlines():
        if line.startswith(m + " "):
            cur = parts.setdefault(line[len(m) + 1:], [])
        elif cur is not None:
            cur.append(line)
    if vtysh_ok:
        assert "frr" not in parts
        assert parts["vtyshconf"] == ["service integrated-vtysh-config"]
        assert canon(frrmerge.merge("\n".join(parts["frrd"]), "\n".join(parts["vtyshconf"]))) == canon(VTYSH)
    else:
        assert parts["frr"] == ["vtysh-was-asked"]
    # charon's names from vici, in swanctl's raw form (and swanctl's own answer on the fallback)
    assert linuxconf.running_doc("[]", "connections {\n br1 {\n }\n br-2.x {\n }\n from-swanctl {\n }\n}\n",
                                 "\n".join(parts["conns"]), "").connections.keys() == (
        {"br1", "br-2.x"} if vtysh_ok else {"br1", "br-2.x", "from-swanctl"})
    for d in daemons:
        d.sock.close()


def test_agent_reads_the_same_sockets_in_python(tmp_path):
    """The agent's in-process reads (router/daemons.py) against the same fake sockets."""
    from controller.platforms.linux.router import daemons
    vty = tmp_path / "frr"
    vty.mkdir()
    fakes = [FakeDaemon(str(vty / f"{d}.vty"), t) for d, t in (("ospfd", OSPFD), ("zebra", ZEBRA))]
    for f in fakes:
        f.start()
    conf = tmp_path / "vtysh.conf"
    conf.write_text("service integrated-vtysh-config\n")
    merged = daemons.frr_running(str(vty), str(conf))
    assert canon(merged) == canon(frrmerge.merge(ZEBRA + OSPFD, "service integrated-vtysh-config"))
    assert "exit" in merged.splitlines()   # blocks end as in vtysh's answer (frr-reload marks it)
    fakes[0].config = None   # a refused command: the agent falls back to vtysh
    assert daemons.either(lambda: daemons.frr_running(str(vty), str(conf)), lambda: "vtysh") == "vtysh"
    vici = FakeVici(str(tmp_path / "charon.vici"), ["br1", "br2"])
    vici.start()
    assert daemons.vici_names("list-conns", "list-conn", str(tmp_path / "charon.vici")) == ["br1", "br2"]
    assert daemons.swanctl_list("list-sas", "list-sa", lambda: "swanctl") == "swanctl"   # no socket
    for f in fakes + [vici]:
        f.sock.close()
