"""The intent's neutral IKE/ESP proposals in VyOS's own keywords, and what VyOS cannot take.

Keywords are the values VyOS's CLI definitions allow (vyos-1x ``include/vpn-ipsec-encryption.xml.i``,
``vpn-ipsec-hash.xml.i``, ``ike-group proposal dh-group``/``prf``): AES-GCM is named by key size and
ICV bits (``aes128gcm128`` is strongSwan's ``aes128gcm16``), DH groups by IANA number.

>>> esp("aes128gcm16")
{'encryption': 'aes128gcm128', 'hash': 'sha256'}
>>> ike("aes256-sha256-x25519")
{'encryption': 'aes256', 'hash': 'sha256', 'dh_group': '31', 'prf': None}
>>> ike("aes128gcm16-prfsha384-ecp384")["prf"]
'prfsha384'
"""
from __future__ import annotations

from ... import proposals as neutral

GCM_ICV_BITS = {"aes-gcm-16": 128, "aes-gcm-12": 96, "aes-gcm-8": 64}
HASH = {"sha1": "sha1", "sha256": "sha256", "sha384": "sha384", "sha512": "sha512", "md5": "md5"}
DPD_MIN, LIFETIME_IKE_MAX, LIFETIME_ESP = 2, 86400, (30, 86400)


def _cipher(encryption: str, key_size: int) -> str:
    if encryption == "aes-cbc":
        return f"aes{key_size}"
    if encryption in GCM_ICV_BITS:
        return f"aes{key_size}gcm{GCM_ICV_BITS[encryption]}"
    if encryption == "chacha20-poly1305":
        return "chacha20poly1305"
    if encryption == "3des":
        return "3des"
    raise neutral.ProposalError(f"VyOS has no keyword for {encryption}")


def esp(transform: str) -> dict:
    """esp-group proposal: encryption and hash. For AEAD ciphers VyOS still writes a hash into the
    strongSwan proposal and strongSwan drops integrity algorithms from AEAD ESP proposals, so the
    hash is sha256 (it never reaches the wire)."""
    e = neutral.esp(transform)
    return {"encryption": _cipher(e.encryption, e.key_size), "hash": HASH[e.integrity or "sha256"]}


def ike(proposal: str) -> dict:
    """ike-group proposal: encryption, hash (the PRF for AEAD), DH group number, optional prf."""
    p = neutral.ike(proposal)
    explicit_prf = any(w.startswith("prf") for w in proposal.split("-"))
    return {"encryption": _cipher(p.encryption, p.key_size), "hash": HASH[p.integrity or p.prf],
            "dh_group": str(neutral.dh_group(p.dh)), "prf": f"prf{p.prf}" if explicit_prf else None}


def problems(overlay, device: str) -> list[str]:
    """What the intent asks that VyOS's CLI would refuse (ranges from the vyos-1x definitions)."""
    i, out = overlay.intent, []
    if i.ike.lifetime > LIFETIME_IKE_MAX:
        out.append(f"ike.lifetime: VyOS (device {device!r}) takes an IKE lifetime of at most "
                   f"{LIFETIME_IKE_MAX} s, not {i.ike.lifetime}")
    if i.ike.dpd_delay < DPD_MIN:
        out.append(f"ike.dpd_delay: VyOS (device {device!r}) takes a DPD interval of at least {DPD_MIN} s")
    lo, hi = LIFETIME_ESP
    if not lo <= i.ipsec.lifetime <= hi:
        out.append(f"ipsec.lifetime: VyOS (device {device!r}) takes an ESP lifetime of {lo}-{hi} s")
    try:
        esp(i.ipsec.transform)
        ike(i.ike.proposal)
    except (neutral.ProposalError, KeyError) as e:
        out.append(f"ike.proposal: VyOS (device {device!r}): {e}")
    return out
