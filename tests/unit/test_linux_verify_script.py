"""The Linux verify script run for real by sh, with the router's tools replaced by stubs that print
outputs recorded on osaka: what the script prints parses into the state the judge expects, the IKE
log is read only when a peer's IKE SA is not up, and the script leaves no file behind."""
import json
import os
import shutil
import socket
import subprocess
import threading
from pathlib import Path

import pytest

from controller import inventory, verify
from controller.platforms.linux import collect

REC = Path(__file__).parent / "platforms" / "linux" / "cases" / "healthy-osaka"
SAS = (REC / "swanctl_list-sas_raw.txt").read_text()
LOG = "12:00:01 06[IKE] <tokyo|7> tried 1 shared keys for '198.51.100.6' - '198.51.100.2', but MAC mismatched\n"


def stub(bin_dir: Path, name: str, body: str) -> None:
    f = bin_dir / name
    f.write_text("#!/bin/sh\n" + body)
    f.chmod(0o755)


@pytest.fixture
def router(tmp_path, monkeypatch):
    """A PATH of stubs; each call is appended to calls.log. The router's IKE log is a file here."""
    (tmp_path / "charon.log").write_text(LOG)
    monkeypatch.setattr(collect, "LOGS", f"{tmp_path}/no-such.log {tmp_path}/charon.log")
    b = tmp_path / "bin"
    b.mkdir()
    log = tmp_path / "calls.log"
    rec = lambda n: f"cat '{REC / n}.txt'"  # noqa: E731
    note = f'echo "$(basename $0) $*" >>{log}\n'
    # ip -batch answers line by line: the link list, then one array per route lookup
    # ip -s xfrm: the kernel's ESP counters, read before the probes (it must not read stdin: the
    # script itself comes on sh's stdin)
    stub(b, "ip", note + f'case "$*" in *xfrm*) {rec("ip_-s_xfrm_state_list_nokeys")}; exit 0;; esac\n'
         'while read -r c; do echo "batch: $c" >>' + str(log) + '; case "$c" in '
         f'"link show"*) {rec("ip_-d_-j_link_show_type_gre")};; "route get"*) {rec("ip_-j_route_get_wan")};;'
         ' esac; done\n')
    stub(b, "swanctl", note + f'cat "{tmp_path}/sas"\n')
    stub(b, "vtysh", note + " ".join(f"{rec(n)};" for n in ("show_ip_ospf_neighbor_json",
                                                           "show_ip_ospf_interface_json", "show_ip_route_json"))
         + "\n")
    stub(b, "ping", note + 'for a; do s=$prev; prev=$a; done\n'
         f'case "$*" in *"-s 1414 "*) {rec("ping_max")}; exit 0;; *) {rec("ping_over")}; exit 1;; esac\n')
    stub(b, "tail", note + 'for a; do f=$a; done; cat "$f"\n')
    # fping as it prints on a lab router: -b payload, per-target summary on stderr
    stub(b, "fping", note + 'size=0; prev=; for a; do [ "$prev" = -b ] && size=$a; prev=$a; done\n'
         'for a; do case "$a" in -*|[0-9]|[0-9][0-9]*[!.0-9]*) continue;; esac\n'
         '  case "$a" in *.*.*.*) ;; *) continue;; esac\n'
         '  if [ "$size" -le 1414 ]; then echo "$a : xmt/rcv/%loss = 3/3/0%, min/avg/max = 0.2/0.3/0.5" >&2\n'
         '  else echo "$a: error while sending ping: Message too long" >&2;'
         ' echo "$a : xmt/rcv/%loss = 1/0/100%" >&2; fi\ndone\n')
    # only these tools: stubs first, then a few real ones; no real ping or fping can run
    tools = tmp_path / "tools"
    tools.mkdir()
    for t in ("grep", "rm", "cat", "basename"):
        (tools / t).symlink_to(shutil.which(t))
    (tmp_path / "sas").write_text(SAS)
    return tmp_path


def run(tmp_path: Path, ov, fping: bool = True) -> tuple[dict, str]:
    peers = collect._peers_wan(ov, "osaka", None)
    script = (collect.state_script(peers, vty_dir=str(tmp_path / "vty")) + collect.ping_script(collect._targets(ov, "osaka", None),
                                                                tmp=str(tmp_path / "run"))
              + collect.sas_script(peers))
    (tmp_path / "run").mkdir(exist_ok=True)
    if not fping:
        (tmp_path / "bin" / "fping").unlink(missing_ok=True)
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}:{tmp_path / 'tools'}"}
    p = subprocess.run([shutil.which("sh") or "/bin/sh", "-s"], input=script, capture_output=True, text=True,
                       env=env, timeout=30)
    assert p.returncode == 0, p.stderr
    return {"all": p.stdout}, (tmp_path / "calls.log").read_text()


