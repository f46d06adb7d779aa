"""The status page on a real HTTP server (127.0.0.1, ephemeral port) over a real history database:
what it shows, that every string is escaped, that it is read-only, and that no key or diff reaches it."""
import json
import shutil
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

import pytest
from prometheus_client.parser import text_string_to_metric_families

from controller import graph, history, inventory, metrics, status_page, watch
from controller.verify import Check
from tests.conftest import TEST_PSK

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz (Debian graphviz) not installed")
DIFF_LINE = "+gre-tokyo mtu 1442"
EVIL = '"><script>alert(1)</script><img src=x onerror=alert(2)>'


def a_run(started, osaka="drifted", fail=True):
    r = watch.Run(started=started, seconds=2.5, devices=[
        watch.DeviceState("tokyo", "hub", "in-sync"),
        watch.DeviceState("osaka", "site", osaka, 2, f"-gre-tokyo mtu 1400\n{DIFF_LINE}\n" if osaka == "drifted"
                          else ""),
        # a driver that let the key slip into an error: the page masks it again
        watch.DeviceState("fukuoka", "site", "unreachable", error=f"unreachable: {EVIL} key {TEST_PSK}")],
        checks=[Check("osaka", "tokyo", "gre.mtu", "fail" if fail else "pass", f"1400 {EVIL}", "1442",
                      "GRE_MTU_MISMATCH" if fail else "", f"detail {TEST_PSK} {DIFF_LINE}"),
                Check("tokyo", "osaka", "gre.mtu", "pass", "1442", "1442"),
                Check("osaka", "-", "config.intent", "fail", "2 lines differ from the intent", "running = intent",
                      "CONFIG_DRIFT", f"grectl's part differs: {DIFF_LINE}")],
        notes=[f"note {EVIL}"])
    r.exit_code = watch.exit_code(r)
    return r


@pytest.fixture
def served(inv, tmp_path):
    db = tmp_path / "history.db"
    ov = inventory.load(inv)
    keys = list(inventory.psks(ov).values())
    assert keys == [TEST_PSK, TEST_PSK]
    reg, collector = metrics.registry()
    page = status_page.StatusPage(lambda: inventory.load(inv), db, keys, overlay=ov)
    server = status_page.serve(0, "127.0.0.1", reg, page)
    try:
        yield db, collector, f"http://127.0.0.1:{server.server_port}", page
    finally:
        server.shutdown()
        server.server_close()


def get(url, method="GET"):
    req = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(req, timeout=20) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


def test_page_and_json_show_devices_tunnels_reasons_and_history(served):
    db, collector, base, _ = served
    status, _, body = get(base + "/")
    assert status == 200 and "No watch run recorded yet" in body and body.count('data-state="unknown"') == 3
    history.record(db, a_run(1000.0, osaka="in-sync", fail=False))
    run = a_run(2000.0)
    history.record(db, run)
    collector.update(run)
    status, headers, body = get(base + "/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "script-src" not in headers["Content-Security-Policy"] and "default-src 'none'" in headers[
        "Content-Security-Policy"]
    assert '<meta http-equiv="refresh" content="30">' in body
    for dev, state in (("tokyo", "in-sync"), ("osaka", "drifted"), ("fukuoka", "unreachable")):
        assert f'data-device="{dev}" data-state="{state}"' in body
    assert 'data-tunnel="tokyo--osaka" data-status="fail"' in body and "osaka: GRE_MTU_MISMATCH" in body
    assert 'data-tunnel="tokyo--fukuoka" data-status="unknown"' in body
    svg = body[body.index("<svg"):body.index("</svg>") + 6]
    ET.fromstring(svg)  # the inline picture is well-formed
    assert graph.COLOUR["fail"] in svg and "[UNREACHABLE]" in svg
    data = json.loads(get(base + "/status.json")[2])
    assert data["last_run"]["exit_code"] == 1 and [r["id"] for r in data["history"]] == [2, 1]
    assert data["history"][0]["drifted"] == ["osaka"] and data["history"][0]["unreachable"] == ["fukuoka"]
    t = {(x["hub"], x["site"]): x for x in data["tunnels"]}
    assert (t[("tokyo", "osaka")]["hub_end"]["status"], t[("tokyo", "osaka")]["site_end"]["status"]) == ("pass", "fail")
    assert t[("tokyo", "osaka")]["site_end"]["reasons"] == ["GRE_MTU_MISMATCH"]
    assert {(c["device"], c["check"], c["reason"]) for c in data["failing_checks"]} == {
        ("osaka", "gre.mtu", "GRE_MTU_MISMATCH"), ("osaka", "config.intent", "CONFIG_DRIFT")}
    m = {s.name for fam in text_string_to_metric_families(get(base + "/metrics")[2]) for s in fam.samples}
    assert "grectl_device_drift" in m   # Prometheus still served beside the page


