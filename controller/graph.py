"""The overlay as a picture: hubs and sites as nodes, tunnels as edges, each tunnel end coloured by
what verify saw (green pass, red fail with the reason, grey not observed).

Pure: the inventory (an ``Overlay``) and optionally checks and device states (a verify result or a
watch run from the history) in, a ``Graph`` model out; then DOT text (quoted and escaped by the
``graphviz`` package), Mermaid text (entity-escaped) and SVG/PNG through Graphviz's own layout
programs (Debian's ``graphviz``). No key and no diff text ever reaches a label: a check's detail
(which may quote masked config lines) is never shown, and every other text is masked again.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

PASS, FAIL, UNKNOWN = "pass", "fail", "unknown"
COLOUR = {PASS: "#2e7d32", FAIL: "#d32f2f", UNKNOWN: "#9e9e9e"}
# a device's state: from the watch run (drift) or from verify's own checks
DEVICE_COLOUR = {"in-sync": "#2e7d32", "drifted": "#ef6c00", "unreachable": "#d32f2f", "failed": "#d32f2f",
                 "skipped": "#d32f2f", "unknown": "#616161"}
SMALL = 10          # up to this many tunnels: a top-down layout with every label on the edges
LANS_SHOWN = 3


@dataclass
class Problem:
    check: str
    reason: str
    observed: str = ""
    expected: str = ""

    def line(self) -> str:
        seen = f": {self.observed}" if self.observed else ""
        want = f" (expected {self.expected})" if self.expected and self.observed else ""
        return f"{self.check} {self.reason}{seen}{want}"


@dataclass
class Node:
    name: str
    role: str
    platform: str
    lans: list[str]
    state: str = "unknown"                 # in-sync | drifted | unreachable | failed | skipped | unknown
    problems: list[Problem] = field(default_factory=list)   # device-level failing checks


@dataclass
class End:
    device: str
    interface: str
    address: str
    status: str = UNKNOWN                  # pass | fail | unknown
    problems: list[Problem] = field(default_factory=list)

    @property
    def reasons(self) -> list[str]:
        return list(dict.fromkeys(p.reason for p in self.problems))


@dataclass
class Edge:
    hub: str
    site: str
    subnet: str
    mtu: int
    hub_end: End
    site_end: End

    @property
    def status(self) -> str:
        s = {self.hub_end.status, self.site_end.status}
        return FAIL if FAIL in s else PASS if s == {PASS} else UNKNOWN


@dataclass
class Graph:
    nodes: list[Node]
    edges: list[Edge]
    source: str = "intent"                 # intent | verify | history
    when: float | None = None

    def as_dict(self) -> dict:
        out = asdict(self)
        for e, d in zip(self.edges, out["edges"]):
            d["status"] = e.status
        return out


def masker(keys):
    from .platforms import mask_any
    keys = [k for k in keys if k]

    def mask(text) -> str:
        text = mask_any(str(text or ""))
        for k in keys:
            text = text.replace(k, "%{psk}")
        return " ".join(text.split())
    return mask


def _as_dict(c) -> dict:
    return c if isinstance(c, dict) else c.as_dict()


def _problem(c: dict, mask) -> Problem:
    return Problem(mask(c["check"]), mask(c.get("reason")) or "FAILED", mask(c.get("observed"))[:160],
                   mask(c.get("expected"))[:160])


def build(overlay, checks=None, devices=None, source: str = "intent", when: float | None = None,
          keys=()) -> Graph:
    """``checks``: verify Checks or their dicts (``history.query`` rows); ``devices``: device -> drift
    state (``in-sync``, ``drifted``, ``unreachable`` ...) from a watch run; ``keys``: known PSKs to mask."""
    mask = masker(keys)
    checks = [_as_dict(c) for c in (checks or [])]
    devices = dict(devices or {})
    nodes = []
    for name in [*overlay.intent.hubs, *overlay.intent.sites]:
        d = overlay.devices[name]
        mine = [c for c in checks if c["device"] == name]
        state = devices.get(name) or _state_from_checks(mine)
        state = state if state in DEVICE_COLOUR else "failed"
        problems = [_problem(c, mask) for c in mine if c["status"] == "fail" and c["peer"] == "-"]
        nodes.append(Node(name, d.role, d.platform, [str(x) for x in d.lans + d.lans6], state, problems))
    edges = []
    for t in overlay.tunnels:
        ends = []
        for dev in (t.hub, t.site):
            e = t.end(dev)
            mine = [c for c in checks if c["device"] == dev and c["peer"] == e.peer]
            fails = [c for c in mine if c["status"] == "fail"]
            status = FAIL if fails else PASS if any(c["status"] == "pass" for c in mine) else UNKNOWN
            ends.append(End(dev, e.interface, str(e.address), status, [_problem(c, mask) for c in fails]))
        edges.append(Edge(t.hub, t.site, str(t.subnet), overlay.tunnel_mtu(t), *ends))
    return Graph(nodes, edges, source, when)


def _state_from_checks(checks: list[dict]) -> str:
    fails = {(c["check"], c.get("reason")) for c in checks if c["status"] == "fail"}
    if any(check == "device.reachable" for check, _ in fails):
        return "unreachable"
    if ("config.intent", "CONFIG_DRIFT") in fails:
        return "drifted"
    if any(c["check"] == "config.intent" and c["status"] == "pass" for c in checks):
        return "in-sync"
    return "unknown"


def from_history(overlay, run: dict | None, keys=()) -> Graph:
    """The graph as one watch run (a ``history.query`` row) saw it; no run: the intent alone."""
    if run is None:
        return build(overlay, keys=keys)
    states = {}
    for d in run["devices"]:
        repaired = d["state"] == "drifted" and d.get("remediation") in ("ok", "unchanged")
        states[d["device"]] = "in-sync" if repaired else d["state"]
    return build(overlay, run["checks"], states, "history", run["started"] + run["seconds"], keys)


# ------------------------------------------------------------------ DOT (Graphviz)

def engine(g: Graph) -> str:
    """``dot`` (top-down, every label) for a small overlay; ``twopi`` (sites in a ring around their
    hub) for one large hub; ``sfdp`` for several large hubs."""
    if len(g.edges) <= SMALL:
        return "dot"
    return "twopi" if sum(1 for n in g.nodes if n.role == "hub") == 1 else "sfdp"


def _label(*lines: str):
    """A DOT label drawn exactly as given: backslashes doubled (no ``\\N``/``\\n`` escapes), ``&`` as
    ``&amp;`` (Graphviz reads entities in every string), quotes escaped and never an HTML label."""
    import graphviz
    return graphviz.nohtml("\\n".join(graphviz.escape(ln.replace("&", "&amp;")) for ln in lines if ln))


def node_lines(n: Node) -> list[str]:
    lans = n.lans[:LANS_SHOWN] + ([f"+{len(n.lans) - LANS_SHOWN} more"] if len(n.lans) > LANS_SHOWN else [])
    mark = [] if n.state in ("in-sync", "unknown") else [f"[{n.state.upper()}]"]
    return [n.name, f"{n.platform} {n.role}", *lans, *mark, *(f"x {p.check} {p.reason}" for p in n.problems)]


def end_text(e: End) -> str:
    return f"{e.interface} {e.address}"


def edge_reasons(e: Edge) -> list[str]:
    return [f"{end.device}: {', '.join(end.reasons)}" for end in (e.hub_end, e.site_end) if end.problems]


def to_graphviz(g: Graph):
    """A ``graphviz.Graph``: its ``.source`` is the DOT text, ``.pipe(format=...)`` renders it."""
    import graphviz
    small = len(g.edges) <= SMALL
    eng = engine(g)
    dot = graphviz.Graph("grectl", engine=eng)
    dot.attr(fontname="Helvetica", fontsize="11", overlap="prism" if eng != "dot" else "true",
             splines="true", outputorder="edgesfirst", bgcolor="white")
    if eng == "twopi":
        sites = len(g.edges)
        dot.attr(root="n0", ranksep=f"{max(3.0, sites * 1.7 / 6.28):.1f}")  # n0: the one hub
    elif eng == "dot":
        dot.attr(rankdir="TB", nodesep="2.2", ranksep="1.8")
    dot.attr("node", shape="box", style="rounded,filled", fontname="Helvetica", fontsize="10", penwidth="2")
    dot.attr("edge", fontname="Helvetica", fontsize="9", dir="none")
    ids = {n.name: f"n{i}" for i, n in enumerate(g.nodes)}
    for n in g.nodes:
        bad = n.state in ("unreachable", "failed", "skipped")
        dot.node(ids[n.name], label=_label(*node_lines(n)), tooltip=_label(f"{n.name}: {n.state}"),
                 color=DEVICE_COLOUR.get(n.state, DEVICE_COLOUR["unknown"]),
                 fillcolor="#ffebee" if bad else "#e3f2fd" if n.role == "hub" else "#f5f5f5",
                 style="rounded,filled,dashed" if n.state == "drifted" else "rounded,filled",
                 penwidth="3" if n.state != "unknown" else "1.5")
    for e in g.edges:
        hub_c, site_c = COLOUR[e.hub_end.status], COLOUR[e.site_end.status]
        reasons = edge_reasons(e)
        tip = (f"{e.hub} {end_text(e.hub_end)} ({e.hub_end.status}) -- {e.site} {end_text(e.site_end)} "
               f"({e.site_end.status}), {e.subnet}, MTU {e.mtu}")
        attrs = dict(color=f"{hub_c};0.5:{site_c}", penwidth="4" if e.status == FAIL else "2.5",
                     tooltip=_label(tip), fontcolor=COLOUR[FAIL] if reasons else "black")
        if small:
            attrs.update(label=_label(f"{e.hub}: {end_text(e.hub_end)}", f"{e.site}: {end_text(e.site_end)}",
                                      f"MTU {e.mtu}", *reasons))
        elif reasons:
            attrs.update(label=_label(*reasons))
        dot.edge(ids[e.hub], ids[e.site], **attrs)
    return dot


def to_dot(g: Graph) -> str:
    return to_graphviz(g).source


def render(g: Graph, fmt: str = "svg") -> bytes:
    """SVG or PNG bytes through Graphviz's layout program; a missing program is a clear error."""
    import graphviz

    from .errors import GrectlError
    dot = to_graphviz(g)
    try:
        return dot.pipe(format=fmt)
    except graphviz.ExecutableNotFound:
        raise GrectlError(f"Graphviz's {dot.engine} program is not installed (Debian: apt-get install graphviz)")
    except graphviz.CalledProcessError as e:
        why = " ".join((e.stderr or b"").decode(errors="replace").split())
        raise GrectlError(f"Graphviz {dot.engine} failed: {why[:300]}")