@pytest.mark.parametrize("fping", [True, False], ids=["fping", "iputils-ping"])
def test_healthy_router_one_round_trip_no_log_read(router, inv, fping):
    ov = inventory.load(inv)
    outputs, calls = run(router, ov, fping)
    st = collect.parse(ov, "osaka", None, outputs)
    checks = {c.check: c.status for c in verify.check_end(ov, ov.tunnels[0], "osaka", st)}
    assert checks["ike.sa"] == "pass" and checks["df.max"] == "pass" and checks["df.over"] == "pass"
    assert checks["underlay.route"] == "pass" and checks["ospf.neighbor"] == "pass"
    assert "tail" not in calls  # every peer's IKE SA is established: the log is not read
    used = [c.split()[0] for c in calls.splitlines()]
    assert used.count("swanctl") == 1  # once, after the pings; the counters before come from the kernel
    assert used.count("ip") == 2  # links and lookups: one process; the ESP counters: one
    assert any(c.startswith("ip -s xfrm state list nokeys") for c in calls.splitlines())  # keys hidden
    assert "batch: link show type gre" in calls and "batch: route get 198.51.100.2" in calls
    assert list((router / "run").iterdir()) == []  # no file left behind
    assert (used.count("fping"), used.count("ping")) == ((1, 1) if fping else (0, 2))


def test_a_peer_without_ike_sa_gets_its_log_read_and_the_reason(router, inv):
    ov = inventory.load(inv)
    (router / "sas").write_text(SAS.replace("state=ESTABLISHED", "state=CONNECTING"))
    outputs, calls = run(router, ov)
    assert "tail" in calls
    st = collect.parse(ov, "osaka", None, outputs)
    assert st.auth_failed == ["198.51.100.2"]
    ike = next(c for c in verify.check_end(ov, ov.tunnels[0], "osaka", st) if c.check == "ike.sa")
    assert ike.status == "fail" and ike.reason == "IKE_PHASE1_KEY_MISMATCH"


def test_an_sa_with_another_peer_does_not_count(router, inv):
    ov = inventory.load(inv)
    (router / "sas").write_text(SAS.replace("remote-host=198.51.100.2 ", "remote-host=198.51.100.99 "))
    _, calls = run(router, ov)
    assert "tail" in calls


def test_fping_failure_is_explained_by_one_iputils_ping(router, inv):
    """fping prints no reason; a tunnel without replies gets one ping -M do more, and its local
    refusal becomes the reason (DF_BOUNDARY_WRONG, with the MTU), as with iputils alone."""
    ov = inventory.load(inv)
    stub(router / "bin", "fping", 'for a; do case "$a" in *.*.*.*) echo "$a : xmt/rcv/%loss = 3/0/100%" >&2;; esac; done\n')
    stub(router / "bin", "ping", 'echo "$*" >>' + str(router / "calls.log") + '\n'
         'echo "PING x"; echo "ping: local error: message too long, mtu=1400"; '
         'echo "1 packets transmitted, 0 received, +1 errors, 100% packet loss"; exit 1\n')
    outputs, calls = run(router, ov)
    st = collect.parse(ov, "osaka", None, outputs)
    p = st.probes["172.16.0.1"]["max"]
    assert (p.sent, p.received, p.error, p.mtu) == (3, 0, "message too long", 1400)
    df = next(c for c in verify.check_end(ov, ov.tunnels[0], "osaka", st) if c.check == "df.max")
    assert df.status == "fail" and df.reason == "DF_BOUNDARY_WRONG"
    assert "-s 1414 172.16.0.1" in calls  # the explaining ping, at the max payload


def test_fping_replies_all_late_then_the_explaining_ping_counts(router, inv):
    """Under load every fping reply can come after its timeout; the one iputils ping that follows
    is one more probe at the same payload: a reply to it proves the largest payload passes."""
    ov = inventory.load(inv)
    stub(router / "bin", "fping", 'for a; do case "$a" in *.*.*.*) echo "$a : xmt/rcv/%loss = 3/0/100%" >&2;; esac; done\n')
    stub(router / "bin", "ping", 'echo "$*" >>' + str(router / "calls.log") + '\n'
         'case "$*" in *"-s 1414 "*) cat ' + f"'{REC / 'ping_max.txt'}'" + '; exit 0;; esac\n'
         'echo "ping: local error: message too long, mtu=1442"; '
         'echo "1 packets transmitted, 0 received, +1 errors, 100% packet loss"; exit 1\n')
    outputs, calls = run(router, ov)
    st = collect.parse(ov, "osaka", None, outputs)
    p = st.probes["172.16.0.1"]["max"]
    assert p.received > 0 and p.sent > 3 and p.error is None
    df = next(c for c in verify.check_end(ov, ov.tunnels[0], "osaka", st) if c.check == "df.max")
    assert df.status == "pass"



