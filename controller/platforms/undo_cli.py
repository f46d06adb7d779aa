"""What the `undo`-style CLIs (Huawei VRP, H3C Comware) share, pure: the change as diff lines, and
which peers a change renegotiates from each platform's own reading of a peer's parameters."""
from __future__ import annotations

import ipaddress
from typing import Callable

from netutils.ip import is_ip


def diff(cmds: list[str]) -> str:
    """The change as diff lines: ``undo X`` is ``-X``, a line inside a view ``+``, a view header
    context. Counted, not simulated: the views are not modelled here.

    >>> print(diff(["interface Tunnel1", " mtu 1400", " undo description", " quit", "undo ospf 1"]))
     interface Tunnel1
    + mtu 1400
    - description
    -ospf 1
    """
    out = []
    for c in cmds:
        s = c.strip()
        if s in ("quit", "return", "#"):
            continue
        if s.startswith("undo "):
            out.append("-" + c.replace("undo ", "", 1))
        elif c[:1].isspace():
            out.append("+" + c)
        else:
            out.append(" " + c)
    return "\n".join(out)


def renegotiated(peers: Callable[[str], dict[str, tuple[str, frozenset]]], before: str, after: str) -> list[str]:
    """Remote addresses (as they run before) of the peers in both whose parameters differ;
    ``peers`` reads a config into ``{name: (remote address, signature)}``."""
    b, a = peers(before), peers(after)
    found = {b[n][0] for n in b if n in a and b[n][1] != a[n][1] and is_ip(b[n][0])}
    return sorted(found, key=ipaddress.ip_address)
