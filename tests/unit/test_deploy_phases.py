"""The deploy's phases (tasks/deploy.py) on in-memory devices: every device is backed up, hubs
commit before sites, nothing is confirmed before the proof, a failed proof confirms nothing, a
site unreachable before the commits keeps its hub side, a device lost at confirm time gets the
other ends of its tunnels restored, and the timeline records each phase. The devices are a fake
NAPALM driver; the proof is stubbed (its own logic is tested in test_transaction.py)."""
from __future__ import annotations

import difflib
import functools
import time

import pytest
from nornir import InitNornir
from nornir.core.inventory import ConnectionOptions

from controller import inventory
from tasks import deploy as deploy_mod
from tasks import transaction as txn
from tasks.timeline import Timeline
from tests.conftest import copy_inventory


class Device:
    def __init__(self):
        self.running, self.pending, self.wire, self.reachable = "", None, [], True


DEVICES: dict[str, Device] = {}


class FakeDriver:
    """A NAPALM driver over an in-memory device: replace, compare, commit with a timer, confirm."""

    def __init__(self, hostname, username, password=None, timeout=60, optional_args=None):
        self.name, self.candidate = hostname, None

    @property
    def dev(self) -> Device:
        return DEVICES[self.name]

    def open(self):
        if not self.dev.reachable:
            raise ConnectionError(f"{self.name}: no route to host")
        self.dev.wire.append("open")

    def close(self):
        pass

    def get_config(self, retrieve="all", **kw):
        return {"running": self.dev.running, "startup": "", "candidate": ""}

    def load_replace_candidate(self, filename=None, config=None):
        self.candidate = config

    def compare_config(self):
        return "".join(difflib.unified_diff(self.dev.running.splitlines(True), self.candidate.splitlines(True),
                                            "running", "candidate"))

    def discard_config(self):
        self.candidate = None

    def commit_config(self, message="", revert_in=None):
        self.dev.pending, self.dev.running = self.dev.running, self.candidate
        self.dev.wire.append(f"commit revert_in={revert_in}")

    def confirm_commit(self):
        self.dev.pending = None
        self.dev.wire.append("confirm")


def _nornir_of(inv):
    def fake_nornir(overlay, workers=20, keys=None, budget=None):
        nr = InitNornir(runner={"plugin": "threaded", "options": {"num_workers": workers}},
                        logging={"enabled": False}, inventory={"plugin": "SimpleInventory", "options": {
                            "host_file": str(inv / "hosts.yaml"), "group_file": str(inv / "groups.yaml"),
                            "defaults_file": str(inv / "defaults.yaml")}})
        for name, host in nr.inventory.hosts.items():
            host.hostname = name
            host.connection_options["napalm"] = ConnectionOptions(platform="fake", extras={"optional_args": {}})
        return nr
    return fake_nornir


@pytest.fixture
def lab(tmp_path, monkeypatch):
    inv = copy_inventory(tmp_path / "inv")
    ov = inventory.load(inv)
    DEVICES.clear()
    DEVICES.update({n: Device() for n in ov.devices})
    import nornir_napalm.plugins.connections as conn
    monkeypatch.setattr(conn, "get_network_driver", lambda platform: FakeDriver)
    monkeypatch.setattr(deploy_mod, "make_nornir", _nornir_of(inv))
    monkeypatch.setattr(txn, "abort", functools.partial(txn.abort, clock=lambda: 1e12, sleep=lambda s: None))
    return ov


def prove_with(monkeypatch, ok: bool, failing=()):
    seen = []

    def prove(overlay, site, deadline, left_out, no_config, collect, progress, **kw):
        seen.append({n: (d.running != "", d.pending is not None) for n, d in DEVICES.items()})
        return ok, list(failing)
    monkeypatch.setattr(txn, "prove", prove)
    return seen


def test_commit_everywhere_prove_then_confirm(lab, monkeypatch):
    seen = prove_with(monkeypatch, True)
    tl = Timeline()
    out = {o.device: o for o in deploy_mod.deploy(lab, confirm_timeout=120, timeline=tl)}
    assert {n: o.status for n, o in out.items()} == {"tokyo": "ok", "osaka": "ok", "fukuoka": "ok"}
    # at proof time every device runs the new config, none confirmed yet
    assert seen == [{n: (True, True) for n in DEVICES}]
    for d in DEVICES.values():
        assert d.wire[-1] == "confirm" and "commit revert_in=120" in d.wire and d.pending is None
    events = [e["event"] for e in tl.as_dict()["events"]]
    assert events == ["read", "hubs committed", "sites committed", "proof started", "proven", "confirmed"]
    again = deploy_mod.deploy(lab, confirm_timeout=120)
    assert {o.status for o in again} == {"unchanged"}


def test_hub_commits_before_its_sites(lab, monkeypatch):
    prove_with(monkeypatch, True)
    hub_done_when_site_commits = []
    real = FakeDriver.commit_config

    def commit(self, **kw):
        if self.name == "tokyo":
            time.sleep(0.3)      # a slow hub: a site committing alongside it would start meanwhile
        else:
            hub_done_when_site_commits.append(DEVICES["tokyo"].pending is not None)
        real(self, **kw)
    monkeypatch.setattr(FakeDriver, "commit_config", commit)
    deploy_mod.deploy(lab, confirm_timeout=120)
    assert hub_done_when_site_commits == [True, True]


