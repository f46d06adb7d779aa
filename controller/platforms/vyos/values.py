"""How VyOS reads the values grectl writes: the pre-shared key (through vbash, the VyOS config
and strongSwan's swanctl config), interface names, numbers and their ranges, and the quoting of
every value in a ``set`` line. Pure.

A ``set`` line is read by vbash (bash with VyOS's readline bindings) before VyOS sees it, so a
value reaches VyOS exactly only when it is shell-quoted: :func:`vbash_quote` single-quotes it
(``'`` itself as ``'"'"'``, what ``shlex.quote`` does). VyOS 1.4 then writes the key into strongSwan's
swanctl config between double quotes (vyos-1x ``data/templates/ipsec/swanctl.conf.j2``:
``secret = "{{ psk_config.secret }}"``), so strongSwan's rules apply too.

>>> vbash_quote("abcdefgh'; sudo reboot; echo 'pwned")
'\\'abcdefgh\\'"\\'"\\'; sudo reboot; echo \\'"\\'"\\'pwned\\''
>>> import shlex; shlex.split("secret " + vbash_quote("it's a key")) == ["secret", "it's a key"]
True
>>> check_psk("correct-horse-battery-staple") is None
True
>>> check_psk("what?is-this-key-for")
"holds '?' (vbash binds it to help: the key would not be typed as written)"
>>> check_interface("eth0.100"), check_interface("Ethernetfoo") is not None
(None, True)
"""
from __future__ import annotations

import re

from .. import ranges

# ------------------------------------------------------------------ the pre-shared key

# Characters that vbash's readline does not insert as typed (vyos-1x src/etc/bash_completion.d/
# vyatta-op: ``bind '"?": possible-completions'``; VyOS task T9077 / vyos-1x PR #5328 is still open
# for a literal '?' inside quotes).
VBASH_BOUND = {"?": "vbash binds it to help: the key would not be typed as written"}


def _strongswan_problem(key: str) -> str | None:
    """What strongSwan would read differently from a key written between double quotes in a
    swanctl/strongswan.conf settings file (strongSwan docs, "strongswan.conf" / swanctl.conf:
    quoted values take ``\\`` escapes; a secret starting ``0x`` is hex, ``0s`` base64).

    >>> _strongswan_problem('abc"def'), _strongswan_problem("0sQUJD")  # doctest: +NORMALIZE_WHITESPACE
    ('holds a double quote (the swanctl config quotes the key)',
     "starts with '0s' (strongSwan would decode it as base64)")
    """
    if '"' in key:
        return "holds a double quote (the swanctl config quotes the key)"
    if "\\" in key:
        return "holds a backslash (the swanctl config would read it as an escape)"
    if key[:2].lower() in ("0x", "0s"):
        return f"starts with {key[:2]!r} (strongSwan would decode it as {'hex' if key[1] in 'xX' else 'base64'})"
    return None


def swanctl_problem(key: str) -> str | None:
    """strongSwan's rules for a quoted key: the core's ``controller.secrets.swanctl_problem`` when
    that exists, else the same rules here."""
    try:
        from ...secrets import swanctl_problem as core
    except ImportError:
        return _strongswan_problem(key)
    return core(key)


def check_psk(key: str) -> str | None:
    """Why VyOS would not end up with exactly ``key`` (vbash, the VyOS config, swanctl), or None.
    Never quotes the key."""
    if not key:
        return "is empty"
    if key != key.strip():
        return "starts or ends with white space (grectl strips keys; VyOS would get another key)"
    for i, ch in enumerate(key, 1):
        if not ch.isprintable() or ch in "\t\r\n\x0b\x0c\x85\u2028\u2029":
            return f"holds a control or line-breaking character at position {i}"
        if not ch.isascii():
            return (f"holds a non-ASCII character at position {i} (vbash's readline may read 8-bit input "
                    "as Meta keys)")
        if ch in VBASH_BOUND:
            return f"holds {ch!r} ({VBASH_BOUND[ch]})"
    return swanctl_problem(key)


