"""The status page `grectl watch --metrics-port P` serves beside Prometheus's ``/metrics``.

``/`` is HTML (the topology SVG, the devices in sync / drifted / unreachable, the tunnels, the last
run's failing checks with their reasons, the recent runs; it refreshes itself) and ``/status.json``
the same as data; ``/graph.svg`` the picture alone. Everything comes from the watch history
database (what the last runs saw) and the inventory; nothing here changes anything: GET and HEAD
only. Every string is escaped (a Jinja2 environment with autoescape; the SVG's labels by Graphviz),
scripts are refused by the Content-Security-Policy, and no key, diff or check detail is shown: the
texts that are shown are masked again with the known keys.
"""
from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Callable
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from . import graph as graph_mod
from . import history as hist

RUNS_SHOWN = 10
REFRESH = 30
RESULT = {0: "ok", 1: "failure", 2: "drift"}
HEADERS = [("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer"),
           ("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
                                       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")]


def _when(ts: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts)) if ts else ""


class StatusPage:
    """What the page shows, built from the history's newest runs; the SVG is drawn once per run."""

    def __init__(self, load: Callable[[], object], history_path: Path, keys=(), overlay=None,
                 refresh: int = REFRESH):
        self.load, self.history_path, self.refresh = load, Path(history_path), refresh
        self.keys = [k for k in keys if k]
        self.mask = graph_mod.masker(self.keys)
        self._lock = threading.Lock()
        self._overlay = overlay
        self._cache: tuple | None = None   # (run id, graph, svg) of the newest run drawn
        self._notes: list[str] = []

    def _current(self):
        """(graph, svg, newest runs, notes), the inventory re-read when a new run is there."""
        runs = hist.query(self.history_path, limit=RUNS_SHOWN)
        last = runs[-1] if runs else None
        key = last["id"] if last else None
        with self._lock:
            if self._cache is not None and self._cache[0] == key:
                return self._cache[1], self._cache[2], runs, self._notes
            notes = []
            try:
                self._overlay = self.load()
            except Exception as e:  # an inventory being edited: keep drawing the last one that loaded
                if self._overlay is None:
                    raise
                notes.append(f"inventory not re-read ({self.mask(e.__class__.__name__)}); showing the last one "
                             "that loaded")
            g = graph_mod.from_history(self._overlay, last, self.keys)
            try:
                svg = graph_mod.render(g, "svg").decode()
                svg = svg[svg.index("<svg"):]   # no XML declaration or DOCTYPE inside the HTML
            except Exception as e:
                svg, notes = "", notes + [f"topology not drawn: {self.mask(str(e))[:300]}"]
            self._cache, self._notes = (key, g, svg), notes
            return g, svg, runs, notes

    def status(self) -> tuple[dict, str]:
        """(the page's data, as /status.json gives it; the SVG)."""
        g, svg, runs, notes = self._current()
        last = runs[-1] if runs else None
        by_dev = {d["device"]: d for d in (last or {}).get("devices", [])}
        failing = [c for c in (last or {}).get("checks", []) if c["status"] == "fail"]
        devices = []
        for n in g.nodes:
            d = by_dev.get(n.name, {})
            fails = [f"{c['check']} {c['reason']}" + (f" (peer {c['peer']})" if c["peer"] != "-" else "")
                     for c in failing if c["device"] == n.name]
            devices.append({"name": n.name, "role": n.role, "platform": n.platform, "lans": n.lans, "state": n.state,
                            "remediation": d.get("remediation", ""), "failing": [self.mask(f) for f in fails],
                            "error": self.mask(d.get("error") or d.get("remediation_error") or "")[:300]})
        tunnels = []
        for e in g.edges:
            ends = {}
            for label, end in (("hub_end", e.hub_end), ("site_end", e.site_end)):
                ends[label] = {"device": end.device, "interface": end.interface, "address": end.address,
                               "status": end.status, "reasons": end.reasons}
            tunnels.append({"hub": e.hub, "site": e.site, "subnet": e.subnet, "mtu": e.mtu, "status": e.status,
                            "reasons": graph_mod.edge_reasons(e), **ends})
        data = {
            "generated": time.time(),
            "last_run": self._run(last) if last else None,
            "devices": devices,
            "tunnels": tunnels,
            "failing_checks": [{k: self.mask(c[k])[:300] for k in ("device", "peer", "check", "reason", "observed",
                                                                   "expected")} for c in failing],
            "history": [self._run(r) for r in reversed(runs)],
            "notes": notes,
        }
        return data, svg

    def _run(self, r: dict) -> dict:
        return {"id": r["id"], "started": r["started"], "when": _when(r["started"]), "seconds": round(r["seconds"], 1),
                "exit_code": r["exit_code"], "result": RESULT.get(r["exit_code"], "failure"),
                "error": self.mask(r["error"])[:300], "notes": [self.mask(n)[:300] for n in r["notes"]],
                "drifted": [d["device"] for d in r["devices"] if d["state"] == "drifted"
                            and d["remediation"] not in ("ok", "unchanged")],
                "unreachable": [d["device"] for d in r["devices"]
                                if d["state"] in ("unreachable", "failed", "skipped")],
                "failing": sum(1 for c in r["checks"] if c["status"] == "fail")}

    def html(self) -> str:
        data, svg = self.status()
        from markupsafe import Markup
        states = [d["state"] for d in data["devices"]]
        summary = (f"{len(states)} devices: {states.count('in-sync')} in sync, {states.count('drifted')} drifted, "
                   f"{sum(s in ('unreachable', 'failed', 'skipped') for s in states)} unreachable; "
                   f"{sum(t['status'] == 'fail' for t in data['tunnels'])} of {len(data['tunnels'])} tunnels failing")
        return _template().render(refresh=self.refresh, summary=summary, last=data["last_run"],
                                  generated=_when(data["generated"]), notes=data["notes"] + (
                                      data["last_run"]["notes"] if data["last_run"] else []),
                                  svg=Markup(svg), devices=data["devices"], tunnels=data["tunnels"],
                                  failing=data["failing_checks"], history=data["history"])


def _template():
    import jinja2
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    return env.get_template("status_page.j2")


def application(page: StatusPage, metrics_app) -> Callable:
    """The WSGI app: /metrics to Prometheus's app, /, /status.json and /graph.svg to the page."""
    def app(environ, start_response):
        path = environ.get("PATH_INFO") or "/"
        if path == "/metrics":
            return metrics_app(environ, start_response)
        if environ.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD"):
            start_response("405 Method Not Allowed", [("Allow", "GET, HEAD"), ("Content-Type", "text/plain")] + HEADERS)
            return [b"read-only\n"]
        routes = {"/": ("text/html; charset=utf-8", lambda: page.html().encode()),
                  "/index.html": ("text/html; charset=utf-8", lambda: page.html().encode()),
                  "/status.json": ("application/json", lambda: json.dumps(page.status()[0], indent=2).encode()),
                  "/graph.svg": ("image/svg+xml", lambda: page.status()[1].encode())}
        if path not in routes:
            start_response("404 Not Found", [("Content-Type", "text/plain")] + HEADERS)
            return [b"not found: try / /status.json /graph.svg /metrics\n"]
        kind, body = routes[path]
        try:
            data = body()
        except Exception as e:  # never a traceback or a raw exception text on the page
            start_response("500 Internal Server Error", [("Content-Type", "text/plain")] + HEADERS)
            return [f"status not available: {page.mask(e.__class__.__name__)}\n".encode()]
        start_response("200 OK", [("Content-Type", kind), ("Content-Length", str(len(data)))] + HEADERS)
        return [b"" if environ.get("REQUEST_METHOD") == "HEAD" else data]
    return app


class _Quiet(WSGIRequestHandler):
    def log_message(self, format, *args):  # the stdlib's signature
        pass


def serve(port: int, addr: str, registry, page: StatusPage):
    """Start the page and /metrics on a daemon thread bound to ``addr``; returns the server
    (``server_port``). An address that cannot be bound raises OSError."""
    from prometheus_client import make_wsgi_app
    family = socket.getaddrinfo(addr, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]

    class Server(ThreadingMixIn, WSGIServer):
        daemon_threads = True
        address_family = family[0]

    server = make_server(family[4][0], port, application(page, make_wsgi_app(registry)), Server, handler_class=_Quiet)
    threading.Thread(target=server.serve_forever, name="grectl-status", daemon=True).start()
    return server
