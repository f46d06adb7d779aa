"""Cisco IOS-XE native YANG instance data as grectl handles it: which subtrees grectl owns, a
canonical line form for diffs, PSK masking, and the edit payloads. Pure (lxml only).

grectl owns, inside the device's shared configuration:
- ``/native/interface/Tunnel`` entries whose description starts with ``grectl``;
- ``/native/crypto/ikev2/{keyring,policy,profile,proposal}`` and
  ``/native/crypto/ipsec/{transform-set,profile}`` entries whose name starts with ``grectl``;
- the ``/native/router/router-ospf/ospf/process-id`` entries its tunnels run OSPF in, the
  ``/native/ipv6/router/ospf`` entries of those ids, and on LAN interfaces (``LAN_TYPES``) their
  ``ipv6/ospf/process`` entries of those ids alone (OSPFv3 has no ``network`` statement), never the interface.
Nothing else is ever read into a diff, written or removed (``ipv6 unicast-routing`` is written, never removed).

>>> doc = parse('<config><native xmlns="http://cisco.com/ns/yang/Cisco-IOS-XE-native"><interface>'
...   '<Tunnel><name>1</name><description>grectl: osaka</description><ip><mtu>1442</mtu></ip></Tunnel>'
...   '<Tunnel><name>9</name><description>not ours</description></Tunnel></interface></native></config>')
>>> lines(owned(doc))
['native/interface/Tunnel[name=1]/description = grectl: osaka', 'native/interface/Tunnel[name=1]/ip/mtu = 1442']
"""
from __future__ import annotations

import hashlib
import re
from copy import deepcopy

from lxml import etree

NC = "urn:ietf:params:xml:ns:netconf:base:1.0"
NATIVE = "http://cisco.com/ns/yang/Cisco-IOS-XE-native"
CRYPTO = "http://cisco.com/ns/yang/Cisco-IOS-XE-crypto"
TUNNEL = "http://cisco.com/ns/yang/Cisco-IOS-XE-tunnel"
OSPF = "http://cisco.com/ns/yang/Cisco-IOS-XE-ospf"
PREFIX = "grectl"

PLACEHOLDER_RE = re.compile(r"%\{psk:([0-9a-f]{12})\}")

# list -> key leaves, for the list entries grectl's payloads carry (canonical lines, matching)
KEYS = {"Tunnel": ("name",), "keyring": ("name",), "peer": ("name",), "policy": ("name",),
        "profile": ("name",), "proposal": ("name", "proposals"), "transform-set": ("tag",),
        "process-id": ("id",), "area": ("area-id",), "network": ("ip", "wildcard"), "ipv4": ("ipv4-address",),
        "process": ("id",), "link-local-address": ("address",), "prefix-list": ("prefix",), "ospf": ("id",)}

# LAN interface lists whose ``ipv6`` Cisco-IOS-XE-ospf 17.12.1 augments with config-interface-ipv6-ospf-grouping
LAN_TYPES = ("Ethernet", "FastEthernet", "GigabitEthernet", "TenGigabitEthernet", "FiveGigabitEthernet",
             "TwoGigabitEthernet", "TwentyFiveGigE", "FortyGigabitEthernet", "HundredGigE", "Port-channel",
             "Loopback", "BDI", "Vlan")
LAN_PATHS = tuple(f"interface/{t}/ipv6/ospf/process" for t in LAN_TYPES)
KEYS.update({t: ("name",) for t in LAN_TYPES})

# owned list entries, in the order they may be removed (what references comes before what is referenced)
OWNED = (("interface/Tunnel", NATIVE), *((p, OSPF) for p in LAN_PATHS), ("crypto/ipsec/profile", CRYPTO),
         ("crypto/ikev2/profile", CRYPTO), ("crypto/ikev2/keyring", CRYPTO), ("crypto/ikev2/policy", CRYPTO),
         ("crypto/ikev2/proposal", CRYPTO), ("crypto/ipsec/transform-set", CRYPTO),
         ("router/router-ospf/ospf/process-id", OSPF), ("ipv6/router/ospf", NATIVE))

# owned entries that point at other owned entries (removed before the intended ones are written;
# the rest after, once nothing intended points at them any more)
REFERENCING = frozenset({"interface/Tunnel", "crypto/ipsec/profile", "crypto/ikev2/profile"})

# what get-config asks for: the containers holding grectl's objects (filtered further here)
FILTER = (f'<native xmlns="{NATIVE}"><interface><Tunnel/>{"".join(f"<{t}/>" for t in LAN_TYPES)}</interface><crypto>'
          f'<ikev2 xmlns="{CRYPTO}"/><ipsec xmlns="{CRYPTO}"/></crypto>'
          f'<router><router-ospf xmlns="{OSPF}"/></router><ipv6><router/></ipv6></native>')


