"""Which parts of a hub's Linux config belong to one site's tunnel. Pure.

Used to keep a failed or out-of-scope site's hub side exactly as it runs.
"""
from __future__ import annotations

from controller.platforms.linux.router import linuxconf

from ...models import Tunnel


def _is_site_line(line: str, tunnel: Tunnel) -> bool:
    return line.startswith(f"network {tunnel.subnet} ")


def with_site_from(doc: linuxconf.Doc, source: linuxconf.Doc, tunnel: Tunnel) -> linuxconf.Doc:
    """``doc`` with the hub pieces of ``tunnel`` taken from ``source`` (absent there: absent here)."""
    ifname, conn, secret = tunnel.hub_end.interface, tunnel.site, f"ike-{tunnel.site}"
    out = linuxconf.Doc(tunnels=dict(doc.tunnels), connections=dict(doc.connections),
                        secrets=dict(doc.secrets), frr=[(h, list(b)) for h, b in doc.frr])
    for table, key, src in ((out.tunnels, ifname, source.tunnels), (out.connections, conn, source.connections),
                            (out.secrets, secret, source.secrets)):
        table.pop(key, None)
        if key in src:
            table[key] = src[key]
    src_frr = dict(source.frr)
    header = f"interface {ifname}"
    out.frr = [(h, b) for h, b in out.frr if h != header]
    if header in src_frr:
        out.frr.append((header, list(src_frr[header])))
    src_lines = [ln for ln in src_frr.get("router ospf", []) if _is_site_line(ln, tunnel)]
    for i, (h, b) in enumerate(out.frr):
        if h == "router ospf":
            out.frr[i] = (h, [ln for ln in b if not _is_site_line(ln, tunnel)] + src_lines)
    return out
