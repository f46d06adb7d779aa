"""The value types of the intent: names, tokens, addresses and LANs, each checked whole.

``controller.models`` builds the intent's models from these and re-exports them.
"""
from __future__ import annotations

import re
from ipaddress import IPv4Address, IPv4Interface, IPv4Network, IPv6Network
from typing import Annotated, Union

from pydantic import BeforeValidator, Discriminator, Field, Tag

from .family import family_of

# Every pattern matches the whole value. Python's ``re`` uses ``fullmatch`` (its ``$`` also matches
# before a final newline); ``Field(pattern=...)`` runs pydantic-core's Rust regex, where ``$`` is the
# end of the text only (tests/unit/test_safe_core_names.py pins both).
NAME_RE = r"^[a-z][a-z0-9-]{0,14}$"  # lower case, digits, dashes; derived interface names are checked too
TOKEN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.,:+/-]*")  # free-text values that reach configs (fullmatch)
TOKEN_MAX = 256
# A WAN interface as the engineer writes it, on any platform: ASCII letters, digits and _ . : / + @ -
# (no whitespace, quotes, control characters), at most 64 characters. Each platform then checks the
# names it really has (``Platform.check_interface``: Linux keeps its 15 bytes).
IFACE_RE = r"^[A-Za-z][A-Za-z0-9_.:/+@-]{0,63}$"
IFACE_MAX = 64


def is_name(v) -> bool:
    r"""A hub or site name: the whole value matches NAME_RE.

    >>> is_name("kobe"), is_name("kobe\n"), is_name("Kobe"), is_name("a" * 16)
    (True, False, False, False)
    """
    return isinstance(v, str) and re.fullmatch(NAME_RE, v) is not None

# Ranges nothing may use as a WAN, gateway, LAN or tunnel address.
UNUSABLE: tuple[tuple[IPv4Network, str], ...] = (
    (IPv4Network("0.0.0.0/8"), "this-network"),
    (IPv4Network("127.0.0.0/8"), "loopback"),
    (IPv4Network("169.254.0.0/16"), "link-local"),
    (IPv4Network("224.0.0.0/4"), "multicast"),
    (IPv4Network("255.255.255.255/32"), "broadcast"),
    (IPv4Network("240.0.0.0/4"), "reserved"),
)


def unusable(net: IPv4Network | IPv4Address) -> str | None:
    """Why this address or prefix cannot be used on a router interface, or None.

    >>> unusable(IPv4Address("224.0.0.5"))
    'unusable: multicast (224.0.0.0/4)'
    >>> unusable(IPv4Network("0.0.0.0/0"))
    'unusable: overlaps this-network (0.0.0.0/8)'
    >>> unusable(IPv4Address("198.51.100.1")) is None
    True
    """
    for bad, what in UNUSABLE:
        if isinstance(net, IPv4Address):
            if net in bad:
                return f"unusable: {what} ({bad})"
        elif net.overlaps(bad):
            return f"unusable: {'' if net.subnet_of(bad) else 'overlaps '}{what} ({bad})"
    return None


def _text_only(v):
    """Addresses are written as text: YAML integers and booleans would silently become addresses."""
    if isinstance(v, (bool, int, float)):
        raise ValueError("give the address as text, e.g. '10.0.0.1' or '10.0.0.0/24'")
    return v


def _no_bool(v):
    if isinstance(v, bool):
        raise ValueError("a boolean is not a number here")
    return v


Addr = Annotated[IPv4Address, BeforeValidator(_text_only)]
Iface = Annotated[IPv4Interface, BeforeValidator(_text_only)]
Net = Annotated[IPv4Network, BeforeValidator(_text_only)]
Net6 = Annotated[IPv6Network, BeforeValidator(_text_only)]


# A LAN: an IPv4 or an IPv6 prefix, validated only as the family it is written in (so a bad IPv4
# LAN gives the same one error as before). The tags start with "function-" so a problem's field
# path leaves them out (inventory_hosts._pydantic_problems), as it does validator names.
LanNet = Annotated[Union[Annotated[IPv4Network, Tag("function-ipv4")], Annotated[IPv6Network, Tag("function-ipv6")]],
                   Discriminator(lambda v: f"function-{family_of(v)}"), BeforeValidator(_text_only)]


def Int(default=..., **kw):  # noqa: N802 - a Field factory
    """An integer field that refuses booleans, floats and strings (YAML ``yes`` is not 1)."""
    return Field(default, strict=True, **kw)


def check_token(v: str) -> str:
    r"""A free-text value that reaches a config: one word, no way to add a line or open/close a block.

    >>> check_token("aes256-sha256-x25519")
    'aes256-sha256-x25519'
    >>> check_token("aes256-sha256\n")
    Traceback (most recent call last):
    ValueError: may hold only letters, digits and _ . , : + / - (no spaces, quotes, braces, # or line breaks)
    >>> check_token('x" }\nfoo {')
    Traceback (most recent call last):
    ValueError: may hold only letters, digits and _ . , : + / - (no spaces, quotes, braces, # or line breaks)
    """
    if not TOKEN_RE.fullmatch(v):
        raise ValueError("may hold only letters, digits and _ . , : + / - "
                         "(no spaces, quotes, braces, # or line breaks)")
    if len(v) > TOKEN_MAX:
        raise ValueError(f"is longer than {TOKEN_MAX} characters")
    return v