def fingerprint(psk: str) -> str:  # the same fingerprint as every grectl placeholder
    return hashlib.sha256(b"grectl-psk:" + psk.encode()).hexdigest()[:12]


def placeholder(psk: str) -> str:
    return "%{psk:" + fingerprint(psk) + "}"


def local(el) -> str:
    return etree.QName(el).localname


def safe_parser(**kw) -> etree.XMLParser:
    """The one XML parser for payloads and device replies: no entity expansion, no DTD loading,
    no network, libxml2's default size limits (``huge_tree`` off)."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, **kw)


def parse(text: str | bytes):
    """An element from XML text (a ``<config>``/``<data>`` wrapper, or a bare ``<native>``).

    >>> parse('<!DOCTYPE d [<!ENTITY e "x">]><data>&e;</data>').text is None
    True
    """
    if isinstance(text, str):
        text = text.encode()
    parser = safe_parser(remove_blank_text=True, remove_comments=True)
    return etree.fromstring(text.strip() or b"<config/>", parser)


def native_of(root):
    """The ``<native>`` element of a document, or None."""
    if root is None:
        return None
    if local(root) == "native":
        return root
    return next((c for c in root if isinstance(c.tag, str) and local(c) == "native"), None)


def _children(el, name: str):
    return [c for c in el if isinstance(c.tag, str) and local(c) == name]


def _child(el, name: str):
    found = _children(el, name)
    return found[0] if found else None


def _text(el, name: str) -> str:
    c = _child(el, name)
    return (c.text or "").strip() if c is not None else ""


def walk(el, path: str) -> list:
    """Elements at a ``/``-separated local-name path below ``el``."""
    nodes = [el]
    for step in path.split("/"):
        nodes = [c for n in nodes for c in _children(n, step)]
    return nodes


def key_of(entry) -> tuple[str, ...]:
    return tuple(_text(entry, k) for k in KEYS.get(local(entry), ()) if _child(entry, k) is not None)


def _lan_interface(process):  # the interface a LAN ``ipv6/ospf/process`` entry sits in
    return process.getparent().getparent().getparent()


def entry_key(path: str, entry) -> tuple[str, ...]:
    """An owned entry's key: its list keys; a LAN OSPFv3 entry's is (interface name, process id)."""
    return ((_text(_lan_interface(entry), "name"),) if path in LAN_PATHS else ()) + key_of(entry)


def _is_owned(path: str, entry, ospf_ids: set[str]) -> bool:
    if path == "interface/Tunnel":
        return _text(entry, "description").startswith(PREFIX)
    if path in LAN_PATHS or path == "ipv6/router/ospf":
        return _text(entry, "id") in ospf_ids
    if path.endswith("process-id"):
        return _text(entry, "id") in ospf_ids
    name = _text(entry, "tag" if path.endswith("transform-set") else "name")
    return name.startswith(PREFIX)


def tunnel_ospf_ids(native) -> set[str]:
    return {_text(p, "id") for t in walk(native, "interface/Tunnel")
            if _text(t, "description").startswith(PREFIX)
            for p in walk(t, "ip/router-ospf/ospf/process-id")}


def owned(root, extra_ospf: set[str] = frozenset()):
    """A new ``<config>`` holding only the grectl-owned entries of ``root`` (running or candidate)."""
    out = etree.Element(f"{{{NC}}}config", nsmap={None: NC})
    src = native_of(root)
    if src is None:
        return out
    ospf_ids = tunnel_ospf_ids(src) | set(extra_ospf)
    dst = etree.SubElement(out, f"{{{NATIVE}}}native", nsmap={None: NATIVE})
    for path, _ in reversed(OWNED):  # creation order: referenced before referencing
        for entry in walk(src, path):
            if _is_owned(path, entry, ospf_ids):
                _parent(dst, src, path, entry).append(deepcopy(entry))
    return out


def _parent(dst, src, path: str, entry):
    """Where a copy of ``entry`` goes under ``dst``: ``_ensure``, or for a LAN OSPFv3 entry its
    interface's stub (the name alone) and the ``ipv6/ospf`` containers."""
    if path not in LAN_PATHS:
        return _ensure(dst, src, path)
    iface, name = _lan_interface(entry), _text(_lan_interface(entry), "name")
    parent = _ensure(dst, src, path.rsplit("/", 3)[0])
    stub = next((i for i in _children(parent, local(iface)) if _text(i, "name") == name), None)
    if stub is None:
        stub = etree.SubElement(parent, iface.tag)
        etree.SubElement(stub, _child(iface, "name").tag).text = name
    for tag in (entry.getparent().getparent().tag, entry.getparent().tag):   # ipv6, then ospf
        found = next((c for c in stub if c.tag == tag), None)
        stub = found if found is not None else etree.SubElement(stub, tag)
    return stub


