"""The agent's FRR reload keeps frr-reload.py's own diff and order, with fewer vtysh starts: the
running config just read is marked instead of read again, and the second pass runs only after
deletions (it puts back what a deletion took with it)."""
import pytest

from controller.platforms.linux.router import frrreload


class VtyshException(Exception):
    pass


class FakeVtysh:
    def __init__(self, log):
        self.log = log

    def is_config_available(self):
        self.log.append("configure")
        return True

    def exec_file(self, name):
        with open(name) as f:
            self.log.append(("exec", f.read()))

    def __call__(self, cmd, stdouts=None):
        self.log.append(("vtysh", tuple(cmd)))
        if cmd[-1].endswith("message-digest"):   # refuses the whole `no` line, as OSPF does
            raise VtyshException("refused")


def fake_fr(log, passes):
    """frr-reload.py's namespace: each compare returns the next (adds, dels) of ``passes``."""
    results = iter(passes)

    class Config:
        def __init__(self, vtysh):
            pass

        def load_from_file(self, f):
            log.append("mark file")

        def load_from_show_running(self, daemon):
            log.append("show running")

    def lines_to_config(keys, line, delete):
        return [("no " if delete else "") + line]

    return {"Config": Config, "VtyshException": VtyshException, "log": None,
            "compare_context_objects": lambda new, running: next(results), "lines_to_config": lines_to_config}


@pytest.mark.parametrize("passes, reads, execs", [
    ([([(("a",), "ip ospf cost 10")], [])], [], 1),                               # additions only: one pass
    ([([], [])], [], 0),                                                           # nothing to do
    ([([(("a",), "x")], [(("a",), "y")]), ([], [])], ["show running"], 2),         # a deletion: second pass
])
def test_second_pass_only_after_deletions(monkeypatch, passes, reads, execs):
    log = []
    fr = fake_fr(log, passes)
    monkeypatch.setattr(frrreload, "_marked", lambda fr_, vtysh, text: log.append("mark running") or object())
    assert frrreload._reload(fr, FakeVtysh(log), "/etc/frr/frr.conf", "hostname r1\n")
    assert log[:3] == ["mark file", "configure", "mark running"]   # the running text given is marked, not re-read
    assert [e for e in log if e == "show running"] == reads
    assert len([e for e in log if isinstance(e, tuple) and e[0] == "exec"]) == execs


def test_a_refused_no_line_is_retried_shorter(monkeypatch):
    log = []
    fr = fake_fr(log, [([], [(("interface gre-a",), "ip ospf authentication message-digest")]), ([], [])])
    monkeypatch.setattr(frrreload, "_marked", lambda *a: object())
    assert frrreload._reload(fr, FakeVtysh(log), "/etc/frr/frr.conf", "")
    tried = [e[1][-1] for e in log if isinstance(e, tuple) and e[0] == "vtysh"]
    assert tried == ["no ip ospf authentication message-digest", "no ip ospf authentication"]


@pytest.mark.parametrize("adds, first", [
    ([(("router ospf",), None), (("router ospf",), "network 10.1.2.0/24 area 0.0.0.0"),
      (("router ospf",), "ospf router-id 10.1.2.1")], "ospf router-id 10.1.2.1"),
    ([(("interface lan0",), "ip ospf passive"), (("router ospf6",), "ospf6 router-id 10.1.2.1")],
     "ospf6 router-id 10.1.2.1"),
    ([(("router ospf",), "network 10.1.2.0/24 area 0.0.0.0")], "network 10.1.2.0/24 area 0.0.0.0"),
])
def test_router_id_is_applied_first(monkeypatch, adds, first):
    """ospfd must not start the links under the router-id zebra picked (issue 26)."""
    log = []
    fr = fake_fr(log, [(list(adds), [])])
    fr["lines_to_config"] = lambda keys, line, delete: [*keys] + ([line] if line else [])
    monkeypatch.setattr(frrreload, "_marked", lambda *a: object())
    assert frrreload._reload(fr, FakeVtysh(log), "/etc/frr/frr.conf", "")
    lines = [ln for ln in next(e[1] for e in log if isinstance(e, tuple) and e[0] == "exec").splitlines() if ln]
    assert lines[1] == first
    # a router-id leaves its node at once: the next line (e.g. "interface lan0") is read from the config
    # node, not as router ospf6's own "interface IFNAME area" command ("Command incomplete" in the lab)
    assert ("exit" in lines[2:3]) == ("router-id" in first)
    assert sorted(ln for ln in lines if ln != "exit") == sorted(ln for k, x in adds for ln in [*k] + ([x] if x else []))