def test_no_key_no_diff_and_every_string_escaped(served):
    db, _, base, _ = served
    history.record(db, a_run(1000.0))   # recorded without keys: the database itself holds the slip
    assert TEST_PSK in "".join(d["error"] for d in history.query(db)[-1]["devices"])
    bodies = [get(base + p)[2] for p in ("/", "/status.json", "/graph.svg")]
    for body in bodies:
        assert TEST_PSK not in body and DIFF_LINE not in body and "detail " not in body
    html, js = bodies[0], json.loads(bodies[1])
    assert "<script" not in html and "<img" not in html and "onerror=alert(2)&gt;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html   # the device's text, shown as text
    mtu = [c for c in js["failing_checks"] if c["check"] == "gre.mtu"]
    assert [c["observed"] for c in mtu] == [f"1400 {EVIL}"]   # JSON carries the text as data


def test_odd_graph_names_are_escaped_on_the_page(served, monkeypatch):
    _, _, base, _ = served
    odd = '<b onmouseover=alert(1)>"&amp;'
    n = [graph.Node(f"hub{odd}", "hub", "linux", ["10.0.0.0/24"], "in-sync"),
         graph.Node(f"site{odd}", "site", odd, ["10.0.1.0/24"], "drifted")]
    g = graph.Graph(n, [graph.Edge(n[0].name, n[1].name, "172.16.0.0/30", 1442,
                                   graph.End(n[0].name, odd, "172.16.0.1/30", "pass"),
                                   graph.End(n[1].name, "gre-x", "172.16.0.2/30", "fail",
                                             [graph.Problem("ike.sa", odd)]))])
    monkeypatch.setattr(status_page.graph_mod, "from_history", lambda ov, run, keys: g)
    html = get(base + "/")[2]
    assert "<b onmouseover" not in html and "&lt;b onmouseover=alert(1)&gt;&#34;&amp;amp;" in html
    svg = html[html.index("<svg"):html.index("</svg>") + 6]
    texts = [t.text for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    assert f"hub{odd}" in texts and f"{n[1].name}: {odd}" in texts


@pytest.mark.parametrize("method,path,code", [("POST", "/", 405), ("PUT", "/status.json", 405),
                                              ("DELETE", "/", 405), ("GET", "/admin", 404),
                                              ("HEAD", "/", 200), ("GET", "/graph.svg", 200)])
def test_read_only_routes(served, method, path, code):
    _, _, base, _ = served
    status, headers, body = get(base + path, method)
    assert status == code and "Traceback" not in body
    if code == 405:
        assert headers["Allow"] == "GET, HEAD"
    if method == "HEAD":
        assert body == ""


def test_a_broken_page_is_a_plain_500_without_text(served, monkeypatch):
    _, _, base, page = served

    def boom():
        raise RuntimeError(f"secret {TEST_PSK}")
    monkeypatch.setattr(page, "html", boom)
    status, _, body = get(base + "/")
    assert status == 500 and TEST_PSK not in body and body == "status not available: RuntimeError\n"
    assert get(base + "/metrics")[0] == 200


def test_without_graphviz_the_page_still_shows_the_tables(served, monkeypatch):
    db, _, base, _ = served
    from controller.errors import GrectlError

    def no_dot(g, fmt="svg"):
        raise GrectlError("Graphviz's dot program is not installed (Debian: apt-get install graphviz)")
    monkeypatch.setattr(status_page.graph_mod, "render", no_dot)
    history.record(db, a_run(1000.0))
    status, _, body = get(base + "/")
    assert status == 200 and "topology not drawn: Graphviz&#39;s dot program is not installed" in body
    assert 'data-device="osaka" data-state="drifted"' in body and "<svg" not in body
