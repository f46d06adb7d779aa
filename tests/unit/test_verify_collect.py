"""The verify collector end to end without a lab: scripts in, recorded router output back, state out."""
from pathlib import Path
from types import SimpleNamespace

import pytest

from controller import inventory, verify
from controller.platforms.linux import parsers
from tasks import verify as tv
from tests.conftest import ipv4_only

REC = Path(__file__).parent / "platforms" / "linux" / "cases" / "healthy-osaka"


class FakeRouter:
    """Answers the verify script (one round trip) with outputs recorded on osaka."""

    def __init__(self, xfrm: str | None = None):
        self.xfrm = xfrm

    def cli(self, commands):
        return {c: self.run_script(c) for c in commands}

    def run_script(self, script: str, timeout: float = 60) -> str:
        r = lambda n: (REC / f"{n}.txt").read_text()  # noqa: E731
        m = parsers.MARK
        assert "sas_after" in script and "mktemp" not in script
        after = r("swanctl_list-sas_raw")  # its counters are above those of the kernel's read before
        pings = (f"{m}172.16.0.1.max\n{r('ping_max')}\nrc=0\n{m}172.16.0.1.over\n{r('ping_over')}\nrc=1\n"
                 f"{m}sas_after\n{after}")
        frr = "\n".join(r(n) for n in ("show_ip_ospf_neighbor_json", "show_ip_ospf_interface_json",
                                        "show_ip_route_json"))
        return (f"{m}ip\n{r('ip_-d_-j_link_show_type_gre')}\n{r('ip_-j_route_get_wan')}\n"
                f"{m}xfrm\n{r('ip_-s_xfrm_state_list_nokeys') if self.xfrm is None else self.xfrm}\n{m}frr\n{frr}\n" + pings + f"\n{m}charon 0\n")


@pytest.fixture
def inv(inv):
    """The recorded case is an IPv4-only osaka: the example without its IPv6."""
    return ipv4_only(inv)


def test_collect_task_builds_a_state_the_judge_passes(inv):
    ov = inventory.load(inv)
    host = SimpleNamespace(name="osaka", get_connection=lambda *a: FakeRouter())
    task = SimpleNamespace(host=host, nornir=SimpleNamespace(config=None))
    st = tv.collect_task(task, ov, "osaka").result
    assert st.daemons["ike"] and st.route_lookups["198.51.100.2"].interface == "wan0"
    checks = [c for c in verify.check_end(ov, ov.tunnels[0], "osaka", st)]
    assert {c.check: c.status for c in checks} == {
        "gre.link": "pass", "gre.endpoints": "pass", "gre.mtu": "pass", "ike.sa": "pass", "ipsec.child": "pass",
        "ipsec.counters": "pass", "df.max": "pass", "df.over": "pass", "ospf.neighbor": "pass",
        "ospf.interface": "pass", "underlay.route": "pass"}


def _counters(inv, xfrm: str):
    ov = inventory.load(inv)
    host = SimpleNamespace(name="osaka", get_connection=lambda *a: FakeRouter(xfrm))
    st = tv.collect_task(SimpleNamespace(host=host, nornir=SimpleNamespace(config=None)), ov, "osaka").result
    return next(c for c in verify.check_end(ov, ov.tunnels[0], "osaka", st) if c.check == "ipsec.counters")


def test_counters_before_come_from_the_kernel_by_spi(inv):
    c = _counters(inv, None)
    assert (c.status, c.observed) == ("pass", "in 64->69, out 64->69")


def test_counters_that_did_not_move_fail(inv):
    text = (REC / "ip_-s_xfrm_state_list_nokeys.txt").read_text().replace("64(packets)", "69(packets)")
    c = _counters(inv, text)
    assert (c.status, c.reason) == ("fail", "ESP_COUNTERS_STALLED")


def test_an_sa_the_kernel_read_did_not_list_is_not_proven(inv):
    """A failed or empty read before the probes must not pass as counters rising from 0."""
    for text in ("", "RTNETLINK answers: Operation not permitted",
                 (REC / "ip_-s_xfrm_state_list_nokeys.txt").read_text().replace("0xccfb0a39", "0x0badf00d")):
        c = _counters(inv, text)
        assert (c.status, c.reason) == ("fail", "ESP_COUNTERS_STALLED"), text[:40]
