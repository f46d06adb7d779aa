"""grectl graph: every device and tunnel drawn, colours from a recorded run, odd text escaped in DOT,
SVG and Mermaid, hub + 50 laid out; the real Graphviz programs and the real CLI."""
import re
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

import pytest

from controller import graph, history, inventory, watch
from controller.verify import Check
from tests.conftest import ROOT, TEST_PSK
from tests.gen_inventory import generate

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz (Debian graphviz) not installed")
SVG = "{http://www.w3.org/2000/svg}"
GREEN, RED, GREY = graph.COLOUR["pass"], graph.COLOUR["fail"], graph.COLOUR["unknown"]


def recorded_run(db, checks, states=None):
    """A watch run written to and read back from a real history database."""
    devs = [watch.DeviceState(d, "hub" if d == "tokyo" else "site", s) for d, s in (states or {}).items()]
    r = watch.Run(started=1_700_000_000.0, seconds=3.0, devices=devs, checks=checks)
    r.exit_code = watch.exit_code(r)
    history.record(db, r)
    return history.query(db)[-1]


def svg_texts(svg: bytes) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text")]


def edge_colours(dot: str) -> dict[tuple[str, str], str]:
    names = dict(re.findall(r'^\s*(n\d+) \[label="([^\\"]+)', dot, re.M))
    return {(names[a], names[b]): c for a, b, c in re.findall(r'^\s*(n\d+) -- (n\d+) \[.*?color="([^"]+)"', dot, re.M)}


@needs_dot
@pytest.mark.parametrize("fmt", ["dot", "mermaid", "svg"])
def test_every_device_and_tunnel_is_drawn(inv, fmt):
    ov = inventory.load(inv)
    g = graph.build(ov)
    assert {n.name for n in g.nodes} == set(ov.devices) and len(g.edges) == len(ov.tunnels) == 2
    text = {"dot": graph.to_dot, "mermaid": graph.to_mermaid}.get(fmt, lambda g: " ".join(
        svg_texts(graph.render(g, "svg"))))(g)
    for d in ov.devices.values():
        assert d.name in text and d.platform in text and all(str(lan) in text for lan in d.lans)
    for t in ov.tunnels:
        for end in (t.hub_end, t.site_end):
            assert end.interface in text and str(end.address) in text, (fmt, end)
        assert f"MTU {ov.tunnel_mtu(t)}" in text
    edge = {"dot": r"^\s*n\d+ -- n\d+ \[", "mermaid": r"^\s*n\d+ ---\|"}.get(fmt)
    assert edge is None or len(re.findall(edge, text, re.M)) == 2
    assert "%{psk" not in text and TEST_PSK not in text


def test_colours_follow_a_recorded_verify_result(inv, tmp_path):
    ov = inventory.load(inv)
    run = recorded_run(tmp_path / "h.db", [
        Check("tokyo", "osaka", "gre.link", "pass", "up", "up"),
        Check("osaka", "tokyo", "gre.link", "pass", "up", "up"),
        Check("osaka", "tokyo", "gre.mtu", "fail", "1400", "1442", "GRE_MTU_MISMATCH", "gre-tokyo MTU 1400"),
        Check("tokyo", "fukuoka", "ike.sa", "n/a", reason="NOT_AVAILABLE_ON_TARGET"),
        Check("tokyo", "-", "config.intent", "fail", "2 lines differ from the intent", "running = intent",
              "CONFIG_DRIFT", "grectl's part differs: -mtu 1442; +mtu 1400"),
    ], {"tokyo": "drifted", "osaka": "in-sync", "fukuoka": "unreachable"})
    g = graph.from_history(ov, run)
    by = {(e.hub, e.site): e for e in g.edges}
    cases = [  # (tunnel, hub end, site end, edge)
        (("tokyo", "osaka"), "pass", "fail", "fail"),
        (("tokyo", "fukuoka"), "unknown", "unknown", "unknown"),   # only n/a seen: grey, never green
    ]
    colours = edge_colours(graph.to_dot(g))
    for key, hub_end, site_end, edge in cases:
        e = by[key]
        assert (e.hub_end.status, e.site_end.status, e.status) == (hub_end, site_end, edge)
        assert colours[key] == f"{graph.COLOUR[hub_end]};0.5:{graph.COLOUR[site_end]}"
    assert by[("tokyo", "osaka")].site_end.reasons == ["GRE_MTU_MISMATCH"]
    dot, mmd = graph.to_dot(g), graph.to_mermaid(g)
    assert "osaka: GRE_MTU_MISMATCH" in dot and "osaka: GRE_MTU_MISMATCH" in mmd
    assert "linkStyle 0 stroke:" + RED in mmd and "linkStyle 1 stroke:" + GREY in mmd
    states = {n.name: n.state for n in g.nodes}
    assert states == {"tokyo": "drifted", "osaka": "in-sync", "fukuoka": "unreachable"}
    assert "[DRIFTED]" in dot and "[UNREACHABLE]" in dot and "class n2 unreachable" in mmd
    assert "+mtu 1400" not in dot + mmd   # a check's detail (diff lines) is never drawn
    # the same checks from verify (no drift states): config drift and reachability come from the checks
    g2 = graph.build(ov, [Check("tokyo", "-", "config.intent", "fail", reason="CONFIG_DRIFT"),
                          Check("osaka", "tokyo", "device.reachable", "fail", "timed out", "reachable",
                                "DEVICE_UNREACHABLE"), Check("osaka", "-", "config.intent", "pass")])
    assert {n.name: n.state for n in g2.nodes} == {"tokyo": "drifted", "osaka": "unreachable", "fukuoka": "unknown"}


