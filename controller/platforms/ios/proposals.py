"""The intent's neutral IKE and ESP proposals as Cisco IOS / IOS-XE keywords, and back.

Shared with the ``iosxe`` (NETCONF) platform: plain functions, no state.

>>> ikev2("aes256-sha256-x25519")
IkeV2(encryption='aes-cbc-256', integrity='sha256', prf=None, group=31)
>>> ikev2("aes128gcm16-prfsha256-ecp256")
IkeV2(encryption='aes-gcm-128', integrity=None, prf='sha256', group=19)
>>> transform_set("aes128gcm16"), transform_set("aes256-sha256"), transform_set("3des-sha1")
('esp-gcm', 'esp-aes 256 esp-sha256-hmac', 'esp-3des esp-sha-hmac')
>>> isakmp("aes256-sha256-modp2048")
Isakmp(encryption='aes 256', hash='sha256', group=14)
>>> parse_transform("esp-256-aes esp-sha256-hmac ,")
Esp(encryption='aes-cbc', key_size=256, integrity='sha256')
>>> parse_transform("esp-gcm 256")
Esp(encryption='aes-gcm-16', key_size=256, integrity=None)
>>> parse_ikev2_sa("Encr: AES-CBC, keysize: 128, PRF: SHA1, Hash: SHA96, DH Grp:16, Auth sign: PSK")
'aes128-sha1-modp4096'
"""
from __future__ import annotations

import re
from typing import NamedTuple

from ... import proposals
from ...proposals import Esp

# neutral DH keyword -> IOS group number (IKEv2 ``group N``; IKEv1 ``group N``)
IKEV2_GROUPS = {"modp1024": 2, "modp1536": 5, "modp2048": 14, "modp3072": 15, "modp4096": 16,
                "ecp256": 19, "ecp384": 20, "ecp521": 21, "x25519": 31, "curve25519": 31}
IKEV1_GROUPS = {k: v for k, v in IKEV2_GROUPS.items() if v in (2, 5, 14, 15, 16, 19, 20, 21)}
HMAC = {"sha1": "esp-sha-hmac", "sha256": "esp-sha256-hmac", "sha384": "esp-sha384-hmac",
        "sha512": "esp-sha512-hmac", "md5": "esp-md5-hmac"}
IKEV1_HASH = {"sha1": "sha", "sha256": "sha256", "sha384": "sha384", "sha512": "sha512", "md5": "md5"}
INTEGRITY = ("sha1", "sha256", "sha384", "sha512")   # IKEv2 integrity / ESP HMAC IOS does here


class IkeV2(NamedTuple):
    encryption: str          # crypto ikev2 proposal: encryption <x>
    integrity: str | None    # integrity <x> (None with AEAD)
    prf: str | None          # prf <x> (AEAD, or when it differs from the integrity)
    group: int


class Isakmp(NamedTuple):
    encryption: str          # crypto isakmp policy: encryption <x>
    hash: str
    group: int


class Unsupported(ValueError):
    """IOS cannot do this; the message says what."""


def ikev2(proposal: str) -> IkeV2:
    p = proposals.ike(proposal)
    if p.encryption == "aes-cbc":
        enc = f"aes-cbc-{p.key_size}"
    elif p.encryption == "aes-gcm-16" and p.key_size in (128, 256):
        enc = f"aes-gcm-{p.key_size}"
    elif p.encryption == "3des":
        enc = "3des"
    else:
        raise Unsupported(f"IKEv2 cipher {p.encryption}/{p.key_size}")
    if p.integrity is not None and p.integrity not in INTEGRITY:
        raise Unsupported(f"IKEv2 integrity {p.integrity}")
    if p.prf not in INTEGRITY:
        raise Unsupported(f"IKEv2 prf {p.prf}")
    if p.dh not in IKEV2_GROUPS:
        raise Unsupported(f"DH group {p.dh}")
    prf = p.prf if p.integrity is None or p.prf != p.integrity else None
    return IkeV2(enc, p.integrity, prf, IKEV2_GROUPS[p.dh])


def isakmp(proposal: str) -> Isakmp:
    """IKEv1 ``crypto isakmp policy`` keywords (no AEAD, no separate prf in IKEv1)."""
    p = proposals.ike(proposal)
    if p.encryption == "aes-cbc":
        enc = "aes" if p.key_size == 128 else f"aes {p.key_size}"
    elif p.encryption == "3des":
        enc = "3des"
    else:
        raise Unsupported(f"IKEv1 cipher {p.encryption}/{p.key_size}")
    if p.integrity not in IKEV1_HASH:
        raise Unsupported(f"IKEv1 hash {p.integrity}")
    if p.dh not in IKEV1_GROUPS:
        raise Unsupported(f"IKEv1 DH group {p.dh}")
    return Isakmp(enc, IKEV1_HASH[p.integrity], IKEV1_GROUPS[p.dh])


