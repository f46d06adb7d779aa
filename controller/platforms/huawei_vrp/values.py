"""How Huawei VRP reads the values grectl writes: the pre-shared key on the ``pre-shared-key``
line, interface names, numbers and their ranges, and the words of a rendered command line. Pure.

VRP's command line takes a value as one word ended by a space; ``?`` anywhere asks for help
(unless inside an odd number of ``"``), and ``"..."`` around a value is stripped. grectl writes no
quotes: a value VRP would read differently is refused.

>>> check_psk("correct-horse-battery-staple") is None
True
>>> check_psk("has a space in it-12345")
'holds a space (VRP ends the key at a space)'
>>> canonical_interface("GE0/0/1"), canonical_interface("tun0/0/13")
('GigabitEthernet0/0/1', 'Tunnel0/0/13')
>>> check_interface("Ethernetfoo") is not None
True
"""
from __future__ import annotations

import re

from .. import ranges

# ------------------------------------------------------------------ the pre-shared key

# Huawei AR500/AR510/AR530 V200R007 Command Reference, "pre-shared-key (IKE peer view)"
# (EDOC1000097293; also AR V200R010 EDOC1100207804 "IPSec Configuration Commands"): "a string of
# case-sensitive characters without spaces. A plaintext key contains 1 to 128 characters, and a
# ciphertext key contains 48 to 188 characters. If the character string is enclosed in double
# quotation marks, the character string can contain spaces"; "If the character string contains a
# question mark (?), there must be an odd number of double quotation marks before it. Otherwise,
# this question mark is used as a help character" and "the quotation marks are not considered as a
# part of the key".
PSK_MAX = 128
# The prefixes VRP writes its own ciphertext with (``%^%#...%^%#``, ``%@%@...%@%@``, older ``%$%$``,
# ``@%@%``): given after ``cipher``, a key shaped like one is taken as ciphertext, not as the key.
CIPHER_MARKS = ("%^%#", "%@%@", "%$%$", "@%@%", "%#%#")
# masking: VRP prints ``pre-shared-key cipher %^%#...%^%#`` (one word); an echoed command line
# carries the key as given (one word, as check_psk makes sure)
PSK_LINE = re.compile(r"(pre-shared-key(?:[ \t]+(?:cipher|simple))?[ \t]+)(\S+)")


def check_psk(key: str) -> str | None:
    """Why VRP would not store exactly ``key`` from ``pre-shared-key cipher <key>``, or None.
    Never quotes the key."""
    if not key:
        return "is empty"
    if len(key) > PSK_MAX:
        return f"is longer than {PSK_MAX} characters (VRP's plaintext pre-shared key)"
    for i, ch in enumerate(key, 1):
        if not ch.isprintable() or ch in "\t\r\n\x0b\x0c\x85\u2028\u2029":
            return f"holds a control or line-breaking character at position {i}"
        if not ch.isascii():
            return f"holds a non-ASCII character at position {i} (VRP takes ASCII keys)"
        if ch == " ":
            return "holds a space (VRP ends the key at a space)"
        if ch == "?":
            return "holds '?' (VRP's command line reads it as the help key)"
        if ch == '"':
            return "holds a double quote (VRP strips quotes around a key)"
    if key.startswith(CIPHER_MARKS):
        return "starts like a VRP ciphertext (VRP would take it as an encrypted key, not this key)"
    return None


def word(value) -> str:
    """One word of a rendered VRP command (the Jinja ``w`` filter): refused when VRP would read it
    differently (space, ``?``, ``"``, control or non-ASCII characters). The renderer's guard;
    ``validate`` refuses such values first.

    >>> word("grectl-osaka"), word(1400)
    ('grectl-osaka', '1400')
    """
    text = str(value)
    if not text or not re.fullmatch(r"[!#-~]+", text) or "?" in text or '"' in text:
        raise ValueError("a rendered VRP word may hold only printable ASCII, no space, '?' or '\"'")
    return text


DESCRIPTION_MAX = 242    # AR Command Reference "description (interface view)": 1 to 242 characters


def text(value) -> str:
    """The rest-of-line text of ``description`` (the Jinja ``d`` filter): printable ASCII, no ``?``.

    >>> text("grectl: osaka")
    'grectl: osaka'
    """
    t = str(value)
    if not t or len(t) > DESCRIPTION_MAX or not re.fullmatch(r"[ -~]+", t) or "?" in t or t != t.strip():
        raise ValueError("a rendered VRP description may hold only printable ASCII (no '?'), 1-242 characters")
    return t


# ------------------------------------------------------------------ interface names

# VRP's interface types as ``display interface brief`` prints them and the spellings it accepts
# (AR V200R010 Interface Management configuration guide, "Interface Types and Numbering": physical
# interfaces slot/card/port, logical interfaces a number; sub-interface ``<interface>.<n>``).
SLOTTED = ("Ethernet", "GigabitEthernet", "XGigabitEthernet", "25GE", "40GE", "100GE", "Cellular", "Serial",
           "Atm", "Pos", "Virtual-Ethernet", "MEth", "Tunnel")
NUMBERED = ("Eth-Trunk", "Vlanif", "Dialer", "LoopBack", "Virtual-Template", "Mp-group", "Bridge-if", "NULL")
SUBIF = ("Ethernet", "GigabitEthernet", "XGigabitEthernet", "25GE", "40GE", "100GE", "Eth-Trunk", "Virtual-Ethernet",
         "Serial", "Atm", "Pos")
