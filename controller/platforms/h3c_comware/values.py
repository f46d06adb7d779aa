"""How H3C Comware 7 reads the values grectl writes: the pre-shared key on the ``pre-shared-key``
line, interface names, numbers and their ranges, and the words of a rendered command line. Pure.

Comware's command line ends a value at a space, takes ``?`` as the online-help key and strips
``"..."`` around a string (a quoted string may hold spaces) [unverified: Comware 7 Fundamentals
"Using the CLI" conventions, no page retrieved here]. grectl writes no quotes: a value Comware
would read differently is refused.

>>> check_psk("correct-horse-battery-staple") is None
True
>>> check_psk("has a space in it-12345")
'holds a space (Comware ends the key at a space)'
>>> canonical_interface("GE1/0/1"), canonical_interface("tun7")
('GigabitEthernet1/0/1', 'Tunnel7')
"""
from __future__ import annotations

import re

from .. import ranges

# ------------------------------------------------------------------ the pre-shared key

# IKEv2 keychain peer view, ``pre-shared-key plaintext <key>``: a case-sensitive plaintext string of
# 1 to 128 characters [unverified: the length is the Comware 7 IKE keychain ``pre-shared-key ... key
# simple`` limit as recalled; no page retrieved here]. Comware stores it as ``ciphertext $c$3$...``.
PSK_MAX = 128
# a key shaped like Comware's own ciphertext (``$c$...``) is refused: an engineer who pastes one
# meant the device's stored form, not the key
CIPHER_MARK = "$c$"
# masking: every form a key is printed in: ``pre-shared-key plaintext K`` (what grectl sends),
# ``pre-shared-key ciphertext $c$3$...`` (what the device prints), with optional local/remote, and
# the IKEv1 keychain form ``pre-shared-key address A M key {simple|cipher} K``. The keyword may
# already be a placeholder: VRP's mask (run before this one by ``mask_any``) takes the word after
# ``pre-shared-key`` for the key, so ``plaintext K`` reaches us as ``%{psk:...} K``.
PSK_LINE = re.compile(r"(pre-shared-key(?:[ \t]+(?:local|remote))?(?:[ \t]+address[ \t]+\S+(?:[ \t]+\S+)?"
                      r"[ \t]+key)?[ \t]+(?:plaintext|ciphertext|simple|cipher|%\{psk:[0-9a-f]{12}\})[ \t]+)(\S+)")


def check_psk(key: str) -> str | None:
    """Why Comware would not store exactly ``key`` from ``pre-shared-key plaintext <key>``, or None.
    Never quotes the key."""
    if not isinstance(key, str) or not key:
        return "is empty"
    if len(key) > PSK_MAX:
        return f"is longer than {PSK_MAX} characters (Comware's plaintext pre-shared key)"
    for i, ch in enumerate(key, 1):
        if not ch.isprintable() or ch in "\t\r\n\x0b\x0c\x85\u2028\u2029":
            return f"holds a control or line-breaking character at position {i}"
        if not ch.isascii():
            return f"holds a non-ASCII character at position {i} (Comware takes ASCII keys)"
        if ch == " ":
            return "holds a space (Comware ends the key at a space)"
        if ch == "?":
            return "holds '?' (Comware's command line reads it as the help key)"
        if ch == '"':
            return "holds a double quote (Comware strips quotes around a string)"
    if key.startswith(CIPHER_MARK):
        return "starts like a Comware ciphertext ('$c$'): give the key itself"
    return None


def word(value) -> str:
    """One word of a rendered Comware command (the Jinja ``w`` filter): refused when Comware would
    read it differently (space, ``?``, ``"``, control or non-ASCII). The renderer's guard; ``validate``
    refuses such values first.

    >>> word("grectl-osaka"), word(1400)
    ('grectl-osaka', '1400')
    """
    text = str(value)
    if not text or not re.fullmatch(r"[!#-~]+", text) or "?" in text or '"' in text:
        raise ValueError("a rendered Comware word may hold only printable ASCII, no space, '?' or '\"'")
    return text


DESCRIPTION_MAX = 255   # interface ``description text``: 1 to 255 characters [unverified]


def text(value) -> str:
    """The rest-of-line text of ``description`` (the Jinja ``d`` filter): printable ASCII, no ``?``.

    >>> text("grectl: osaka")
    'grectl: osaka'
    """
    t = str(value)
    if not t or len(t) > DESCRIPTION_MAX or not re.fullmatch(r"[ -~]+", t) or "?" in t or t != t.strip():
        raise ValueError("a rendered Comware description may hold only printable ASCII (no '?'), 1-255 characters")
    return t


