"""The intent's neutral IKE and ESP proposals as leaf values of Cisco's IOS-XE native YANG
(Cisco-IOS-XE-crypto, 17.12.1). Pure.

Same meaning as the ``ios`` CLI keywords (``crypto ikev2 proposal`` encryption/integrity/prf/group,
``crypto ipsec transform-set T esp-gcm 256``), in the words the YANG takes: the IKEv2 proposal's
encryption, integrity, prf and group are containers of empty leaves (``<aes-cbc-256/>``,
``<nineteen/>``); the transform-set has ``esp`` / ``key-bit`` / ``esp-hmac`` enumerations.

>>> ikev2("aes256-sha256-ecp256")
IkeV2(encryption='aes-cbc-256', integrity='sha256', prf='sha256', group='nineteen')
>>> ikev2("aes128gcm16-prfsha384-modp2048")
IkeV2(encryption='aes-gcm-128', integrity=None, prf='sha384', group='fourteen')
>>> transform_set("aes128gcm16")
TransformSet(esp='esp-gcm', key_bit='128', esp_hmac=None)
>>> transform_set("aes256-sha1")
TransformSet(esp='esp-aes', key_bit='256', esp_hmac='esp-sha-hmac')
>>> problems("aes256-sha256-x25519", "aes128gcm16")  # doctest: +NORMALIZE_WHITESPACE
['ike.proposal: IOS-XE 17.12.1 YANG has no IKEv2 DH group x25519
  (takes modp1024, modp1536, modp2048, modp3072, modp4096, ecp256, ecp384, ecp521)']
"""
from __future__ import annotations

from typing import NamedTuple

from ... import proposals
from ..ios import proposals as ios_proposals

# neutral DH keyword -> the empty leaf under /native/crypto/ikev2/proposal/group (IANA group number)
GROUPS = {"modp1024": "two", "modp1536": "five", "modp2048": "fourteen", "modp3072": "fifteen",
          "modp4096": "sixteen", "ecp256": "nineteen", "ecp384": "twenty", "ecp521": "twenty-one"}
GROUP_NUMBERS = {"two": 2, "five": 5, "fourteen": 14, "fifteen": 15, "sixteen": 16, "nineteen": 19,
                 "twenty": 20, "twenty-one": 21}
HASHES = ("sha1", "sha256", "sha384", "sha512")   # integrity and prf leaves (md5 left out on purpose)
ESP_HMAC = {"sha1": "esp-sha-hmac", "sha256": "esp-sha256-hmac", "sha384": "esp-sha384-hmac",
            "sha512": "esp-sha512-hmac"}


class IkeV2(NamedTuple):
    encryption: str          # leaf under proposal/encryption: aes-cbc-128 | aes-cbc-256 | aes-gcm-128 | ...
    integrity: str | None    # leaf under proposal/integrity (None with AEAD: IOS-XE refuses it there)
    prf: str                 # leaf under proposal/prf
    group: str               # leaf under proposal/group


class TransformSet(NamedTuple):
    esp: str                 # /native/crypto/ipsec/transform-set/esp
    key_bit: str             # .../key-bit
    esp_hmac: str | None     # .../esp-hmac (None for GCM: its `when` forbids it)


class Unsupported(ValueError):
    pass


def ikev2(proposal: str) -> IkeV2:
    """The ``ios`` platform's meaning of the proposal (one table for both transports), in the
    words the YANG takes; what the 17.12.1 model cannot express is refused."""
    try:
        c = ios_proposals.ikev2(proposal)
    except ios_proposals.Unsupported as e:
        raise Unsupported(str(e)) from None
    if c.encryption not in ("aes-cbc-128", "aes-cbc-192", "aes-cbc-256", "aes-gcm-128", "aes-gcm-256"):
        raise Unsupported(f"IKEv2 cipher {c.encryption}")
    word = {n: w for w, n in GROUP_NUMBERS.items()}.get(c.group)
    if word is None:
        raise Unsupported(f"IKEv2 DH group {proposals.ike(proposal).dh} (takes {', '.join(GROUPS)})")
    return IkeV2(c.encryption, c.integrity, c.prf or c.integrity, word)


def transform_set(transform: str) -> TransformSet:
    e = proposals.esp(transform)
    if e.encryption == "aes-gcm-16" and e.key_size in (128, 256):
        return TransformSet("esp-gcm", str(e.key_size), None)
    if e.encryption == "aes-cbc" and e.key_size in (128, 192, 256) and e.integrity in ESP_HMAC:
        return TransformSet("esp-aes", str(e.key_size), ESP_HMAC[e.integrity])
    raise Unsupported(f"ESP transform {transform!r}")


def problems(ike_proposal: str, transform: str) -> list[str]:
    """What the IOS-XE YANG cannot express of these proposals: ``field: what is wrong``."""
    out = []
    for field, fn, arg in (("ike.proposal", ikev2, ike_proposal), ("ipsec.transform", transform_set, transform)):
        try:
            fn(arg)
        except proposals.ProposalError as e:
            out.append(f"{field}: {e}")
        except Unsupported as e:
            out.append(f"{field}: IOS-XE 17.12.1 YANG has no {e}")
    return out