# abbreviations VRP prints or accepts, mapped to the type (netutils' canonical_interface_name map,
# corrected for Huawei: XGE is XGigabitEthernet, LoopBack is spelled with a capital B)
ALIASES = {"ge": "GigabitEthernet", "gi": "GigabitEthernet", "gigabitethernet": "GigabitEthernet",
           "xge": "XGigabitEthernet", "xgigabitethernet": "XGigabitEthernet", "eth": "Ethernet",
           "ethernet": "Ethernet", "eth-trunk": "Eth-Trunk", "vlanif": "Vlanif", "dialer": "Dialer",
           "cellular": "Cellular", "loopback": "LoopBack", "tunnel": "Tunnel", "tun": "Tunnel",
           "serial": "Serial", "atm": "Atm", "pos": "Pos",
           "virtual-ethernet": "Virtual-Ethernet", "ve": "Virtual-Ethernet",
           "meth": "MEth", "virtual-template": "Virtual-Template", "mp-group": "Mp-group",
           "bridge-if": "Bridge-if", "null": "NULL", "25ge": "25GE", "40ge": "40GE", "100ge": "100GE"}
NAME_RE = re.compile(r"(?P<type>[A-Za-z0-9-]*?[A-Za-z-])\s?(?P<num>[0-9]+(?:/[0-9]+){0,2})"
                     r"(?::(?P<chan>[0-9]+))?(?:\.(?P<sub>[0-9]+))?")
# Interface names: huawei-pub-type ``if-name`` (Huawei NETCONF YANG), 1 to 63 characters.
IFNAME_MAX = 63
SUBIF_MAX = 4096          # AR "interface (sub-interface)": sub-interface number 1 to 4096
VLANIF_RANGE = (1, 4094)  # Vlanif = VLAN id


def _parse(name: str):
    if not isinstance(name, str) or not name or not name.isascii() or not name.isprintable():
        return None
    m = NAME_RE.fullmatch(name)
    if not m:
        return None
    kind = ALIASES.get(m.group("type").lower())
    return (kind, m) if kind else None


def check_interface(name: str) -> str | None:
    """Why ``name`` is not a VRP interface name, or None.

    >>> [check_interface(n) for n in ("GigabitEthernet0/0/1", "GE0/0/1", "Ethernet0/0/0", "Eth-Trunk1",
    ...                                "Vlanif10", "Dialer1", "Cellular0/0/0", "GigabitEthernet0/0/1.100")]
    [None, None, None, None, None, None, None, None]
    >>> check_interface("Vlanif0")
    'Vlanif takes 1-4094'
    """
    if isinstance(name, str) and len(name) > IFNAME_MAX:
        return f"is longer than {IFNAME_MAX} characters (VRP interface names)"
    parsed = _parse(name)
    if parsed is None:
        return ("is not a VRP interface name (GigabitEthernet0/0/1, GE0/0/1, Eth-Trunk1, Vlanif10, Dialer1, "
                "Cellular0/0/0, GigabitEthernet0/0/1.100, ...)")
    kind, m = parsed
    parts = m.group("num").split("/")
    if kind in SLOTTED and len(parts) != 3:
        return f"{kind} is numbered slot/card/port (e.g. {kind}0/0/1)"
    if kind in NUMBERED and len(parts) != 1:
        return f"{kind} is numbered by one number (e.g. {kind}1)"
    if m.group("chan") is not None and kind != "Serial":
        return f"{kind} has no channels (':')"
    if kind == "Vlanif" and not VLANIF_RANGE[0] <= int(parts[0]) <= VLANIF_RANGE[1]:
        return f"Vlanif takes {VLANIF_RANGE[0]}-{VLANIF_RANGE[1]}"
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
    """The spelling VRP prints in its configuration (``interface GigabitEthernet0/0/1``): full type
    name, no space, numbers without leading zeros. A name VRP does not have comes back as given.

    >>> canonical_interface("ge 0/0/01.100"), canonical_interface("Tunnel0/0/13")
    ('GigabitEthernet0/0/1.100', 'Tunnel0/0/13')
    """
    parsed = _parse(name)
    if parsed is None:
        return name
    return ranges.respelt(*parsed)


# ------------------------------------------------------------------ numbers

# Ranges VRP takes for the numbers grectl renders (Huawei AR V200R0xx Command Reference, command
# named in each row; AR500/510/530 V200R007 EDOC1000097293 and AR V200R010 EDOC1100207804).
# Rows marked [unverified] follow the AR reference as recalled, not a page retrieved here.
RANGES: dict[str, tuple[int, int, str]] = {
    # what              lo        hi           source
    "ike_lifetime":    (60, 604800, "sa duration (IKE proposal view)"),
    "ipsec_lifetime":  (30, 604800, "sa duration (IPSec profile view) time-based"),
    "tunnel_mtu":      (46, 9600, "mtu (tunnel interface view) [unverified]"),
    "adjust_mss":      (128, 1460, "tcp adjust-mss (AR interface view)"),
    "ospf_process":    (1, 65535, "ospf [process-id]"),
    "ospf_hello":      (1, 65535, "ospf timer hello"),
    "ospf_dead":       (1, 235926000, "ospf timer dead"),
    "gre_key":         (0, 4294967295, "gre key (tunnel interface view)"),
    "tunnel_number":   (0, 65535, "interface tunnel 0/0/N [unverified]"),
}


def out_of_range(what: str, value: int) -> str | None:
    """``takes lo-hi (source), not value`` or None.

    >>> out_of_range("adjust_mss", 8886)
    'takes 128-1460 (Huawei AR: tcp adjust-mss (AR interface view)), not 8886'
    """
    return ranges.out_of_range(RANGES, "Huawei AR", what, value)
