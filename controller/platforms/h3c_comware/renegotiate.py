"""Which Comware IKEv2 peers a change re-negotiates, and the user-view commands that reset their
SAs (the same contract as ``huawei_vrp.renegotiate``). Pure: grectl's part of
``display current-configuration`` (keys as placeholders) and the remediation lines in, remote
addresses and steps out.

A peer (``ikev2 profile grectl-X``) negotiates: its profile block (identities, lifetime; not DPD,
which nothing negotiates: a DPD change resets nothing, as on every platform),
the ``ikev2 keychain`` it names, every ``ikev2 policy``/``ikev2 proposal`` grectl owns (one
proposal for all), the ``ipsec policy`` entries bound to the profile (lifetime), the
``ipsec transform-set`` and the ``acl advanced name`` (the traffic selectors) they name, and the
GRE ends of the tunnel towards the peer. Comware prints a key only as ciphertext: a key change
alone resets nothing (as on VRP). New and removed peers are not reset.

>>> run = "ikev2 profile grectl-a\\n match remote identity address 192.0.2.1 32\\n sa duration 86400\\n#"
>>> renegotiated(run, apply(run, ["ikev2 profile grectl-a", " sa duration 3600", "quit"]))
['192.0.2.1']
>>> [s.send for s in reset_steps(['192.0.2.1'])]
['reset ipsec sa remote 192.0.2.1', 'reset ikev2 sa remote 192.0.2.1']
"""
from __future__ import annotations

from netutils.ip import is_ip

from .. import undo_cli
from ..steps import Step
from .remediation import Node, _head, _key, tree

TUNNEL_ENDS = ("source", "destination")



def _find(nodes: list[Node], s: str, top: bool) -> Node | None:
    same = (lambda n: _head(n.line) == _head(s)) if top else (lambda n: n.line == s)
    hit = next((n for n in nodes if same(n)), None)
    if hit is None and not top and _key(s):
        hit = next((n for n in nodes if _key(n.line) == _key(s)), None)
        if hit is not None:
            hit.line = s          # a line with the same key replaces the value
    return hit


def _gone(nodes: list[Node], what: str) -> list[Node]:
    return [n for n in nodes if not (n.line == what or _key(n.line) == what or n.line.startswith(what + " "))]


def apply(running: str, cmds: list[str]) -> str:
    """``running`` after the remediation ``cmds``, as Comware applies them: the indentation is the
    view, ``undo X`` drops the block or line X (or the one keyed X), a line enters (or creates)
    its view or replaces the line with its key. ``ospf`` is left as it runs."""
    root = Node("", tree(running))
    stack = [root]
    for c in cmds:
        s, depth = c.strip(), len(c) - len(c.lstrip(" "))
        if s in ("quit", "return", "#") or depth >= len(stack):
            continue
        parent = stack[depth]
        del stack[depth + 1:]
        if s.startswith("undo "):
            parent.children[:] = _gone(parent.children, s[5:])
            continue
        node = _find(parent.children, s, depth == 0)
        if node is None:
            node = Node(s)
            parent.children.append(node)
        stack.append(node)
    return "".join(_text(n, "") for n in root.children if not n.line.startswith("ospf "))


def _text(n: Node, indent: str) -> str:
    return f"{indent}{n.line}\n" + "".join(_text(c, indent + " ") for c in n.children) + ("#\n" if not indent else "")


def _paths(n: Node, pre: str = "") -> set[str]:
    here = f"{pre}/{n.line}" if pre else n.line
    return {here}.union(*(_paths(c, here) for c in n.children))


def _child(n: Node | None, key: str) -> str | None:
    if n is None:
        return None
    return next((c.line[len(key):].strip() for c in n.children if c.line.startswith(key + " ")), None)


def peers(text: str) -> dict[str, tuple[str, frozenset]]:
    """{ikev2 profile name: (remote address, what it negotiates)} of grectl's peers in ``text``."""
    nodes = tree(text)
    by = {n.line: n for n in nodes}
    shared = ("ikev2 policy grectl", "ikev2 proposal grectl")
    common = set().union(*(_paths(n) for n in nodes if n.line.startswith(shared)))
    out = {}
    for n in nodes:
        if not n.line.startswith("ikev2 profile grectl-"):
            continue
        name = n.line.split()[2]
        ident = (_child(n, "match remote identity address") or "").split()
        addr = ident[0] if ident else ""
        sig = {p for p in _paths(n) if not p.split("/")[-1].startswith("dpd ")}     # DPD: nothing negotiates it
        sig |= common | _paths(by.get(f"ikev2 keychain {_child(n, 'keychain')}", Node("")))
        for p in nodes:
            if p.line.startswith("ipsec policy grectl ") and _child(p, "ikev2-profile") == name:
                sig |= _paths(p) | _paths(by.get(f"ipsec transform-set {_child(p, 'transform-set')}", Node("")))
                sig |= _paths(by.get(f"acl advanced name {_child(p, 'security acl name')}", Node("")))
            if p.line.startswith("interface Tunnel") and addr and _child(p, "destination") == addr:
                sig |= {f"tunnel/{c.line}" for c in p.children if _key(c.line) in TUNNEL_ENDS}
        out[name] = (addr, frozenset(sig))
    return out


def renegotiated(before: str, after: str) -> list[str]:
    """Remote addresses (as they run before) of the peers in both whose parameters differ."""
    return undo_cli.renegotiated(peers, before, after)


def reset_steps(addresses: list[str]) -> list[Step]:
    """User view, per peer: ``reset ipsec sa remote A`` (H3C MSR Comware 7 Security Command Reference,
    https://www.manualslib.com/manual/1376858/H3c-Msr-Series.html?page=579: "remote: Clears IPsec SAs
    for the specified remote address", user view) then ``reset ikev2 sa remote A`` [unverified: the
    IKEv2 reset's ``remote`` form as recalled from the same reference, no page retrieved here]. A
    refused reset is reported by the driver, never fails the commit."""
    out = []
    for a in addresses:
        if is_ip(a):   # only an address parsed as one reaches the command line
            out += [Step(f"reset ipsec sa remote {a}"), Step(f"reset ikev2 sa remote {a}")]
    return out
