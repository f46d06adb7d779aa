"""Reads over FRR's and charon's own sockets (runs ON the router too; stdlib only).

vtysh builds its whole command tree before it asks anything (0.3-0.6 s of the one CPU of a lab
router per start) and swanctl loads its plugins (~0.15 s): the reads here speak their protocols
from the calling process instead. The agent calls them in-process; the driver's shell read does
the same with a small perl client (``controller/platforms/linux/frrmerge.py``). Any failure raises
OSError: the caller falls back to vtysh or swanctl.

FRR's vty protocol (what vtysh speaks to each daemon's ``<daemon>.vty``): a command ends with a
NUL; the answer ends with three NULs and a status byte (0: success). ``show running-config`` needs
``enable`` first. vici (charon's): each packet is a 4-byte big-endian length, a type byte, and a
length-prefixed name; a request's events come before its response.

>>> print(merge("hostname a\\ninterface x\\n ip ospf passive\\nexit\\n"
...             "hostname a\\ninterface x\\n description d\\nexit\\nip route 1.0.0.0/8 2.0.0.1\\n",
...             "service integrated-vtysh-config"))
hostname a
service integrated-vtysh-config
ip route 1.0.0.0/8 2.0.0.1
!
interface x
 ip ospf passive
 description d
exit
!
"""
from __future__ import annotations

import os
import re
import socket
import struct

try:
    from . import linuxconf
except ImportError:  # on the router: flat
    import linuxconf

# vtysh's daemon order (FRR 8.4 vtysh_client[]): blocks of one kind keep vtysh's order
DAEMONS = ("zebra", "ripd", "ripngd", "ospfd", "ospf6d", "ldpd", "bgpd", "isisd", "pimd", "nhrpd",
           "eigrpd", "babeld", "sharpd", "pbrd", "staticd", "bfdd", "fabricd", "vrrpd", "pathd")
SERVICE = re.compile(r"(no )?service integrated-vtysh-config")
TIMEOUT = 30.0


def merge(daemons_text: str, vtysh_conf: str) -> str:
    """The daemons' answers (concatenated) as one config, merged the way vtysh merges them:
    one-liners once each in the daemons' order (each daemon repeats ``frr defaults`` and
    ``hostname``), blocks with one header (``interface X`` from zebra and from ospfd) as one
    block, each line once, and the ``service integrated-vtysh-config`` line vtysh prints from its
    own vtysh.conf after the hostname. Blocks end with ``exit`` as in vtysh's answer."""
    ones: list[str] = []
    blocks: dict[str, list[str]] = {}
    for header, body in linuxconf.parse_frr(daemons_text):
        if not body and not header.startswith(("interface ", "router ")):
            if header not in ones:
                ones.append(header)
            continue
        lines = blocks.setdefault(header, [])
        lines += [b for b in body if b not in lines]
    service = [ln.strip() for ln in vtysh_conf.splitlines() if SERVICE.fullmatch(ln.strip())][-1:]
    at = next((i + 1 for i, h in enumerate(ones) if h.startswith("hostname ")), len(ones))
    ones[at:at] = service
    out = ones + ["!"]
    for h, body in blocks.items():
        out += [h] + [" " + b for b in body] + ["exit", "!"]
    return "\n".join(out)


def _recv_until(s: socket.socket, done) -> bytes:
    buf = b""
    while not done(buf):
        chunk = s.recv(65536)
        if not chunk:
            raise OSError("connection closed mid-answer")
        buf += chunk
    return buf


def vty(path: str, commands: list[str]) -> str:
    """Each command's answer from one daemon's vty socket, concatenated."""
    out = []
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(TIMEOUT)
        s.connect(path)
        for c in commands:
            s.sendall(c.encode() + b"\0")
            buf = _recv_until(s, lambda b: len(b) >= 4 and b[-4:-1] == b"\0\0\0")
            if buf[-1]:
                raise OSError(f"{path}: {c}: status {buf[-1]}")
            out.append(buf[:-4].decode(errors="replace"))
    return "\n".join(out)


def frr_running(vty_dir: str = "/var/run/frr", vtysh_conf: str = "/etc/frr/vtysh.conf") -> str:
    """``show running-config`` as vtysh would answer it, from each running daemon."""
    paths = [p for p in (os.path.join(vty_dir, f"{d}.vty") for d in DAEMONS) if os.path.exists(p)]
    if not paths:
        raise OSError(f"no FRR daemon socket in {vty_dir}")
    text = "\n".join(vty(p, ["enable", "show running-config"]) for p in paths)
    try:
        with open(vtysh_conf) as f:
            conf = f.read()
    except OSError:
        conf = ""
    return merge(text, conf)


def vici_names(command: str, event: str, path: str = "/var/run/charon.vici") -> list[str]:
    """The names of the top-level sections of each ``event`` a vici ``command`` streams (e.g.
    list-conns/list-conn: the loaded connections; list-sas/list-sa: the IKE SAs)."""
    def packet(kind: int, name: str) -> bytes:
        body = bytes([kind, len(name)]) + name.encode()
        return struct.pack(">I", len(body)) + body

    def read(s: socket.socket) -> bytes:
        n = struct.unpack(">I", _recv_exact(s, 4))[0]
        return _recv_exact(s, n)

    names = []
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(TIMEOUT)
        s.connect(path)
        s.sendall(packet(3, event) + packet(0, command))   # register the event, then the request
        while True:
            p = read(s)
            if p[0] == 7:    # an event: its name, then the message (a section opens with 1)
                msg = p[2 + p[1]:]
                if msg[:1] == b"\x01":
                    names.append(msg[2:2 + msg[1]].decode())
            elif p[0] == 1:  # the response: the stream is complete
                return names
            elif p[0] != 5:  # anything but the registration's confirm
                raise OSError(f"vici {command}: unexpected packet type {p[0]}")


def _recv_exact(s: socket.socket, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise OSError("vici connection closed")
        buf += chunk
    return buf


def raw(event: str, names: list[str]) -> str:
    """Names in swanctl's ``--raw`` form (``list-conn event {name {}}``: what linuxconf's
    running_doc and the agent's SA check read)."""
    return "".join(f"{event} event {{{n} {{}}}}\n" for n in names)


def either(fast, slow) -> str:
    """``fast()``, or ``slow()`` (vtysh, swanctl) when the socket read fails."""
    try:
        return fast()
    except (OSError, ValueError, IndexError):
        return slow()


def swanctl_list(command: str, event: str, slow) -> str:
    """``swanctl --<command> --raw`` as names: over vici, else ``slow()``."""
    return either(lambda: raw(event, vici_names(command, event)), slow)


def frr_text(sh) -> str:
    """The agent's FRR read (``sh``: its process runner): the daemons, else vtysh."""
    return either(frr_running, lambda: sh("vtysh", "-c", "show running-config no-header", check=False))


def conns(sh) -> str:
    return swanctl_list("list-conns", "list-conn", lambda: sh("swanctl", "--list-conns", "--raw", check=False))


def sas(sh) -> str:
    return swanctl_list("list-sas", "list-sa", lambda: sh("swanctl", "--list-sas", "--raw", check=False))