def test_failed_proof_confirms_nothing(lab, monkeypatch):
    from controller.verify import Check
    prove_with(monkeypatch, False, [Check("osaka", "tokyo", "df.max", "fail", reason="DF_BOUNDARY_WRONG")])
    out = deploy_mod.deploy(lab, confirm_timeout=120)
    assert {o.status for o in out} == {"reverted"}
    assert all("confirm" not in d.wire for d in DEVICES.values())
    assert any("DF_BOUNDARY_WRONG" in n for o in out for n in o.notes)


def test_unreachable_site_left_out_hub_side_kept(lab, monkeypatch):
    prove_with(monkeypatch, True)
    DEVICES["fukuoka"].reachable = False
    out = {o.device: o for o in deploy_mod.deploy(lab, confirm_timeout=120)}
    assert out["fukuoka"].status == "failed" and "unreachable" in out["fukuoka"].error
    assert out["tokyo"].status == "ok" and any("fukuoka: hub side left as it runs" in n for n in out["tokyo"].notes)
    assert "gre-fukuoka" not in DEVICES["tokyo"].running and "gre-osaka" in DEVICES["tokyo"].running


def test_site_lost_at_confirm_gets_its_hub_side_restored(lab, monkeypatch):
    prove_with(monkeypatch, True)
    real = FakeDriver.open

    def open_(self):
        if self.name == "fukuoka" and any(w.startswith("commit") for w in self.dev.wire):
            self.dev.reachable = False      # management lost once it committed
        real(self)
    monkeypatch.setattr(FakeDriver, "open", open_)
    out = {o.device: o for o in deploy_mod.deploy(lab, confirm_timeout=120)}
    assert out["fukuoka"].status == "failed" and "reverts by its own timer" in out["fukuoka"].error
    assert out["osaka"].status == "ok"
    assert any("restored hub side of fukuoka" in n for n in out["tokyo"].notes), out["tokyo"]
    assert "gre-fukuoka" not in DEVICES["tokyo"].running and "gre-osaka" in DEVICES["tokyo"].running


def test_unreachable_hub_keeps_the_other_hubs_side_of_their_link(tmp_path, lab, monkeypatch):
    """Two hubs joined by a hub-to-hub tunnel (issue 23): the lower-id hub (the link's ``hub`` end)
    unreachable before the commits, the other hub leaves its side of the link as it runs, as a hub
    leaves an unreachable site's side."""
    from tests.unit.platforms import shapes
    inv = copy_inventory(tmp_path / "homed")
    _, backup = shapes.dual_homed(inv, "tokyo")
    ov = inventory.load(inv)
    link = next(t for t in ov.tunnels if t.kind == "hubs")
    assert (link.hub, link.site) == ("tokyo", backup)
    DEVICES.clear()
    DEVICES.update({n: Device() for n in ov.devices})
    monkeypatch.setattr(deploy_mod, "make_nornir", _nornir_of(inv))
    prove_with(monkeypatch, True)
    DEVICES["tokyo"].reachable = False
    out = {o.device: o for o in deploy_mod.deploy(ov, confirm_timeout=120)}
    assert out["tokyo"].status == "failed"
    assert any("tokyo: hub side left as it runs" in n for n in out[backup].notes), out[backup]
    assert "gre-tokyo" not in DEVICES[backup].running and "gre-osaka" in DEVICES[backup].running



def test_hub_lost_at_confirm_gets_its_link_and_dual_homed_sites_restored(tmp_path, lab, monkeypatch):
    """The higher-id hub lost once it committed: it reverts by its timer; the site homed on it is
    restored whole, and the other hub puts back both its side of the hub-to-hub link and that
    site's tunnel, in one commit (no tunnel left new on one end and old on the other)."""
    from tests.unit.platforms import shapes
    inv = copy_inventory(tmp_path / "homed")
    site, backup = shapes.dual_homed(inv, "tokyo")
    ov = inventory.load(inv)
    DEVICES.clear()
    DEVICES.update({n: Device() for n in ov.devices})
    monkeypatch.setattr(deploy_mod, "make_nornir", _nornir_of(inv))
    prove_with(monkeypatch, True)
    real = FakeDriver.open

    def open_(self):
        if self.name == backup and any(w.startswith("commit") for w in self.dev.wire):
            self.dev.reachable = False
        real(self)
    monkeypatch.setattr(FakeDriver, "open", open_)
    out = {o.device: o for o in deploy_mod.deploy(ov, confirm_timeout=120)}
    assert out[backup].status == "failed"
    assert out[site].status == "failed" and "restored as it ran before" in out[site].error
    assert any(f"restored hub side of {backup}, {site}" in n for n in out["tokyo"].notes), out["tokyo"]
    assert f"gre-{backup}" not in DEVICES["tokyo"].running and f"gre-{site}" not in DEVICES["tokyo"].running
    others = [s for s in ov.intent.sites if s != site]
    assert all(f"gre-{s}" in DEVICES["tokyo"].running for s in others)