def _ensure(dst, src, path: str):
    """The parent element of ``path``'s entries under ``dst``, created like in ``src``."""
    node_d, node_s = dst, src
    for step in path.split("/")[:-1]:
        node_s = _child(node_s, step)
        found = _child(node_d, step)
        if found is None:
            found = etree.SubElement(node_d, node_s.tag)
        node_d = found
    return node_d


def entries(root) -> dict[tuple[str, tuple[str, ...]], object]:
    """(owned path, key) -> entry, for the owned entries of a document already filtered by ``owned``."""
    src = native_of(root)
    out = {}
    if src is None:
        return out
    for path, _ in OWNED:
        for e in walk(src, path):
            out[(path, entry_key(path, e))] = e
    return out


# ------------------------------------------------------------------ secrets

def _psk_elements(root):
    for peer in root.iter():
        if isinstance(peer.tag, str) and local(peer) == "pre-shared-key":
            for el in peer.iter():
                if isinstance(el.tag, str) and local(el) in ("key", "hex") and el.text:
                    yield el


def mask_tree(root):
    """Every pre-shared key replaced by its placeholder, in place. Returns ``root``."""
    for el in _psk_elements(root):
        if not PLACEHOLDER_RE.fullmatch(el.text.strip()):
            el.text = placeholder(el.text.strip())
    return root


def clear_secrets(root) -> dict[str, str]:
    """fingerprint -> key of the clear keys in a document."""
    return {fingerprint(el.text.strip()): el.text.strip() for el in _psk_elements(root)
            if not PLACEHOLDER_RE.fullmatch(el.text.strip())}


_PSK_TEXT_RE = re.compile(r"(<(?:\w+:)?pre-shared-key\b[^>]*>.*?<(?:\w+:)?(?:key|hex)>)([^<]*)(<)", re.S)


def mask_text(text: str, secrets: dict[str, str] | None = None) -> str:
    """Mask free text (XML or an error message): keys in ``pre-shared-key`` elements, and every
    known key (``secrets``: fingerprint -> key) wherever it appears."""
    for fp, key in (secrets or {}).items():
        if key:
            text = text.replace(key, "%{psk:" + fp + "}")
    return _PSK_TEXT_RE.sub(lambda m: m.group(1) + (m.group(2) if PLACEHOLDER_RE.fullmatch(m.group(2))
                                                    else placeholder(m.group(2))) + m.group(3), text)


class PayloadError(ValueError):
    """A payload the keys cannot be placed in (never holds a key)."""


def fill_keys(text: str, secrets: dict[str, str]) -> str:
    """``text`` (an edit payload grectl built) with each element whose whole text is a placeholder
    ``%{psk:<fp>}`` given the key as its text by lxml, serialised at the last moment. The key is
    never spliced into the XML text: lxml escapes ``<``, ``>`` and ``&`` in it, so a key cannot add
    an element, change by entity decoding, or end a NETCONF 1.0 message (``]]>]]>`` comes out as
    ``]]&gt;]]&gt;``). A placeholder anywhere else (an attribute, part of a text) is refused, as is
    a payload with a DOCTYPE or entity references. Raises ``KeyError`` for an unknown fingerprint.

    >>> fp = fingerprint("a</key><x/>]]>]]>&amp;")
    >>> out = fill_keys('<config><pre-shared-key><key>%{psk:' + fp + '}</key></pre-shared-key></config>',
    ...                 {fp: "a</key><x/>]]>]]>&amp;"})
    >>> out
    '<config><pre-shared-key><key>a&lt;/key&gt;&lt;x/&gt;]]&gt;]]&gt;&amp;amp;</key></pre-shared-key></config>'
    >>> etree.fromstring(out).find("pre-shared-key/key").text
    'a</key><x/>]]>]]>&amp;'
    """
    root = etree.fromstring(text.encode() if isinstance(text, str) else text, safe_parser())
    if root.getroottree().docinfo.doctype:
        raise PayloadError("the payload has a DOCTYPE")
    for el in root.iter():
        if not isinstance(el.tag, str):
            if isinstance(el, etree._Entity):
                raise PayloadError("the payload holds an entity reference")
            continue
        if any(PLACEHOLDER_RE.search(v) for v in el.attrib.values()) or \
                (el.tail and PLACEHOLDER_RE.search(el.tail)):
            raise PayloadError(f"a PSK placeholder outside an element's text (<{local(el)}>)")
        if el.text and PLACEHOLDER_RE.search(el.text):
            m = PLACEHOLDER_RE.fullmatch(el.text)
            if not m:
                raise PayloadError(f"a PSK placeholder inside a longer text (<{local(el)}>)")
            if m.group(1) not in secrets:
                raise KeyError(f"no key known for PSK fingerprint {m.group(1)}")
            el.text = secrets[m.group(1)]
    return etree.tostring(root, encoding="unicode")


