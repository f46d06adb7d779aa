"""MTU arithmetic for GRE over IPsec, exactly as the Linux kernel enforces it.

The kernel bounds what fits through an ESP state with ``xfrm_state_mtu()``::

    ((mtu - header_len - icv - net_adj) & ~(block - 1)) + net_adj - 2

where ``header_len`` is the ESP header (8) + IV (+ 20 outer IPv4 in tunnel mode,
+ 8 UDP with NAT-T), ``net_adj`` is the 20-byte IPv4 header in transport mode
(0 in tunnel mode) and ``block`` is the cipher block size aligned to 4.
That bounds the GRE packet; the passenger gets that minus the GRE header.

>>> m = compute(1500, "aes128gcm16")
>>> (m.gre_mtu, m.path_mtu, m.tcp_mss, m.max_df_payload)
(1476, 1442, 1402, 1414)
>>> compute(1500, "aes256-sha256").path_mtu
1434

The same tunnel MTU serves IPv6 passengers (issue 22): only the inner header differs (40 bytes,
no options), so a DF ping carries 48 bytes less than the MTU and the MSS is 60 less:

>>> m6 = inner(compute(1500, "aes128gcm16"), "ipv6")
>>> (m6.path_mtu, m6.tcp_mss, m6.max_df_payload)
(1442, 1382, 1394)
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from functools import lru_cache

IPV4 = 20
IPV6 = 40
IPV6_MIN_MTU = 1280  # RFC 8200 section 5: every link that carries IPv6
GRE = 4
GRE_KEY = 4
ESP_HDR = 8   # SPI + sequence number
UDP = 8       # NAT-T encapsulation
ICMP = 8

# cipher -> (iv bytes, block bytes as the kernel aligns it)
_CBC = {"aes128": (16, 16), "aes192": (16, 16), "aes256": (16, 16), "3des": (8, 8)}
# integrity -> icv bytes (RFC 4868 truncations, as strongSwan/kernel use them)
_INTEG = {"sha1": 12, "sha256": 16, "sha384": 24, "sha512": 32, "md5": 12}
_AEAD = re.compile(r"^aes(128|192|256)gcm(8|12|16)$")


class MtuError(ValueError):
    pass


@dataclass(frozen=True)
class EspOverhead:
    iv: int
    icv: int
    block: int


def esp_params(transform: str) -> EspOverhead:
    """IV, ICV and block alignment of an ESP transform (strongSwan proposal syntax).

    >>> esp_params("aes256gcm16")
    EspOverhead(iv=8, icv=16, block=4)
    >>> esp_params("aes128-sha1")
    EspOverhead(iv=16, icv=12, block=16)
    """
    t = transform.lower()
    m = _AEAD.fullmatch(t)
    if m:
        return EspOverhead(iv=8, icv=int(m.group(2)), block=4)
    if t == "chacha20poly1305":
        return EspOverhead(iv=8, icv=16, block=4)
    parts = t.split("-")
    if len(parts) == 2 and parts[0] in _CBC and parts[1] in _INTEG:
        iv, block = _CBC[parts[0]]
        return EspOverhead(iv=iv, icv=_INTEG[parts[1]], block=max(4, block))
    raise MtuError(f"unknown ESP transform {transform!r}")


def known_transform(transform: str) -> bool:
    try:
        esp_params(transform)
        return True
    except MtuError:
        return False


@dataclass(frozen=True)
class Mtu:
    underlay_mtu: int
    gre_mtu: int          # GRE device MTU the kernel would give (underlay - GRE header)
    esp_mtu: int          # largest GRE packet the ESP state lets through (xfrm_state_mtu)
    path_mtu: int         # largest passenger IP packet through the protected tunnel
    tcp_mss: int          # MSS to clamp: path_mtu - 40
    max_df_payload: int   # largest `ping -M do -s N` that passes: path_mtu - 28

    def as_dict(self) -> dict:
        return asdict(self)


def xfrm_state_mtu(mtu: int, transform: str, mode: str = "transport", nat_t: bool = False) -> int:
    """The kernel's bound on an IPv4 packet entering one ESP state (net/xfrm/xfrm_state.c).

    >>> xfrm_state_mtu(1500, "aes128gcm16")
    1466
    """
    p = esp_params(transform)
    header_len = ESP_HDR + p.iv + (IPV4 if mode == "tunnel" else 0) + (UDP if nat_t else 0)
    net_adj = IPV4 if mode == "transport" else 0
    return ((mtu - header_len - p.icv - net_adj) & ~(p.block - 1)) + net_adj - 2


@lru_cache(maxsize=4096)  # pure, and its result is frozen: a render asks once per tunnel end
def compute(underlay_mtu: int, transform: str, mode: str = "transport",
            gre_key: bool = False, nat_t: bool = False) -> Mtu:
    if not 576 <= underlay_mtu <= 9216:
        raise MtuError(f"underlay MTU {underlay_mtu} is outside 576-9216")
    if mode not in ("transport", "tunnel"):
        raise MtuError(f"unknown IPsec mode {mode!r}")
    gre_hdr = IPV4 + GRE + (GRE_KEY if gre_key else 0)
    gre_mtu = underlay_mtu - gre_hdr
    esp_mtu = xfrm_state_mtu(underlay_mtu, transform, mode, nat_t)
    path = min(gre_mtu, esp_mtu - gre_hdr)
    return Mtu(underlay_mtu, gre_mtu, esp_mtu, path, path - 40, path - IPV4 - ICMP)


def inner(m: Mtu, family: str) -> Mtu:
    """``m``'s figures for passengers of ``family``: the tunnel MTU is the same; IPv6 has a 40-byte
    header, so MSS = MTU - 60 and the largest ``ping -6 -M do -s`` = MTU - 48."""
    if family == "ipv4":
        return m
    if family != "ipv6":
        raise MtuError(f"unknown inner family {family!r} (ipv4 or ipv6)")
    return replace(m, tcp_mss=m.path_mtu - IPV6 - 20, max_df_payload=m.path_mtu - IPV6 - ICMP)


def ipv6_problem(m: Mtu, transform: str, mode: str) -> str | None:
    """Why a tunnel of MTU ``m.path_mtu`` cannot carry IPv6 (below its 1280 minimum), or None.

    >>> ipv6_problem(compute(1300, "aes256-sha512"), "aes256-sha512", "transport")
    'tunnel MTU 1210 is below 1280, the least IPv6 may be carried over (underlay MTU 1300, ESP aes256-sha512 transport)'
    """
    if m.path_mtu >= IPV6_MIN_MTU:
        return None
    return (f"tunnel MTU {m.path_mtu} is below {IPV6_MIN_MTU}, the least IPv6 may be carried over "
            f"(underlay MTU {m.underlay_mtu}, ESP {transform} {mode})")
