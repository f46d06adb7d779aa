"""Deploy planning for IOS: which part of a running config grectl owns, and the ordered commands
that take it to the intended, computed with hier_config (v3). Pure: text in, text out.

grectl owns, and only ever changes:
- the named objects ``crypto ikev2 proposal|policy|keyring|profile GRECTL...``,
  ``crypto ipsec transform-set|profile GRECTL...``, ``crypto map GRECTL <seq>``,
  ``ip access-list extended GRECTL-...``, ``crypto isakmp policy 10``;
- ``interface TunnelN`` carrying ``description grectl: <peer>``;
- ``router ospf <the intent's process>`` and ``ipv6 router ospf <the same process>`` (dual-stack,
  issue 22: owned even when not intended, so going back to IPv4 only removes it);
- ``ipv6 unicast-routing`` only while intended: added for a dual-stack router, never removed (the
  router may route IPv6 for other reasons);
- on any other interface, only the lines ``crypto map GRECTL``, ``ip access-group GRECTL-WAN-IN in``
  and ``ipv6 ospf <the process> area A`` (an IPv6 LAN, OSPFv3 being per interface);
- ``crypto isakmp key ... address A`` and ``crypto isakmp keepalive`` for the peers of its own objects.

Order of the commands: build (new objects first, then the sections that reference them, in the
order they render), then unhook (``no interface TunnelN``, interface lines that point at objects),
then teardown, objects after everything that referenced them (crypto map entries, ACLs, IPsec
profile, transform-set, IKEv2 profile, keyring, policy, proposal). Inside a section, additions come
before removals, so a policy never runs out of proposals.
"""
from __future__ import annotations

import re

from hier_config import HConfig, MatchRule, WorkflowRemediation, get_hconfig
from hier_config.models import IdempotentCommandsRule
from hier_config.platforms.cisco_ios.driver import (
    HConfigDriverCiscoIOS,
    _remove_ipv4_acl_remarks,
    _rm_ipv6_acl_sequence_numbers,
)

from . import names
from .secrets import mask

P = names.PREFIX
_OWNED_TOP = re.compile(rf"^(crypto ikev2 (proposal|policy|keyring|profile) {P}\b"
                        rf"|crypto ipsec (transform-set|profile) {P}\b"
                        rf"|crypto map {P} \d+|ip access-list extended {P}-"
                        rf"|crypto isakmp policy {names.ISAKMP_POLICY}$)")
_OWNED_IF_LINE = re.compile(rf"^(crypto map {P}$|ip access-group {P}-WAN-IN in$)")
_TUNNEL = re.compile(r"^interface Tunnel\d+$")
_ISAKMP_KEY = re.compile(r"^crypto isakmp key \S+(?: \S+)? address (\S+)")
_PER_SITE = re.compile(rf"^(interface Tunnel\d+|crypto map {P} \d+"
                       rf"|ip access-list extended {P}-GRE-\d+|crypto isakmp key .*)$")

# teardown rank of a removed object: what references others goes first
_TEARDOWN = [r"^(no )?interface (?!Tunnel)", rf"^no crypto map {P} ", rf"^no ip access-list extended {P}",
             rf"^(no )?crypto ipsec profile {P}", rf"^no crypto ipsec transform-set {P}",
             rf"^(no )?crypto ikev2 profile {P}",
             rf"^(no )?crypto ikev2 keyring {P}", rf"^(no )?crypto ikev2 policy {P}", rf"^no crypto ikev2 proposal {P}",
             r"^no crypto isakmp key ", r"^no crypto isakmp "]


def _idem(*rules: str | tuple) -> list[IdempotentCommandsRule]:
    out = []
    for r in rules:
        parts = r if isinstance(r, tuple) else (r,)
        out.append(IdempotentCommandsRule(match_rules=tuple(
            MatchRule(re_search=p) if p.startswith("^") else MatchRule(startswith=p) for p in parts)))
    return out