def transform_set(transform: str) -> str:
    """The transforms of ``crypto ipsec transform-set NAME <these>``, in the form IOS shows them
    in its running config (``esp-aes`` and ``esp-gcm`` for 128-bit keys)."""
    e = proposals.esp(transform)
    if e.encryption == "aes-gcm-16" and e.key_size in (128, 256):
        return "esp-gcm" if e.key_size == 128 else "esp-gcm 256"
    if e.encryption == "aes-cbc":
        enc = "esp-aes" if e.key_size == 128 else f"esp-aes {e.key_size}"
    elif e.encryption == "3des":
        enc = "esp-3des"
    else:
        raise Unsupported(f"ESP transform {transform!r} ({e.encryption}/{e.key_size})")
    if e.integrity not in INTEGRITY:
        raise Unsupported(f"ESP integrity {e.integrity}")
    return f"{enc} {HMAC[e.integrity]}"


def problems(ike_proposal: str, transform: str, ike_version: int) -> list[str]:
    """What IOS cannot do of these proposals: ``field: what is wrong`` (platform named by the caller)."""
    out = []
    try:
        (ikev2 if ike_version == 2 else isakmp)(ike_proposal)
    except proposals.ProposalError as e:
        out.append(f"ike.proposal: {e}")
    except Unsupported as e:
        out.append(f"ike.proposal: IOS cannot do {e} (IKEv{ike_version})")
    try:
        transform_set(transform)
    except proposals.ProposalError as e:
        out.append(f"ipsec.transform: {e}")
    except Unsupported as e:
        out.append(f"ipsec.transform: IOS cannot do {e}")
    return out


# ---------------------------------------------------------------- back: show output -> neutral
_ESP_ENC = re.compile(r"esp-(?:(\d+)-)?(aes|gcm|3des|des|null)(?:[- ](\d+))?")
_ESP_MAC = re.compile(r"esp-(sha|sha256|sha384|sha512|md5)-hmac")
_MAC = {"sha": "sha1", "sha256": "sha256", "sha384": "sha384", "sha512": "sha512", "md5": "md5"}


def parse_transform(text: str) -> Esp | None:
    """An SA's ``transform:`` as IOS prints it (``esp-256-aes esp-sha256-hmac``, ``esp-gcm 256``,
    ``esp-aes-256 esp-md5-hmac``) in neutral words."""
    m = _ESP_ENC.search(text or "")
    if not m:
        return None
    size = int(m.group(1) or m.group(3) or 0)
    kind = m.group(2)
    mac = _ESP_MAC.search(text)
    integ = _MAC[mac.group(1)] if mac else None
    if kind == "gcm":
        return Esp("aes-gcm-16", size or 128, None)
    if kind == "aes":
        return Esp("aes-cbc", size or 128, integ)
    if kind == "3des":
        return Esp("3des", 168, integ)
    return Esp(kind, size, integ)


_IKE_HASH = {"SHA96": "sha1", "SHA1": "sha1", "SHA256": "sha256", "SHA384": "sha384", "SHA512": "sha512",
             "MD596": "md5", "MD5": "md5"}
_GROUP_NAME = {v: k for k, v in IKEV2_GROUPS.items() if k != "curve25519"}


def parse_ikev2_sa(line: str) -> str | None:
    """The ``Encr: ..., keysize: N, PRF: X, Hash: Y, DH Grp:N`` line of ``show crypto ikev2 sa``
    as a neutral proposal string (strongSwan form)."""
    f = dict((k.strip().lower(), v.strip()) for k, v in re.findall(r"([A-Za-z ]+):\s*([^,]+)", line or ""))
    enc, size = f.get("encr", "").upper(), f.get("keysize", "")
    if not enc or not size.isdigit():
        return None
    group = _GROUP_NAME.get(int(f["dh grp"])) if f.get("dh grp", "").isdigit() else None
    prf = _IKE_HASH.get(f.get("prf", "").upper())
    if enc.startswith("AES-GCM"):
        words = [f"aes{size}gcm16", f"prf{prf}" if prf else None]
    else:
        cipher = "3des" if "3DES" in enc else f"aes{size}"
        integ = _IKE_HASH.get(f.get("hash", "").upper())
        words = [cipher, integ] + ([f"prf{prf}"] if prf and prf != integ else [])
    return "-".join(w for w in words + [group] if w)
