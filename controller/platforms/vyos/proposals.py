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
from ..derived import mtu_problems

GCM_ICV_BITS = {"aes-gcm-16": 128, "aes-gcm-12": 96, "aes-gcm-8": 64}
HASH = {"sha1": "sha1", "sha256": "sha256", "sha384": "sha384", "sha512": "sha512", "md5": "md5"}


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
    """The proposals VyOS has no keyword for."""
    i, out = overlay.intent, []
    try:
        esp(i.ipsec.transform)
        ike(i.ike.proposal)
    except (neutral.ProposalError, KeyError) as e:
        out.append(f"ike.proposal: VyOS (device {device!r}): {e}")
    return out


def range_problems(overlay, device: str) -> list[str]:
    """Every number the VyOS rendering of ``device`` carries, against the range VyOS's CLI takes
    (``values.RANGES``, from the vyos-1x definitions); a derived number names the field it comes from."""
    from .values import out_of_range
    i, out = overlay.intent, []
    who = f"VyOS (device {device!r})"

    def check(field, what, value, leaf, note=""):
        why = out_of_range(what, value)
        if why:
            out.append(f"{field}: {who}: {leaf} {why}{note}")

    check("ike.lifetime", "ike_lifetime", i.ike.lifetime, "ike-group lifetime")
    check("ipsec.lifetime", "esp_lifetime", i.ipsec.lifetime, "esp-group lifetime")
    check("ike.dpd_delay", "dpd_interval", i.ike.dpd_delay, "dead-peer-detection interval")
    check("ike.dpd_delay", "dpd_timeout", min(86400, max(2, i.ike.dpd_delay * 4)), "dead-peer-detection timeout")
    check("ospf.hello", "ospf_hello", i.ospf.hello, "ospf hello-interval")
    check("ospf.dead", "ospf_dead", i.ospf.dead, "ospf dead-interval")
    check("gre.ttl", "gre_ttl", i.gre.ttl, "parameters ip ttl")
    for t in overlay.tunnels_of(device):
        if i.gre.key:
            check(f"sites.{t.site}.id", "gre_key", t.hub_end.number, "parameters ip key",
                  " (the GRE key is the site id)")
        iface = t.end(device).interface
        out += mtu_problems(overlay, device, t, who, check, f"tunnel {iface} mtu", f"tunnel {iface} ip adjust-mss")
    return sorted(set(out), key=out.index)
