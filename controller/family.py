"""Address families: what the overlay carries besides IPv4 (issue 22's seam).

A LAN prefix, a tunnel and a device each have a family set; models, allocation, platforms and
verify ask here rather than testing versions in place.
"""
from __future__ import annotations

from ipaddress import IPv6Network

FAMILIES = ("ipv4", "ipv6")

# IPv6 ranges nothing may use as a LAN or tunnel prefix. Documentation (2001:db8::/32) is allowed: the
# examples use it. Unique-local (fc00::/7) and global unicast are the usable ones.
UNUSABLE6: tuple[tuple[IPv6Network, str], ...] = (
    (IPv6Network("::/128"), "unspecified"),
    (IPv6Network("::1/128"), "loopback"),
    (IPv6Network("::ffff:0:0/96"), "IPv4-mapped"),
    (IPv6Network("fe80::/10"), "link-local"),
    (IPv6Network("ff00::/8"), "multicast"),
)


def unusable6(net: IPv6Network) -> str | None:
    """Why this IPv6 prefix cannot be a LAN or tunnel prefix, or None.

    >>> unusable6(IPv6Network("ff02::/16"))
    'unusable: multicast (ff00::/8)'
    >>> unusable6(IPv6Network("::/0"))
    'unusable: overlaps unspecified (::/128)'
    >>> unusable6(IPv6Network("2001:db8:1::/64")) is None
    True
    """
    for bad, what in UNUSABLE6:
        if net.overlaps(bad):
            return f"unusable: {'' if net.subnet_of(bad) else 'overlaps '}{what} ({bad})"
    return None


def family_of(v) -> str:
    """The address family a LAN prefix is written in: text with a colon is IPv6."""
    return "ipv6" if isinstance(v, IPv6Network) or (isinstance(v, str) and ":" in v) else "ipv4"