class FakeVty:
    """FRR daemons' vty sockets as vtysh meets them: a command ends with a NUL; the answer is its
    text, then three NULs and a status byte. Unlike FRR, answers are written in small pieces
    with the socket left open, so a client must read to the trailer. Logs what it was sent."""

    def __init__(self, vty_dir: Path, answers: dict[str, bytes], status: int = 0):
        self.answers, self.status, self.log, self.socks = answers, status, [], []
        vty_dir.mkdir()
        for d in ("ospfd", "zebra"):
            srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            srv.bind(str(vty_dir / f"{d}.vty"))
            srv.listen(4)
            self.socks.append(srv)
            threading.Thread(target=self.serve, args=(d, srv), daemon=True).start()

    def serve(self, daemon: str, srv: socket.socket) -> None:
        while True:
            try:
                conn, _ = srv.accept()
            except OSError:
                return
            with conn:
                buf = b""
                while True:
                    data = conn.recv(4096)
                    if not data:
                        self.log.append((daemon, "EOF"))
                        break
                    buf += data
                    while b"\0" in buf:
                        cmd, buf = buf.split(b"\0", 1)
                        self.log.append((daemon, cmd.decode()))
                        out = self.answers.get(cmd.decode(), b"% Unknown command.\n")
                        for i in range(0, len(out), 1000):
                            conn.sendall(out[i:i + 1000])
                        conn.sendall(b"\0\0\0" + bytes([self.status]))

    def close(self) -> None:
        for s in self.socks:
            s.close()


def _frr_answers(extra_routes: int = 0) -> dict[str, bytes]:
    routes = json.loads((REC / "show_ip_route_json.txt").read_text())
    for i in range(extra_routes):  # a big table: far more than one socket buffer
        routes[f"10.{100 + i // 250}.{i % 250}.0/24"] = [{"prefix": f"10.{100 + i // 250}.{i % 250}.0/24",
                                                          "protocol": "ospf", "selected": True,
                                                          "nexthops": [{"ip": "172.16.0.1", "interfaceName": "gre-tokyo",
                                                                        "active": True}]}]
    return {"show ip ospf neighbor json": (REC / "show_ip_ospf_neighbor_json.txt").read_bytes(),
            "show ip ospf interface json": (REC / "show_ip_ospf_interface_json.txt").read_bytes(),
            "show ip route json": json.dumps(routes, indent=2).encode()}


@pytest.fixture
def with_perl(router):
    perl = shutil.which("perl")
    if not perl:
        pytest.skip("no perl on this machine (perl-base is essential on Debian)")
    (router / "tools" / "perl").symlink_to(perl)
    return router


def test_frr_is_read_from_the_vty_sockets_not_vtysh(with_perl, inv):
    ov = inventory.load(inv)
    vty = FakeVty(with_perl / "vty", _frr_answers(extra_routes=3000))
    try:
        outputs, calls = run(with_perl, ov)
    finally:
        vty.close()
    assert "vtysh" not in [c.split()[0] for c in calls.splitlines()]
    # one command at a time, each answered in full before the next; the connection closed after
    # per daemon (the fake's server threads log ospfd's EOF and zebra's first command in either order)
    per = {d: [c for n, c in vty.log if n == d] for d in ("ospfd", "zebra")}
    assert per == {"ospfd": ["show ip ospf neighbor json", "show ip ospf interface json", "EOF"],
                   "zebra": ["show ip route json", "EOF"]}, vty.log
    assert len(vty.log) == 5, vty.log
    assert "\0" not in outputs["all"]  # the trailers are not passed on
    st = collect.parse(ov, "osaka", None, outputs)
    assert len(st.routes) > 3000  # the whole table (about 700 kB), not a cut one
    checks = {c.check: c.status for c in verify.check_end(ov, ov.tunnels[0], "osaka", st)}
    assert checks["ospf.neighbor"] == checks["ospf.interface"] == "pass"
    assert {c.check: c.status for c in verify.check_device(ov, "osaka", st)}["routes.lan"] == "pass"
    assert st.probes["172.16.0.1"]["max"].received == 3  # the markers after FRR's answers still parse


@pytest.mark.parametrize("case", ["no-sockets", "error-status"])
def test_vtysh_answers_when_the_sockets_cannot(with_perl, inv, case):
    ov = inventory.load(inv)
    vty = FakeVty(with_perl / "vty", _frr_answers(), status=1) if case == "error-status" else None
    try:
        outputs, calls = run(with_perl, ov)
    finally:
        if vty:
            vty.close()
    assert "vtysh" in [c.split()[0] for c in calls.splitlines()]
    st = collect.parse(ov, "osaka", None, outputs)
    assert {c.check: c.status for c in verify.check_end(ov, ov.tunnels[0], "osaka", st)}["ospf.neighbor"] == "pass"
