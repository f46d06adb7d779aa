"""What verify can learn from an IOS-XE NETCONF target, and the hub-side merge for ``--site``. Pure.

Over NETCONF grectl reads the running datastore (the grectl-owned subtrees). That tells the
configuration of each tunnel (present, shutdown or not, source, destination, ``ip mtu``, key) but
nothing operational: no SA, neighbour, route or probe. So the ``gre`` group is judged from
configuration and every operational group is marked not available on this target (the judge
reports ``n/a`` with NOT_AVAILABLE_ON_TARGET, never a pass). On a real IOS-XE router those
groups come from the ``ios`` show-command parsers over SSH.
"""
from __future__ import annotations

import re
from copy import deepcopy

from lxml import etree

from controller.platforms.iosxe import nativexml as nx

from ...errors import GrectlError, shown
from ...models import Overlay, Tunnel
from ...state import DeviceState, GreTunnel
from .build import object_name

GET_CONFIG = "netconf get-config running"
OPERATIONAL = ("ike", "ipsec", "df", "ospf", "routes", "underlay")
OPERATIONAL6 = ("df6", "ospf6", "routes6")   # a dual-stack device's IPv6 groups (issue 22): operational too
WHY = ("NETCONF target: configuration only (running datastore); SAs, OSPF, routes and probes are "
       "operational state this target does not carry")


class ConfigXmlError(GrectlError):
    """A get-config reply grectl will not read: not XML, a DTD, or a field that is not what the model says."""


# RFC 6241 section 3: "A NETCONF message MUST NOT contain a document type declaration"; libxml2 is
# told anyway not to load a DTD, expand an entity, reach the network or lift its size/depth limits.
_PARSER_OPTIONS = dict(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                       dtd_validation=False, remove_blank_text=True, remove_comments=True, remove_pis=True)
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)


def read_xml(text: str | bytes):
    """The root element of a NETCONF reply, parsed with entity expansion and DTDs off.

    >>> read_xml('<data/>').tag
    'data'
    >>> read_xml('<!DOCTYPE d [<!ENTITY a "b">]><data>&a;</data>')  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    controller.platforms.iosxe.state.ConfigXmlError: not a NETCONF reply: a document type declaration
    (DOCTYPE/ENTITY) is refused (RFC 6241 section 3)
    >>> read_xml('<data><native>')  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    controller.platforms.iosxe.state.ConfigXmlError: not well-formed XML: Premature end of data in tag native
    line 1, line 1, column 15
    """
    data = text.encode() if isinstance(text, str) else text
    if _DOCTYPE.search(data):
        raise ConfigXmlError("not a NETCONF reply: a document type declaration (DOCTYPE/ENTITY) is refused "
                             "(RFC 6241 section 3)")
    try:
        root = etree.fromstring(data.strip() or b"<config/>", etree.XMLParser(**_PARSER_OPTIONS))
    except etree.XMLSyntaxError as e:
        why = " ".join(str(e).split()).replace(" (<string>, line 1)", "")
        raise ConfigXmlError(f"not well-formed XML: {why}") from None
    if root.getroottree().docinfo.internalDTD is not None:  # belt and braces: never reached past _DOCTYPE
        raise ConfigXmlError("not a NETCONF reply: a document type declaration is refused")
    return root


def number(text: str, where: str, low: int, high: int) -> int:
    """A decimal number field of the reply, within the model's range.

    >>> number("1400", "x", 68, 9216)
    1400
    >>> number("fourteen-hundred", "interface Tunnel1: ip mtu", 68, 9216)  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    controller.platforms.iosxe.state.ConfigXmlError: interface Tunnel1: ip mtu: 'fourteen-hundred'
    is not a number from 68 to 9216
    """
    if re.fullmatch(r"[0-9]{1,10}", text) and low <= int(text) <= high:
        return int(text)
    raise ConfigXmlError(f"{where}: {shown(text)} is not a number from {low} to {high}")