# ------------------------------------------------------------------ names of grectl's objects

# IKEv2 keychain/profile/policy/proposal, IPsec transform set, policy and ACL names: 1 to 63
# case-insensitive characters [unverified: Comware 7 Security Command Reference as recalled].
NAME_MAX = 63


def check_name(name: str) -> str | None:
    """Why ``name`` cannot name a grectl object on Comware, or None.

    >>> check_name("grectl-osaka") is None, check_name("grectl-" + "x" * 60) is not None
    (True, True)
    """
    if not name or len(name) > NAME_MAX:
        return f"is not 1-{NAME_MAX} characters (Comware object names)"
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
        return "holds a character Comware object names do not take here"
    return None


# ------------------------------------------------------------------ interface names

# Comware 7 interface types as ``display interface brief`` prints them (the recorded hp_comware
# captures: GigabitEthernet1/0/1, Ten-GigabitEthernet1/0/49, Vlan-interface1, LoopBack0, NULL0,
# Route-Aggregation1, M-GigabitEthernet0/0/0, IRF member GigabitEthernet1/1/0/31) and the
# abbreviations it accepts.
SLOTTED = ("GigabitEthernet", "Ten-GigabitEthernet", "FortyGigE", "HundredGigE", "M-GigabitEthernet",
           "Ethernet", "Serial", "Cellular", "Pos")
NUMBERED = ("Vlan-interface", "LoopBack", "Dialer", "Route-Aggregation", "Tunnel", "NULL", "Virtual-Template")
SUBIF = ("GigabitEthernet", "Ten-GigabitEthernet", "FortyGigE", "HundredGigE", "Ethernet", "Route-Aggregation")
ALIASES = {"ge": "GigabitEthernet", "gigabitethernet": "GigabitEthernet", "xge": "Ten-GigabitEthernet",
           "ten-gigabitethernet": "Ten-GigabitEthernet", "fge": "FortyGigE", "fortygige": "FortyGigE",
           "hge": "HundredGigE", "hundredgige": "HundredGigE", "mge": "M-GigabitEthernet",
           "m-gigabitethernet": "M-GigabitEthernet", "eth": "Ethernet", "ethernet": "Ethernet",
           "s": "Serial", "serial": "Serial", "cellular": "Cellular", "pos": "Pos",
           "vlan-interface": "Vlan-interface", "vlan": "Vlan-interface", "loop": "LoopBack", "loopback": "LoopBack",
           "dia": "Dialer", "dialer": "Dialer", "ragg": "Route-Aggregation", "route-aggregation": "Route-Aggregation",
           "tun": "Tunnel", "tunnel": "Tunnel", "null": "NULL", "vt": "Virtual-Template",
           "virtual-template": "Virtual-Template"}
NAME_RE = re.compile(r"(?P<type>[A-Za-z][A-Za-z-]*?)\s?(?P<num>[0-9]+(?:/[0-9]+){0,3})(?::(?P<chan>[0-9]+))?"
                     r"(?:\.(?P<sub>[0-9]+))?")
IFNAME_MAX = 63
SUBIF_MAX = 4094           # sub-interface number [unverified]
VLANIF_RANGE = (1, 4094)   # Vlan-interface = VLAN id


def _parse(name):
    if not isinstance(name, str) or not name or not name.isascii() or not name.isprintable():
        return None
    m = NAME_RE.fullmatch(name)
    if not m:
        return None
    kind = ALIASES.get(m.group("type").lower())
    return (kind, m) if kind else None


def check_interface(name: str) -> str | None:
    """Why ``name`` is not a Comware interface name, or None.

    >>> [check_interface(n) for n in ("GigabitEthernet1/0/1", "GE0/0", "Dialer1", "Vlan-interface10",
    ...                                "Route-Aggregation1.20", "Cellular0/0")]
    [None, None, None, None, None, None]
    >>> check_interface("Vlan-interface0")
    'Vlan-interface takes 1-4094'
    """
    if isinstance(name, str) and len(name) > IFNAME_MAX:
        return f"is longer than {IFNAME_MAX} characters (Comware interface names)"
    parsed = _parse(name)
    if parsed is None:
        return ("is not a Comware interface name (GigabitEthernet1/0/1, GE0/0, Dialer1, Vlan-interface10, "
                "Route-Aggregation1, Cellular0/0, GigabitEthernet1/0/1.100, ...)")
    kind, m = parsed
    parts = m.group("num").split("/")
    if kind in SLOTTED and len(parts) not in (2, 3, 4):   # 4: an IRF member first (GigabitEthernet1/1/0/31)
        return f"{kind} is numbered slot/port or slot/card/port (e.g. {kind}1/0/1)"
    if kind in NUMBERED and len(parts) != 1:
        return f"{kind} is numbered by one number (e.g. {kind}1)"
    if m.group("chan") is not None and kind != "Serial":
        return f"{kind} has no channels (':')"
    if kind == "Vlan-interface" and not VLANIF_RANGE[0] <= int(parts[0]) <= VLANIF_RANGE[1]:
        return f"Vlan-interface takes {VLANIF_RANGE[0]}-{VLANIF_RANGE[1]}"
    if kind == "NULL" and parts != ["0"]:
        return "the only NULL interface is NULL0"
    sub = m.group("sub")
    if sub is not None:
        if kind not in SUBIF:
            return f"{kind} has no sub-interfaces"
        if not 1 <= int(sub) <= SUBIF_MAX:
            return f"sub-interface number {int(sub)} is not in 1-{SUBIF_MAX}"
    return None


