"""IKE and ESP proposals in vendor-neutral terms. Pure.

The intent names proposals in strongSwan's compact form (``aes256-sha256-x25519``,
``aes128gcm16``); every platform maps these neutral parts to its own keywords and its
parsers report SAs in the same neutral words, so the judge compares like with like.

>>> esp("aes128gcm16")
Esp(encryption='aes-gcm-16', key_size=128, integrity=None)
>>> esp("aes256-sha256")
Esp(encryption='aes-cbc', key_size=256, integrity='sha256')
>>> ike("aes256-sha256-x25519")
Ike(encryption='aes-cbc', key_size=256, integrity='sha256', prf='sha256', dh='x25519')
>>> ike("aes128gcm16-prfsha256-ecp256").dh
'ecp256'
"""
from __future__ import annotations

import re
from typing import NamedTuple

# DH groups: strongSwan keyword -> IANA group number
DH_GROUPS = {"modp1024": 2, "modp1536": 5, "modp2048": 14, "modp3072": 15, "modp4096": 16,
             "ecp256": 19, "ecp384": 20, "ecp521": 21, "x25519": 31, "curve25519": 31, "x448": 32}
INTEGRITY = ("sha1", "sha256", "sha384", "sha512", "md5")
_AES = re.compile(r"^aes(128|192|256)(?:(gcm)(8|12|16))?$")


class Esp(NamedTuple):
    encryption: str          # aes-cbc | aes-gcm-16 | aes-gcm-12 | aes-gcm-8 | chacha20-poly1305 | 3des
    key_size: int
    integrity: str | None    # None for AEAD ciphers


class Ike(NamedTuple):
    encryption: str
    key_size: int
    integrity: str | None
    prf: str
    dh: str


class ProposalError(ValueError):
    pass


def _cipher(word: str) -> tuple[str, int, bool]:
    """(encryption, key size, is AEAD) of one strongSwan cipher keyword."""
    if word == "chacha20poly1305":
        return "chacha20-poly1305", 256, True
    if word == "3des":
        return "3des", 168, False
    m = _AES.fullmatch(word)
    if not m:
        raise ProposalError(f"unknown cipher {word!r}")
    if m.group(2):
        return f"aes-gcm-{m.group(3)}", int(m.group(1)), True
    return "aes-cbc", int(m.group(1)), False


def esp(transform: str) -> Esp:
    """An ESP transform: ``<cipher>`` for AEAD, ``<cipher>-<integrity>`` otherwise."""
    words = transform.split("-")
    enc, size, aead = _cipher(words[0])
    rest = words[1:]
    if aead:
        if rest:
            raise ProposalError(f"{transform!r}: an AEAD cipher takes no integrity algorithm")
        return Esp(enc, size, None)
    if len(rest) != 1 or rest[0] not in INTEGRITY:
        raise ProposalError(f"{transform!r}: give one integrity algorithm ({', '.join(INTEGRITY)})")
    return Esp(enc, size, rest[0])


def ike(proposal: str) -> Ike:
    """An IKE proposal: cipher, integrity (not with AEAD), optional ``prf<hash>``, one DH group."""
    words = proposal.split("-")
    enc, size, aead = _cipher(words[0])
    integ = prf = dh = None
    for w in words[1:]:
        if w in INTEGRITY and not aead and integ is None:
            integ = w
        elif w.startswith("prf") and w[3:] in INTEGRITY and prf is None:
            prf = w[3:]
        elif w in DH_GROUPS and dh is None:
            dh = w
        else:
            raise ProposalError(f"{proposal!r}: unexpected {w!r}")
    if not aead and integ is None:
        raise ProposalError(f"{proposal!r}: a non-AEAD cipher needs an integrity algorithm")
    if aead and prf is None:
        raise ProposalError(f"{proposal!r}: an AEAD cipher needs a prf (e.g. prfsha256)")
    if dh is None:
        raise ProposalError(f"{proposal!r}: give a DH group ({', '.join(DH_GROUPS)})")
    return Ike(enc, size, integ, prf or integ, dh)


def dh_group(name: str) -> int:
    """IANA number of a DH group keyword.

    >>> dh_group("x25519")
    31
    """
    return DH_GROUPS[name]