def vbash_quote(value: str) -> str:
    """``value`` as one vbash word that reads back as exactly ``value``: always single-quoted (VyOS's
    own form), a ``'`` inside as ``'"'"'`` (``shlex.quote``'s encoding). Refuses line breaks: a
    ``set`` line stays one line.

    >>> vbash_quote("1400"), vbash_quote("a b")
    ("'1400'", "'a b'")
    """
    if any(not ch.isprintable() for ch in value):
        raise ValueError("a VyOS value cannot hold control or line-breaking characters")
    return "'" + value.replace("'", "'\"'\"'") + "'"


def config_value(value) -> str:
    """A value for a ``set`` line of a rendered config (the Jinja ``q`` filter): single-quoted as
    ``show configuration commands`` prints it. A value that needs more than the quotes (a quote, a
    control character) is refused: ``validate`` refuses it first, this is the renderer's guard.

    >>> config_value(1400), config_value("grectl: osaka")
    ("'1400'", "'grectl: osaka'")
    """
    text = str(value)
    if "'" in text or any(not ch.isprintable() for ch in text) or "?" in text:
        raise ValueError("a rendered VyOS value cannot hold quotes, '?', or control characters")
    return f"'{text}'"


NODE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/-]*")


def node_name(value) -> str:
    """A tag node name written bare in a ``set`` line (``tunnel tun1``, ``psk grectl-osaka``):
    only characters vyos1x-config allows unquoted in a node name (``Illegal character`` otherwise).

    >>> node_name("grectl-osaka")
    'grectl-osaka'
    """
    text = str(value)
    if not NODE_NAME.fullmatch(text):
        raise ValueError("a VyOS node name may hold only letters, digits and _ . : / -")
    return text


# Masking: ``show configuration commands`` prints every value as ``'value'`` with only ``"`` and
# ``\\`` escaped (vyos1x-config ``Config_tree.Renderer.render_set_path`` + ``Util.escape_string``):
# a ``'`` in a key is printed as is, so the secret runs to the last quote on its line. ``show
# configuration`` prints ``secret "value"`` (``\\"`` escaped). An echoed command line carries the
# shell-quoted form. The key is the leaf's last word: everything up to the end of the line.
PSK_LINE = re.compile(r"((?:pre-shared-secret|authentication psk \S+ secret|\bsecret)[ \t]+)([^\r\n]*?)[ \t]*$",
                      re.M)


def shown_value(text: str) -> str:
    """The value as VyOS holds it, from the text after the leaf name on one output line.

    >>> shown_value("'it's'"), shown_value('"a\\\\"b"'), shown_value("'a'\\"'\\"'b'"), shown_value("bare")
    ("it's", 'a"b', "a'b", 'bare')
    """
    import shlex
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        return re.sub(r'\\(.)', r"\1", text[1:-1])
    if "'\"'\"'" in text:
        try:
            words = shlex.split(text)
        except ValueError:
            words = []
        if len(words) == 1:
            return words[0]
    if len(text) >= 2 and text[0] == "'" and text[-1] == "'":
        return text[1:-1]
    return text


# ------------------------------------------------------------------ interface names

# vyos-1x interface-definitions at 3710c58: each interface type's tagNode constraint
# (interfaces_ethernet.xml.in ``((eth|lan)[0-9]+|(eno|ens|enp|enx).+)``, interfaces_bonding
# ``bond[0-9]+``, interfaces_bridge ``br[0-9]+``, interfaces_pppoe ``pppoe[0-9]+``, interfaces_wwan
# ``wwan[0-9]+``, interfaces_loopback ``lo``, ...); include/constraint/interface-name.xml.i for the
# ``vpn ipsec interface`` leaf; include/interface/vif.xml.i and vif-s.xml.i: VLAN ids 0-4094 as
# ``<parent>.<vid>`` (and ``<parent>.<svid>.<cvid>`` for QinQ). Linux caps a name at 15 bytes
# (IFNAMSIZ 16 with its NUL).
NUMBERED = ("bond", "br", "dum", "eth", "lan", "gnv", "ifb", "l2tpeth", "macsec", "peth", "pppoe", "sstpc",
            "tun", "veth", "vti", "vtun", "vxlan", "wg", "wlan", "wwan")
