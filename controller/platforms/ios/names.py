"""Names: grectl's own IOS object names, and IOS interface names in full.

IOS accepts abbreviations (``Gi0/0``) but prints full names in its running config and in every
show command, so grectl renders and compares full names.

>>> canonical_ifname("Gi0/0"), canonical_ifname("gigabitethernet0/0/1"), canonical_ifname("Dialer1")
('GigabitEthernet0/0', 'GigabitEthernet0/0/1', 'Dialer1')
>>> canonical_ifname("Tu12"), canonical_ifname("Po1.100"), canonical_ifname("wan0")
('Tunnel12', 'Port-channel1.100', 'wan0')
>>> same_interface("Gi0/1", "GigabitEthernet0/1")
True
>>> check_interface("Ethernetfoo")
'is not an IOS interface name (an interface type and its number, e.g. GigabitEthernet0/0/1, Gi0/0, Dialer1)'
>>> check_interface("Gi0/0") is None, check_interface("TenGigabitEthernet1/0/1.100") is None
(True, True)
"""
from __future__ import annotations

import re

from netutils.interface import canonical_interface_name

PREFIX = "GRECTL"          # every named object grectl owns starts with this
IKEV2 = PREFIX             # ikev2 policy, keyring, profile; ipsec profile; crypto map
WAN_ACL = f"{PREFIX}-WAN-IN"
ISAKMP_POLICY = 10         # IKEv1 policy priority grectl owns
DESCRIPTION = "grectl:"    # marks the tunnel interfaces grectl owns


def proposal_name(proposal: str) -> str:
    """Named after the content, so a changed proposal is a new object the references move to."""
    return f"{PREFIX}-{proposal.upper()}"


def transform_set_name(transform: str) -> str:
    return f"{PREFIX}-{transform.upper()}"


def gre_acl(number: int) -> str:
    return f"{PREFIX}-GRE-{number}"


# ---------------------------------------------------------------- interface names
#
# IOS's parser reads an interface type as any case-insensitive prefix of its keyword that is long
# enough to be unambiguous (`interface gi0/0`, `interface Gig0/0`), then the number with no space
# needed. The types and their number grammars are the list names under /native/interface of
# Cisco's IOS-XE 17.12.1 native YANG (Cisco-IOS-XE-interfaces.yang: e.g. `list GigabitEthernet`
# with key pattern '(0|[1-9][0-9]*)(/(0|[1-9][0-9]*))*(\.[0-9]*)?', `list Dialer` range 0..255,
# `list Vlan` range 1..4094, `list Port-channel` range 1..512, `list Tunnel` uint32 (the CLI takes
# 0..2147483647, Cisco IOS Interface and Hardware Component Command Reference, "interface tunnel"));
# the shortest abbreviation of each is the one IOS prints in short forms (`show ip interface brief`,
# `show interfaces description`). Only types a WAN or tunnel can be on are listed.
# Length: Cisco documents no separate limit on an interface name; the grammar bounds it (the longest
# type word, at most four slash-separated numbers of at most ten digits, a channel and a
# subinterface), well under the 64 characters of ``Capabilities.ifname_max``.
_SLOTS = r"(?:0|[1-9][0-9]{0,9})(?:/(?:0|[1-9][0-9]{0,9})){0,3}"
_SUB = r"(?:\.[1-9][0-9]{0,9})?"
_ETH = _SLOTS + _SUB
_ONE = r"(?:0|[1-9][0-9]{0,9})"
# full type name, shortest abbreviation IOS takes, number grammar, number range (or None)
_TYPES: tuple[tuple[str, str, str, tuple[int, int] | None], ...] = (
    ("GigabitEthernet", "Gi", _ETH, None),
    ("TenGigabitEthernet", "Te", _ETH, None),
    ("TwoGigabitEthernet", "Tw", _ETH, None),
    ("FiveGigabitEthernet", "Fi", _ETH, None),
    ("TwentyFiveGigE", "Twe", _ETH, None),
    ("FortyGigabitEthernet", "Fo", _ETH, None),
    ("FiftyGigabitEthernet", "Fif", _ETH, None),
    ("HundredGigE", "Hu", _ETH, None),
    ("TwoHundredGigE", "TwoH", _ETH, None),
    ("FourHundredGigE", "Fou", _ETH, None),
    ("AppGigabitEthernet", "Ap", _ETH, None),
    ("FastEthernet", "Fa", _ETH, None),
    ("Ethernet", "Et", _ETH, None),
    ("Port-channel", "Po", _ONE + _SUB, (1, 512)),
    ("Dialer", "Di", _ONE, (0, 255)),
    ("Cellular", "Ce", _SLOTS, None),
    ("Vlan", "Vl", _ONE, (1, 4094)),
    ("Serial", "Se", _SLOTS + r"(?::(?:0|[1-9][0-9]{0,2}))?" + _SUB, None),
    ("Multilink", "Mu", _ONE, (1, 2147483647)),
    ("Virtual-PPP", "Virtual-P", _ONE, (1, 2147483647)),
    ("BDI", "BD", _ONE, (1, 16000)),
    ("Loopback", "Lo", _ONE, (0, 2147483647)),
    ("Tunnel", "Tu", _ONE, (0, 2147483647)),
)
# netutils' spellings of the same types, where they differ from what IOS prints
_NETUTILS_ALIAS = {"HundredGigabitEthernet": "HundredGigE", "VLAN": "Vlan",
                   "TwentyFiveGigabitEthernet": "TwentyFiveGigE"}