def unmask(text: str, secrets: dict[str, str]) -> str:
    """The payload with its keys in place (``fill_keys``: by lxml, never by text substitution)."""
    return fill_keys(text, secrets)


# ------------------------------------------------------------------ canonical forms

def lines(root) -> list[str]:
    """One sorted ``path = value`` line per leaf (``path`` alone for empty leaves and key-only
    entries), namespaces dropped and list entries named by their keys: the form diffs compare."""
    out: list[str] = []

    def visit(el, prefix: str):
        name = local(el)
        keys = KEYS.get(name, ())
        have = [k for k in keys if _child(el, k) is not None]
        seg = name + ("[" + ",".join(f"{k}={_text(el, k)}" for k in have) + "]" if have else "")
        path = f"{prefix}/{seg}" if prefix else seg
        kids = [c for c in el if isinstance(c.tag, str) and not (have and local(c) in have)]
        if not len(el):
            text = (el.text or "").strip()
            out.append(f"{path} = {text}" if text else path)
        elif not kids:
            out.append(path)
        for c in kids:
            visit(c, path)

    src = native_of(root)
    if src is not None:
        visit(src, "")
    return sorted(set(out))


def pretty(root) -> str:
    """Stable XML text: children sorted (keys first), two-space indent."""
    root = deepcopy(root)

    def sort(el):
        keys = KEYS.get(local(el), ())
        kids = [c for c in el if isinstance(c.tag, str)]
        for c in kids:
            sort(c)
        kids.sort(key=lambda c: (local(c) not in keys, keys.index(local(c)) if local(c) in keys else 0,
                                 local(c), etree.tostring(c)))
        for c in kids:
            el.remove(c)
        el.extend(kids)
        if len(el):
            el.text = None
        for c in kids:
            c.tail = None

    sort(root)
    root = _renamespace(root, None)
    etree.indent(root, space="  ")
    return etree.tostring(root, encoding="unicode") + "\n"


def _renamespace(el, parent_ns):
    """A copy of ``el`` with every namespace as a default declaration where it changes (no
    ``ns2:`` prefixes in what people read)."""
    q = etree.QName(el)
    new = etree.Element(el.tag, nsmap={None: q.namespace} if q.namespace != parent_ns else None) \
        if parent_ns is None or q.namespace != parent_ns else None
    if new is None:
        new = etree.Element(el.tag)
    new.text = el.text
    for c in el:
        if isinstance(c.tag, str):
            new.append(_renamespace(c, q.namespace))
    return new


# ------------------------------------------------------------------ edit payloads

def with_operation(root, op: str):
    """A copy of ``root`` with ``nc:operation=op`` on every owned list entry."""
    root = deepcopy(root)
    src = native_of(root)
    if src is not None:
        for path, _ in OWNED:
            for e in walk(src, path):
                e.set(f"{{{NC}}}operation", op)
    return root


def removal(path: str, key: tuple[str, ...], running) -> str:
    """``<config>`` removing one owned entry (as it appears in ``running``)."""
    src = native_of(running)
    entry = next(e for e in walk(src, path) if entry_key(path, e) == key)
    cfg = etree.Element(f"{{{NC}}}config", nsmap={"nc": NC})
    nat = etree.SubElement(cfg, f"{{{NATIVE}}}native", nsmap={None: NATIVE})
    parent = _parent(nat, src, path, entry)
    stub = etree.SubElement(parent, entry.tag)
    for k in KEYS.get(local(entry), ()):
        kv = _child(entry, k)
        if kv is not None:
            etree.SubElement(stub, kv.tag).text = kv.text
    stub.set(f"{{{NC}}}operation", "remove")
    return etree.tostring(cfg, encoding="unicode")


def to_config(root) -> str:
    """XML text of a ``<config>`` (NETCONF base namespace) holding ``root``'s ``<native>``."""
    src = native_of(root)
    cfg = etree.Element(f"{{{NC}}}config", nsmap={"nc": NC})
    if src is not None:
        cfg.append(deepcopy(src))
    return etree.tostring(cfg, encoding="unicode")