# ------------------------------------------------------------------ Mermaid

_MERMAID_SAFE = re.compile(r"[A-Za-z0-9 ._:/,+=@-]")


def mermaid_escape(text: str) -> str:
    """Every character outside a small safe set as a Mermaid entity code (``#<decimal>;``), so a
    quote, bracket, pipe, ``<``, ``#`` or line break can neither end a label nor start markup.

    >>> mermaid_escape('a"b<c>|#')
    'a#34;b#60;c#62;#124;#35;'
    """
    return "".join(ch if _MERMAID_SAFE.fullmatch(ch) else f"#{ord(ch)};" for ch in str(text))


def _mlabel(*lines: str) -> str:
    return '"' + "<br/>".join(mermaid_escape(ln) for ln in lines if ln) + '"'


def to_mermaid(g: Graph) -> str:
    """A Mermaid flowchart: nodes with their state as a class, each tunnel a link whose colour is its
    worse end's (Mermaid draws one colour per link) and whose label names both ends and the reasons."""
    ids = {n.name: f"n{i}" for i, n in enumerate(g.nodes)}
    lines = ["flowchart TB" if len(g.edges) <= SMALL else "flowchart LR"]
    for n in g.nodes:
        lines.append(f"  {ids[n.name]}[{_mlabel(*node_lines(n))}]")
    for e in g.edges:
        mark = {PASS: "pass", FAIL: "FAIL", UNKNOWN: "not observed"}
        label = _mlabel(f"{end_text(e.hub_end)} {mark[e.hub_end.status]}", f"{end_text(e.site_end)} "
                        f"{mark[e.site_end.status]}", f"MTU {e.mtu}", *edge_reasons(e))
        lines.append(f"  {ids[e.hub]} ---|{label}| {ids[e.site]}")
    for i, e in enumerate(g.edges):
        lines.append(f"  linkStyle {i} stroke:{COLOUR[e.status]},stroke-width:{4 if e.status == FAIL else 2}px")
    for state, colour in DEVICE_COLOUR.items():
        dash = ",stroke-dasharray:5 3" if state == "drifted" else ""
        lines.append(f"  classDef {state.replace('-', '_')} stroke:{colour},stroke-width:3px{dash}")
    for n in g.nodes:
        lines.append(f"  class {ids[n.name]} {n.state.replace('-', '_')}")
    return "\n".join(lines) + "\n"
