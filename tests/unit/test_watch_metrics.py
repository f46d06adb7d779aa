"""Metrics: the real HTTP endpoint on 127.0.0.1 (ephemeral port), read back with
prometheus_client's own text parser."""
import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from controller import metrics, watch
from controller.verify import Check


@pytest.fixture
def endpoint():
    reg, collector = metrics.registry()
    server = metrics.serve(0, "127.0.0.1", reg)
    try:
        yield collector, f"http://127.0.0.1:{server.server_port}/metrics"
    finally:
        server.shutdown()
        server.server_close()


def scrape(url) -> dict:
    text = urllib.request.urlopen(url, timeout=5).read().decode()
    samples = {}
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return samples


def run(osaka_state="drifted", check_ok=True, started=1_700_000_000.0, seconds=4.0):
    r = watch.Run(started=started, seconds=seconds, devices=[
        watch.DeviceState("tokyo", "hub", "in-sync"), watch.DeviceState("osaka", "site", osaka_state),
        watch.DeviceState("fukuoka", "site", "unreachable", error="unreachable: timeout")],
        checks=[Check("osaka", "tokyo", "routes.lan", "pass"),
                Check("osaka", "tokyo", "routes.lan", "pass" if check_ok else "fail", reason="ROUTE_MISSING"),
                Check("tokyo", "osaka", "ike.sa", "pass")])
    r.exit_code = watch.exit_code(r)
    return r


def test_metrics_parse_and_show_the_last_run(endpoint):
    collector, url = endpoint
    before = scrape(url)
    assert before[("grectl_devices_unreachable", ())] == 0
    collector.update(run(check_ok=False))
    m = scrape(url)
    assert m[("grectl_device_drift", (("device", "osaka"),))] == 1
    assert m[("grectl_device_drift", (("device", "tokyo"),))] == 0
    assert m[("grectl_device_unreachable", (("device", "fukuoka"),))] == 1
    assert m[("grectl_devices_unreachable", ())] == 1
    # two routes.lan checks on osaka/tokyo, one failing: the series says failing
    assert m[("grectl_check_pass", (("check", "routes.lan"), ("device", "osaka"), ("peer", "tokyo")))] == 0
    assert m[("grectl_check_pass", (("check", "ike.sa"), ("device", "tokyo"), ("peer", "osaka")))] == 1
    assert m[("grectl_run_duration_seconds", ())] == 4.0
    assert m[("grectl_last_success_timestamp_seconds", ())] == 0   # that run failed
    assert m[("grectl_runs_total", (("result", "failure"),))] == 1


def test_last_success_and_removed_devices(endpoint):
    collector, url = endpoint
    collector.update(run(osaka_state="in-sync", started=1_700_000_000.0))
    ok = run(osaka_state="in-sync", started=1_700_000_100.0, seconds=2.0)
    ok.devices = ok.devices[:2]   # fukuoka left the inventory and is reachable no more
    ok.exit_code = watch.exit_code(ok)
    assert ok.exit_code == 0
    collector.update(ok)
    m = scrape(url)
    assert m[("grectl_last_success_timestamp_seconds", ())] == 1_700_000_102.0
    assert ("grectl_device_drift", (("device", "fukuoka"),)) not in m
    assert m[("grectl_device_drift", (("device", "osaka"),))] == 0
    assert m[("grectl_runs_total", (("result", "ok"),))] == 1
    assert m[("grectl_runs_total", (("result", "failure"),))] == 1


def test_remediations_are_counted(endpoint):
    collector, url = endpoint
    r = run()
    r.devices[1].remediation = "ok"
    collector.update(r)
    collector.update(r)
    m = scrape(url)
    assert m[("grectl_remediations_total", (("device", "osaka"), ("status", "ok")))] == 2
    assert m[("grectl_device_drift", (("device", "osaka"),))] == 0   # repaired


def test_textfile_for_node_exporter(tmp_path):
    reg, collector = metrics.registry()
    collector.update(run())
    metrics.write_file(tmp_path / "m" / "grectl.prom", reg)
    fams = {f.name: f for f in text_string_to_metric_families((tmp_path / "m" / "grectl.prom").read_text())}
    assert [s.value for s in fams["grectl_device_drift"].samples if s.labels == {"device": "osaka"}] == [1]