_IDEMPOTENT = _idem(
    ("interface ", "ip mtu "), ("interface ", "ip tcp adjust-mss "), ("interface ", "tunnel source "),
    ("interface ", "tunnel destination "), ("interface ", "tunnel key "),
    ("interface ", "tunnel protection "), ("interface ", "ip ospf hello-interval "),
    ("interface ", "ip ospf dead-interval "), ("interface ", "ip ospf network "),
    ("crypto ipsec profile ", "set transform-set "), ("crypto ipsec profile ", "set ikev2-profile "),
    ("crypto ipsec profile ", "set security-association lifetime seconds "),
    ("crypto map ", "set peer "), ("crypto map ", "set transform-set "), ("crypto map ", "set ikev2-profile "),
    ("crypto map ", "match address "), ("crypto map ", "description "),
    ("crypto map ", "set security-association lifetime seconds "),
    ("crypto ikev2 profile ", "identity local "), ("crypto ikev2 profile ", "keyring local "),
    ("crypto ikev2 profile ", "lifetime "), ("crypto ikev2 profile ", "dpd "),
    ("crypto ikev2 policy ", "match address local "),
    ("crypto ikev2 keyring ", "peer ", "address "), ("crypto ikev2 keyring ", "peer ", "pre-shared-key "),
    ("crypto isakmp policy ", "encr"), ("crypto isakmp policy ", "hash "), ("crypto isakmp policy ", "group "),
    ("crypto isakmp policy ", "lifetime "), ("router ospf ", "router-id "),
    ("interface ", "ipv6 mtu "), ("interface ", "ipv6 tcp adjust-mss "), ("interface ", "ipv6 ospf hello-interval "),
    ("interface ", "ipv6 ospf dead-interval "), ("interface ", "ipv6 ospf network "),
    ("interface ", r"^ipv6 ospf \d+ area "), ("interface ", r"^ipv6 address \S+ link-local$"),
    ("ipv6 router ospf ", "router-id "),
    r"^crypto isakmp key \S+(?: \S+)? address (\S+)", "crypto isakmp keepalive ")


class Driver(HConfigDriverCiscoIOS):
    """hier_config's IOS driver, with the rules grectl's objects need: single-valued lines are
    replaced, not negated then added (a ``no`` of them could drop a live SA), and ACL lines are
    compared as IOS prints them in the running config (no sequence numbers)."""

    @staticmethod
    def _instantiate_rules():
        rules = HConfigDriverCiscoIOS._instantiate_rules()
        return rules.model_copy(update={
            "post_load_callbacks": [_rm_ipv6_acl_sequence_numbers, _remove_ipv4_acl_remarks],
            "idempotent_commands": rules.idempotent_commands + _IDEMPOTENT})



def tree(text: str) -> HConfig:
    return get_hconfig(Driver(), text)


def text_of(config: HConfig) -> str:
    return "".join(" " * (c.depth() - 1) + c.text + "\n" for c in config.all_children_sorted())


# ---------------------------------------------------------------- ownership
def _ospf_owned(intended: HConfig):
    """(the owned top-level OSPF lines, whether a line of someone's interface is grectl's): the
    intent's ``router ospf N``, ``ipv6 router ospf N`` always (so it goes with the last IPv6 LAN),
    ``ipv6 unicast-routing`` only while intended; on interfaces, ``ipv6 ospf N area A`` too."""
    ospf = {c.text for c in intended.children if c.text.startswith("router ospf ")}
    procs = [t.split()[-1] for t in ospf]
    ospf |= {f"ipv6 {t}" for t in ospf} | {c.text for c in intended.children if c.text == "ipv6 unicast-routing"}
    lan6 = re.compile(rf"ipv6 ospf ({'|'.join(map(re.escape, procs)) or '-'}) area \S+")
    return ospf, lambda text: bool(_OWNED_IF_LINE.match(text) or lan6.fullmatch(text))


def owned(running: HConfig, intended: HConfig) -> HConfig:
    """The grectl-owned part of ``running`` (see the module doc)."""
    out = HConfig(running.driver)
    ospf, own_line = _ospf_owned(intended)

    wan = {c.text for c in intended.children if c.text.startswith("interface ") and not _TUNNEL.fullmatch(c.text)}
    peers = {m.group(1) for c in intended.children if (m := _ISAKMP_KEY.match(c.text))}
    keep = []
    for c in running.children:
        if _OWNED_TOP.match(c.text) or c.text in ospf:
            keep.append(c)
        elif _TUNNEL.fullmatch(c.text) and c.get_child(startswith=f"description {names.DESCRIPTION}") is not None:
            keep.append(c)
        elif c.text.startswith("interface ") and (c.text in wan or any(own_line(x.text) for x in c.children)):
            part = out.add_child(c.text)
            for x in c.children:
                if own_line(x.text):
                    part.add_deep_copy_of(x)
            continue
        else:
            continue
        for x in c.all_children():
            if x.text.startswith(("tunnel destination ", "set peer ")):
                peers.add(x.text.split()[-1])
    for c in keep:
        out.add_deep_copy_of(c)
    for c in running.children:
        m = _ISAKMP_KEY.match(c.text)
        if (m and m.group(1) in peers) or (c.text.startswith("crypto isakmp keepalive ")
                                           and running.get_child(equals=f"crypto isakmp policy {names.ISAKMP_POLICY}")):
            out.add_deep_copy_of(c)
    return out


