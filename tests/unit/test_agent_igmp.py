"""A hub's OSPF needs one multicast membership per tunnel on ospfd's socket: the agent raises the
per-namespace limit (20 by default) before it creates tunnels, and never lowers it."""
import pytest

from controller.platforms.linux.router import links as agent  # the agent takes these from links.py


@pytest.fixture
def knob(tmp_path, monkeypatch):
    f = tmp_path / "igmp_max_memberships"
    monkeypatch.setattr(agent, "IGMP_MAX", str(f))
    return f


@pytest.mark.parametrize("tunnels, have, after", [
    (1, "20", "34"),      # even one tunnel leaves room for LANs and a DR's second join
    (24, "20", "80"),     # 24 tunnels: at 20 the last few never reached OSPF Full in the lab
    (50, "20", "132"),
    (50, "500", "500"),   # never lowered
    (0, "20", "32"),
])
def test_limit_is_raised_to_what_the_tunnels_need(knob, tunnels, have, after):
    knob.write_text(have + "\n")
    agent.ensure_igmp_memberships(tunnels)
    assert knob.read_text().strip() == after


def test_no_knob_is_not_an_error(knob):
    agent.ensure_igmp_memberships(50)  # the file does not exist: not a Linux IPv4 stack to tune
    assert not knob.exists()


def test_a_limit_that_cannot_be_raised_stops_the_change(knob, monkeypatch):
    knob.write_text("20\n")
    real = open

    def no_write(path, mode="r", *a, **k):
        if "w" in mode:
            raise PermissionError(13, "Permission denied", path)
        return real(path, mode, *a, **k)
    monkeypatch.setattr(agent, "open", no_write, raising=False)
    with pytest.raises(agent.AgentError, match="igmp_max_memberships to 132 for 50 tunnels"):
        agent.ensure_igmp_memberships(50)
    assert knob.read_text() == "20\n"