ODD = ['a"b', "<script>alert(1)</script>", "x\\N\\G\\l", "p|q]r[s}{", "#35;&amp;", "tab\there", "é ü"]


def odd_graph() -> graph.Graph:
    nodes = [graph.Node(f"hub{ODD[0]}", "hub", ODD[1], [ODD[2]], "drifted",
                        [graph.Problem("ospf.no_wan", ODD[3])]),
             graph.Node(f"site{ODD[4]}", "site", "linux", [ODD[6]], "unreachable")]
    end_a = graph.End(nodes[0].name, ODD[5], "172.16.0.1/30", "pass")
    end_b = graph.End(nodes[1].name, "gre-x", "172.16.0.2/30", "fail", [graph.Problem("ike.sa", ODD[1], ODD[3])])
    return graph.Graph(nodes, [graph.Edge(nodes[0].name, nodes[1].name, "172.16.0.0/30", 1442, end_a, end_b)])


@needs_dot
def test_odd_names_are_escaped_in_dot_and_svg():
    g = odd_graph()
    svg = graph.render(g, "svg")
    texts = svg_texts(svg)    # Graphviz parsed our DOT and drew every string exactly as given
    want = graph.node_lines(g.nodes[0]) + graph.node_lines(g.nodes[1]) + [
        f"{g.edges[0].hub}: {graph.end_text(g.edges[0].hub_end)}", f"{g.edges[0].site}: {ODD[1]}"]
    for line in want:
        assert line.replace("\t", " ") in [t.replace("\xa0", " ").replace("\t", " ") for t in texts] \
            or line in texts, (line, texts)
    assert b"<script" not in svg and b"&lt;script&gt;" in svg
    ET.fromstring(svg)   # still well-formed XML
    dot = graph.to_dot(g)
    assert '\\"' in dot and "x\\\\N\\\\G\\\\l" in dot   # quotes escaped, escString backslashes doubled


def test_odd_names_are_escaped_in_mermaid():
    mmd = graph.to_mermaid(odd_graph())
    labels = re.findall(r'"([^"]*)"', mmd)
    assert labels and not any(ch in lab.replace("<br/>", "") for lab in labels for ch in '<>|[]{}"\t\n')
    decoded = " ".join(re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), lab.replace("<br/>", " "))
                       for lab in labels)
    for s in ODD:
        assert s in decoded, s
    # outside labels only ids, arrows and styles
    bare = re.sub(r'"[^"]*"', "", mmd)
    assert all(re.fullmatch(r"[A-Za-z0-9_ :#,;.\-|\[\]()%/]*", ln) for ln in bare.splitlines()), bare


@needs_dot
def test_hub_and_fifty_sites_render_in_a_ring(tmp_path):
    ov = inventory.load(generate(tmp_path / "inv", 50))
    checks = [Check(t.site, "hq", "gre.link", "pass") for t in ov.tunnels if t.site != "br7"]
    checks.append(Check("br7", "hq", "ike.sa", "fail", reason="IKE_PHASE1_KEY_MISMATCH"))
    g = graph.build(ov, checks)
    assert graph.engine(g) == "twopi"
    t0 = time.monotonic()
    svg = graph.render(g, "svg")
    print(f"hub + 50 SVG: {time.monotonic() - t0:.2f}s, {len(svg)} bytes")
    root = ET.fromstring(svg)
    groups = [e.get("class") for e in root.iter(f"{SVG}g")]
    assert groups.count("node") == 51 and groups.count("edge") == 50
    texts = svg_texts(svg)
    assert {f"br{i}" for i in range(1, 51)} | {"hq"} <= set(texts)
    assert "br7: IKE_PHASE1_KEY_MISMATCH" in texts
    png = graph.render(g, "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def cli(*args):
    return subprocess.run([sys.executable, "-m", "controller", "graph", *args], capture_output=True, cwd=ROOT,
                          timeout=120)


@needs_dot
def test_cli_formats_and_history(inv, tmp_path):
    cases = [(["--format", "dot"], b"graph grectl {"), (["--format", "mermaid"], b"flowchart TB"),
             ([], b"<svg")]
    for args, head in cases:
        r = cli("-i", str(inv), *args)
        assert r.returncode == 0 and head in r.stdout and b"fukuoka" in r.stdout, r.stderr
    r = cli("-i", str(inv), "--out", str(tmp_path / "o.png"))
    assert r.returncode == 0 and (tmp_path / "o.png").read_bytes()[:4] == b"\x89PNG", r.stderr
    db = tmp_path / "h.db"
    r = cli("-i", str(inv), "--history", "--history-db", str(db))
    assert r.returncode == 1 and b"no watch run recorded" in r.stderr and b"Traceback" not in r.stderr
    recorded_run(db, [Check("fukuoka", "tokyo", "ike.sa", "fail", reason="IKE_DAEMON_DOWN")])
    r = cli("-i", str(inv), "--history", "--history-db", str(db), "--format", "dot")
    assert r.returncode == 0 and b"fukuoka: IKE_DAEMON_DOWN" in r.stdout, r.stderr
    r = cli("-i", str(inv), "--history", "--verify")
    assert r.returncode == 1 and b"exclude each other" in r.stderr


@needs_dot
def test_the_readme_picture_is_the_demo_inventory(inv):
    """docs/overlay.svg is `grectl graph` of inventory/ (regenerate it when the inventory changes)."""
    committed = (ROOT / "docs" / "overlay.svg").read_bytes()
    assert sorted(svg_texts(committed)) == sorted(svg_texts(graph.render(graph.build(inventory.load(inv)), "svg")))