def _scoped(running: HConfig, intended) -> HConfig:
    """For a site-scoped merge: of ``running``, only what ``intended`` also has, whole for the
    site's own objects and line by line inside shared ones (so no other site's line is removed)."""
    out = HConfig(running.driver) if isinstance(running, HConfig) else None

    def walk(src, dst_parent, want):
        for c in src.children:
            w = want.get_child(equals=c.text)
            if w is None:
                continue
            if _PER_SITE.fullmatch(c.text) or (c.depth() == 2 and c.text.startswith("peer ")):
                dst_parent.add_deep_copy_of(c)
            else:
                walk(c, dst_parent.add_child(c.text), w)
    walk(running, out, intended)
    return out


# ---------------------------------------------------------------- ordering
def _order(rem: HConfig) -> None:
    def all_negated(c) -> bool:
        return c.text.startswith("no ") or (bool(c.children) and all(all_negated(x) for x in c.children))

    for i, c in enumerate(rem.children):
        if c.text.startswith("no interface Tunnel"):
            c.order_weight = 100
        elif c.text.startswith("no ipv6 router ospf "):
            c.order_weight = 200 + len(_TEARDOWN) + 1  # last: after every interface's OSPFv3 line went
        elif all_negated(c) and not c.text.startswith("router ospf "):
            rank = next((k for k, p in enumerate(_TEARDOWN) if re.search(p, c.text)), len(_TEARDOWN))
            c.order_weight = 200 + rank
        for x in c.all_children():
            if x.text.startswith("no "):
                x.order_weight = 50


def remediation(running: str, intended: str, full: bool) -> list[str]:
    """Ordered IOS commands from the grectl-owned part of ``running`` to ``intended``. Keys in
    ``running`` are masked first, so a PSK compares by its fingerprint, never by its text."""
    want = tree(intended)
    have = owned(tree(mask(running)), want)
    for c in have.children:  # someone's interface: only grectl's lines on it go, never the interface
        if c.text.startswith("interface ") and not _TUNNEL.fullmatch(c.text) and want.get_child(equals=c.text) is None:
            want.add_child(c.text)
    if not full:
        have = _scoped(have, want)
    rem = WorkflowRemediation(have, want).remediation_config
    _order(rem)
    return text_of(rem).splitlines()


# ---------------------------------------------------------------- --site: keep one site as it runs
def _site_piece(c, t) -> bool:
    """Is this top-level line (or section) one tunnel's own piece on its hub?"""
    end = t.hub_end
    return c.text in (f"interface {end.interface}", f"crypto map {P} {end.number} ipsec-isakmp",
                      f"ip access-list extended {names.gre_acl(end.number)}") or \
        bool((m := _ISAKMP_KEY.match(c.text)) and m.group(1) == str(end.peer_wan))


def _site_line(parent: str, line: str, t) -> bool:
    end = t.hub_end
    peer = str(end.peer_wan)
    sub = str(t.subnet.network_address) + " " + str(t.subnet.hostmask) + " "
    return ((parent.startswith(f"crypto ikev2 keyring {P}") and line == f"peer {t.site}")
            or (parent.startswith(f"crypto ikev2 profile {P}")
                and line.startswith(f"match identity remote address {peer} "))
            or (parent.startswith(f"ip access-list extended {names.WAN_ACL}") and f"host {peer} " in line)
            or (parent.startswith("ipv6 router ospf ") and line == f"no passive-interface {end.interface}")
            or (parent.startswith("router ospf ") and (line == f"no passive-interface {end.interface}"
                                                       or line.startswith(f"network {sub}"))))


def keep_site(candidate: str, running: str, t) -> str:
    """``candidate`` (a hub's intended text) with tunnel ``t``'s hub pieces exactly as in ``running``
    (absent there: absent here)."""
    cand, run = tree(candidate), owned(tree(mask(running)), tree(candidate))
    for c in list(cand.children):
        if _site_piece(c, t):
            c.delete()
        else:
            for x in list(c.children):
                if _site_line(c.text, x.text, t):
                    x.delete()
    for c in run.children:
        if _site_piece(c, t):
            cand.add_deep_copy_of(c)
            continue
        for x in c.children:
            if _site_line(c.text, x.text, t):
                parent = cand.get_child(equals=c.text) or cand.add_child(c.text)
                parent.add_deep_copy_of(x)
    return "".join(" " * (c.depth() - 1) + c.text + "\n" for c in cand.all_children())