_NAME = re.compile(r"([A-Za-z][A-Za-z-]*)([0-9][0-9/.:]*)")
_EXAMPLES = "e.g. GigabitEthernet0/0/1, Gi0/0, Dialer1"


def _split(name: str) -> tuple[str, str, tuple] | None:
    """(full type, number, row) of an IOS interface name as the IOS parser reads it, or None."""
    m = _NAME.fullmatch(name) if name.isascii() else None
    if not m:
        return None
    word, number = m.group(1).lower(), m.group(2)
    rows = [r for r in _TYPES if r[0].lower().startswith(word) and word.startswith(r[1].lower())]
    if len(rows) != 1:
        return None
    return rows[0][0], number, rows[0]


def check_interface(name: str) -> str | None:
    """Why ``name`` is not an interface name IOS has (full or abbreviated), or None. Never more
    than a name: IOS reads it as one word, so anything else (spaces, quotes, line breaks) is refused.

    >>> [check_interface(n) is None for n in ("Dialer1", "GigabitEthernet1", "Cellular0/1/0", "Vlan10")]
    [True, True, True, True]
    >>> check_interface("Gi")
    'is not an IOS interface name (an interface type and its number, e.g. GigabitEthernet0/0/1, Gi0/0, Dialer1)'
    >>> check_interface("Dialer256")
    'is not an IOS interface name: Dialer numbers are 0..255'
    """
    if not isinstance(name, str) or not name:
        return "is empty: not an IOS interface name"
    split = _split(name)
    if split is None:
        return f"is not an IOS interface name (an interface type and its number, {_EXAMPLES})"
    full, number, (_, _, grammar, bounds) = split
    if not re.fullmatch(grammar, number):
        return f"is not an IOS interface name: {number!r} is not a {full} number ({_EXAMPLES})"
    if bounds is not None:
        lo, hi = bounds
        n = int(number.split(".")[0])
        if not lo <= n <= hi:
            return f"is not an IOS interface name: {full} numbers are {lo}..{hi}"
    canonical = full + number
    try:  # netutils (Network to Code) knows most Cisco types: where it does, it must agree
        theirs = canonical_interface_name(name, verify=True)
    except ValueError:
        theirs = None
    if theirs is not None:
        m = _NAME.fullmatch(theirs)
        kind = _NETUTILS_ALIAS.get(m.group(1), m.group(1)) if m else None
        if m and kind != full:
            return f"is ambiguous: IOS reads it as {canonical}, other tools as {theirs}"
    return None


def canonical_ifname(name: str) -> str:
    """The full name IOS prints for ``name``; a name that is no IOS interface comes back as it is."""
    split = _split(name)
    return split[0] + split[1] if split else name


def same_interface(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and canonical_ifname(a) == canonical_ifname(b)
