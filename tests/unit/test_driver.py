"""The NAPALM driver's candidate handling, with the router side replaced by a recorded running config."""
import napalm
import pytest
from napalm.base.exceptions import MergeConfigException

from controller import inventory, render
from controller.platforms.linux.router import linuxconf


@pytest.fixture
def hub(inv, monkeypatch):
    ov = inventory.load(inv)
    running = render.render_all(ov)["tokyo"]
    d = napalm.get_network_driver("linux_frr")("192.0.2.1", "root")
    monkeypatch.setattr(d, "_running_doc", lambda: linuxconf.parse(running))
    return ov, d, running


def test_merge_of_an_unchanged_site_is_no_diff(hub):
    ov, d, running = hub
    d.load_merge_candidate(config=render.render_all(ov, site="osaka")["tokyo"])
    assert d.compare_config() == ""


SIX = " link_local fe80::1/64 address6 2001:db8:ffff::1/64"  # the example is dual-stack (issue 22)


def test_merge_changes_only_that_site_and_never_shows_a_key(hub):
    ov, d, running = hub
    part = linuxconf.parse(render.render_all(ov, site="osaka", show_secrets=True)["tokyo"])
    part.tunnels["gre-osaka"]["mtu"] = "1400"
    d.load_merge_candidate(config=linuxconf.dump(part))
    diff = d.compare_config()
    changed = [ln for ln in diff.splitlines() if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]
    assert changed == [
        "-gre-osaka local 198.51.100.2 remote 198.51.100.6 ttl 64 key 0 mtu 1442 address 172.16.0.1/30" + SIX,
        "+gre-osaka local 198.51.100.2 remote 198.51.100.6 ttl 64 key 0 mtu 1400 address 172.16.0.1/30" + SIX]
    assert "test-psk" not in diff
    assert "test-psk" not in d.get_config(retrieve="candidate")["candidate"]


def test_replace_drops_what_is_not_in_the_candidate(hub):
    ov, d, running = hub
    d.load_replace_candidate(config=render.render_all(ov, site="osaka")["tokyo"])
    diff = d.compare_config()
    assert "-gre-fukuoka" in diff and "-  fukuoka {" in diff


def test_unparsable_candidate_is_refused(hub):
    _, d, _ = hub
    with pytest.raises(MergeConfigException, match="does not parse"):
        d.load_merge_candidate(config="[bogus]\n")


@pytest.mark.parametrize("rc, says", [(1, "exit status 1, no output"), (-1, "no exit status")])
def test_a_failure_without_output_says_how_it_ended(hub, rc, says):
    """An agent or confirm that printed nothing (killed, or its session was) is not an empty error."""
    from napalm.base.exceptions import CommitError
    _, d, _ = hub
    d._run = lambda *a, **k: (rc, "", "")
    with pytest.raises(CommitError, match=says):
        d.confirm_commit()
    with pytest.raises(CommitError, match=says):
        d._agent("pending")