# Cisco-IOS-XE-native (17.12.1): interface Tunnel name uint32, ip mtu uint16 68..9198 (taken as
# 68-65535 here: a reply is read, not judged), Cisco-IOS-XE-tunnel tunnel key uint32
_TUNNEL_NUMBER = (0, 2**32 - 1)
_MTU = (68, 65535)
_KEY = (0, 2**32 - 1)


def parse_config(xml: str) -> DeviceState:
    """GRE tunnels as configured (``oper_up`` unknown). A reply grectl cannot read raises
    ``ConfigXmlError`` naming the element and what is wrong with it."""
    st = DeviceState()
    if not xml.strip():
        return st
    root = read_xml(xml)
    if isinstance(root.tag, str) and nx.local(root) == "rpc-reply":  # a whole NETCONF reply: its <data>
        root = nx._child(root, "data")
    native = nx.native_of(root)
    if native is None:
        return st
    for t in nx.walk(native, "interface/Tunnel"):
        number_text = nx._text(t, "name")
        name = f"Tunnel{number(number_text, 'interface Tunnel: name', *_TUNNEL_NUMBER)}"
        tt = nx.walk(t, "tunnel")
        src = nx._text(tt[0], "source") if tt else ""
        dst = nx.walk(tt[0], "destination-config/ipv4") if tt else []
        ip = nx._child(t, "ip")
        mtu = nx._text(ip, "mtu") if ip is not None else ""
        key = nx._text(tt[0], "key") if tt else ""
        st.gre[name] = GreTunnel(name=name, admin_up=nx._child(t, "shutdown") is None, oper_up=None,
                                 source=src or None, destination=(dst[0].text or "").strip() if dst else None,
                                 mtu=number(mtu, f"interface {name}: ip mtu", *_MTU) if mtu else 1476,
                                 key=number(key, f"interface {name}: tunnel key", *_KEY) if key else None)
    return st


def parse(overlay: Overlay, device: str, site: str | None, xml: str) -> DeviceState:
    st = parse_config(xml)
    six = OPERATIONAL6 if "ipv6" in overlay.families(device) else ()
    st.unavailable.update({g: WHY for g in OPERATIONAL + six})
    return st


def _entry_keys(tunnel: Tunnel) -> set[tuple[str, tuple[str, ...]]]:
    """The hub-side owned entries of one tunnel, as (path, key). A hub-to-hub tunnel (both ends
    hubs, one interface number) is named after the peer on each: both names (a hub has none named after itself)."""
    names = {object_name(tunnel.site)} | ({object_name(tunnel.hub)} if tunnel.kind == "hubs" else set())
    ends = (tunnel.hub_end, tunnel.site_end) if tunnel.kind == "hubs" else (tunnel.hub_end,)
    numbers = {e.interface.removeprefix("Tunnel") for e in ends if e.interface.startswith("Tunnel")}
    return {("interface/Tunnel", (n,)) for n in numbers} | \
        {(path, (name,)) for name in names
         for path in ("crypto/ipsec/profile", "crypto/ikev2/profile", "crypto/ikev2/keyring")}


def keep_site(candidate: str, running: str, tunnel: Tunnel) -> str:
    """The hub ``candidate`` with ``tunnel``'s hub entries exactly as in ``running`` (absent there:
    absent here)."""
    cand = nx.parse(candidate)
    run = nx.owned(read_xml(running)) if running.strip() else nx.parse("<config/>")
    wanted = _entry_keys(tunnel)
    have = nx.entries(cand)
    for k in wanted:
        if k in have:
            have[k].getparent().remove(have[k])
    src = nx.entries(run)
    native = nx.native_of(cand)
    for k in sorted(wanted, key=lambda k: [p for p, _ in nx.OWNED].index(k[0]), reverse=True):
        if k in src:
            nx._ensure(native, nx.native_of(run), k[0]).append(deepcopy(src[k]))
    return nx.pretty(cand)