def canonical_interface(name: str) -> str:
    """The spelling Comware prints in its configuration: full type, no space, no leading zeros.

    >>> canonical_interface("ge 1/0/01.100")
    'GigabitEthernet1/0/1.100'
    """
    parsed = _parse(name)
    if parsed is None:
        return name
    return ranges.respelt(*parsed)


# ------------------------------------------------------------------ numbers

# Ranges Comware 7 takes for the numbers grectl renders. Rows marked [unverified] follow Comware 7
# command references as recalled, not a page retrieved here; the conservative bound is used.
RANGES: dict[str, tuple[int, int, str]] = {
    "ike_lifetime":    (120, 86400, "ikev2 profile sa duration [unverified]"),
    "dpd_interval":    (10, 3600, "dpd interval (IKEv2 profile view), HPE 12900E Comware 7 Security Command "
                                  "Reference; the MSR range [unverified]"),
    "ipsec_lifetime":  (180, 604800, "ipsec policy sa duration time-based [unverified]"),
    "tunnel_mtu":      (100, 64000, "mtu (tunnel interface view) [unverified]"),
    "adjust_mss":      (128, 2048, "tcp mss (interface view), HP MSR2000/3000/4000 Layer 3 CR"),
    "ospf_process":    (1, 65535, "ospf [process-id] [unverified]"),
    "ospf_hello":      (1, 65535, "ospf timer hello, 3Com/H3C MSR OSPF CR"),
    "ospf_dead":       (1, 2147483647, "ospf timer dead [unverified]"),
    "gre_key":         (0, 4294967295, "gre key (tunnel interface view) [unverified]"),
    "tunnel_number":   (0, 1023, "interface tunnel N mode gre [unverified: conservative bound]"),
    "policy_seq":      (1, 65535, "ipsec policy NAME SEQ isakmp [unverified]"),
    "ipv6_mtu":        (1280, 10240, "ipv6 mtu (interface view), HP MSR Layer 3 - IP Services CR (V7)"),
    "ospf_cost":       (1, 65535, "ospf cost / ospfv3 cost (interface view), HPE 3600 v2 / HP 6125G "
                              "Comware OSPF guides"),
}


def out_of_range(what: str, value: int) -> str | None:
    """``takes lo-hi (source), not value`` or None.

    >>> out_of_range("adjust_mss", 8886)
    'takes 128-2048 (H3C Comware: tcp mss (interface view), HP MSR2000/3000/4000 Layer 3 CR), not 8886'
    """
    return ranges.out_of_range(RANGES, "H3C Comware", what, value)


def tunnel_slot(number: int, kind: str) -> int:
    """The N of ``interface Tunnel<N>`` for one tunnel end of ``kind`` (issue 23; the kinds of
    ``platforms.base.interface_number``). A site-id tunnel (``primary``: a site's to its primary hub,
    a hub's to any site) is numbered by the site id, as before; a dual-homed site's tunnel to its
    backup hub (``backup``) takes the top number (a site has two tunnels); a hub-to-hub tunnel
    (``hubs``) counts down from one below it by its pair slot, so neither moves a site's tunnel.
    ``range_problems`` refuses a site id that meets one of them on the same router.

    >>> [tunnel_slot(3, "primary"), tunnel_slot(3, "backup"), tunnel_slot(1, "hubs")]
    [3, 1023, 1022]
    """
    top = RANGES["tunnel_number"][1]
    if kind == "hubs":
        return top - number
    if kind == "backup":
        return top
    return number


def interface_number(interface: str) -> int:
    """``Tunnel12`` -> 12."""
    return int(interface.removeprefix("Tunnel"))
