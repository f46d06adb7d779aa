"""Platforms are data: what each can do, and which renderer (if any) writes its config.

One folder per platform that grectl renders (``linux/`` today); the rest are
capability tables so validation can already answer for them.
"""
from __future__ import annotations

from dataclasses import dataclass

_GCM = {f"aes{k}gcm{i}" for k in (128, 256) for i in (8, 12, 16)}
_CBC = {f"aes{k}-{h}" for k in (128, 256) for h in ("sha1", "sha256", "sha384", "sha512")}


@dataclass(frozen=True)
class Platform:
    name: str
    transforms: frozenset[str]
    renders: bool = False  # has a renderer in controller/platforms/<name>/


PLATFORMS: dict[str, Platform] = {
    p.name: p
    for p in (
        # strongSwan with the lean charon plugin set (aes sha1 sha2 hmac gcm openssl)
        Platform("linux", frozenset(_GCM | _CBC | {"chacha20poly1305"}), renders=True),
        Platform("ios", frozenset({"aes128gcm16", "aes256gcm16"} | _CBC | {"3des-sha1"})),
        Platform("iosxe", frozenset({"aes128gcm16", "aes256gcm16"} | _CBC)),
        Platform("vyos", frozenset(_GCM | _CBC | {"chacha20poly1305"})),
        Platform("huawei_vrp", frozenset({"aes128gcm16", "aes256gcm16"} | _CBC)),
        Platform("junos", frozenset({"aes128gcm16", "aes256gcm16"} | {t for t in _CBC if "sha512" not in t})),
    )
}
