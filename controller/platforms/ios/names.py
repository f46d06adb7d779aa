"""Names: grectl's own IOS object names, and IOS interface names in full.

IOS accepts abbreviations (``Gi0/0``) but prints full names in its running config and in every
show command, so grectl renders and compares full names.

>>> canonical_ifname("Gi0/0"), canonical_ifname("gigabitethernet0/0/1"), canonical_ifname("Dialer1")
('GigabitEthernet0/0', 'GigabitEthernet0/0/1', 'Dialer1')
>>> canonical_ifname("Tu12"), canonical_ifname("Po1.100"), canonical_ifname("wan0")
('Tunnel12', 'Port-channel1.100', 'wan0')
>>> same_interface("Gi0/1", "GigabitEthernet0/1")
True
"""
from __future__ import annotations

import re

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


# IOS interface types, longest first; each with the shortest abbreviation IOS documents
_TYPES = [("TwentyFiveGigE", "Twe"), ("HundredGigE", "Hu"), ("FortyGigabitEthernet", "Fo"),
          ("TenGigabitEthernet", "Te"), ("GigabitEthernet", "Gi"), ("FastEthernet", "Fa"),
          ("Ethernet", "Et"), ("Port-channel", "Po"), ("Loopback", "Lo"), ("Tunnel", "Tu"),
          ("Dialer", "Di"), ("Serial", "Se"), ("Vlan", "Vl"), ("Virtual-Template", "Virtual-T"),
          ("Cellular", "Ce"), ("BDI", "BD")]
_IFNAME = re.compile(r"^([A-Za-z-]+)\s*(\d[\d/.:]*)$")


def canonical_ifname(name: str) -> str:
    m = _IFNAME.match(name.strip())
    if not m:
        return name
    word, num = m.group(1).lower(), m.group(2)
    for full, short in _TYPES:
        if full.lower().startswith(word) and word.startswith(short.lower()):
            return full + num
    return name


def same_interface(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and canonical_ifname(a) == canonical_ifname(b)