VLAN_PARENTS = ("eth", "lan", "bond", "br", "peth", "veth", "wlan", "eno", "ens", "enp", "enx")
IFNAME_RE = re.compile(r"(?P<base>(?P<kind>" + "|".join(sorted(NUMBERED, key=len, reverse=True))
                       + r")(?P<num>[0-9]+)|(?P<pred>en[osx][a-z0-9]+|enp[a-z0-9]+)|lo)"
                       r"(?:\.(?P<vid>[0-9]{1,4})(?:\.(?P<cvid>[0-9]{1,4}))?)?")
IFNAME_MAX = 15
VLAN_MAX = 4094


def check_interface(name: str) -> str | None:
    """Why ``name`` is not a VyOS interface name, or None.

    >>> [check_interface(n) for n in ("eth0", "bond0.10", "br0", "pppoe0", "wwan0", "lo", "enp0s3")]
    [None, None, None, None, None, None, None]
    >>> check_interface("eth0.5000")
    'VLAN id 5000 is not in 0-4094 (vyos-1x include/interface/vif.xml.i)'
    """
    if not isinstance(name, str) or not name:
        return "is empty"
    if len(name.encode()) > IFNAME_MAX:
        return f"is longer than {IFNAME_MAX} bytes (Linux interface names)"
    m = IFNAME_RE.fullmatch(name)
    if not m:
        return ("is not a VyOS interface name (ethN, ethN.VID, bondN, brN, pppoeN, wwanN, lo, ...: "
                "vyos-1x interface-definitions)")
    for vid in (m.group("vid"), m.group("cvid")):
        if vid is not None and int(vid) > VLAN_MAX:
            return f"VLAN id {int(vid)} is not in 0-{VLAN_MAX} (vyos-1x include/interface/vif.xml.i)"
    if m.group("vid") is not None and not (m.group("pred") or (m.group("kind") or "") in VLAN_PARENTS):
        return f"a {m.group('kind') or name.split('.')[0]} interface has no VLAN sub-interfaces on VyOS"
    return None


def canonical_interface(name: str) -> str:
    """VyOS (Linux) names are exact strings: the one spelling is the name itself.

    >>> canonical_interface("tun13")
    'tun13'
    """
    return name


# ------------------------------------------------------------------ numbers

# Ranges VyOS's CLI takes for the numbers grectl renders: vyos-1x interface-definitions at 3710c58
# (../shared/vendor-defs/vyos-1x-3710c58), the numeric validator of each leaf.
RANGES: dict[str, tuple[int, int, str]] = {
    # what                 lo          hi            source
    "ike_lifetime":       (0, 86400, "vpn_ipsec.xml.in ike-group lifetime"),
    "esp_lifetime":       (30, 86400, "vpn_ipsec.xml.in esp-group lifetime"),
    "dpd_interval":       (2, 86400, "vpn_ipsec.xml.in ike-group dead-peer-detection interval"),
    "dpd_timeout":        (2, 86400, "vpn_ipsec.xml.in ike-group dead-peer-detection timeout"),
    "tunnel_mtu":         (68, 16000, "include/interface/mtu-68-16000.xml.i (interfaces tunnel mtu)"),
    "adjust_mss":         (536, 65535, "include/interface/adjust-mss.xml.i"),
    "ospf_hello":         (1, 65535, "include/ospf/intervals.xml.i hello-interval"),
    "ospf_dead":          (1, 65535, "include/ospf/intervals.xml.i dead-interval"),
    "gre_key":            (0, 4294967295, "include/interface/parameters-key.xml.i"),
    "gre_ttl":            (0, 255, "include/interface/parameters-ttl.xml.i"),
}


def out_of_range(what: str, value: int) -> str | None:
    """``value is not in lo-hi (source)`` or None.

    >>> out_of_range("adjust_mss", 466)
    'takes 536-65535 (vyos-1x include/interface/adjust-mss.xml.i), not 466'
    """
    return ranges.out_of_range(RANGES, "vyos-1x", what, value)
