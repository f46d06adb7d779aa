"""Per-device IOS options, read from the Nornir host ``data`` (with Nornir's inheritance: the host,
then its groups in order, then ``defaults.yaml``), so one option can be set per site (hosts.yaml),
per group of routers (groups.yaml) or overlay wide (defaults.yaml ``data:``)::

    osaka:
      platform: ios
      data: {ios_style: crypto-map, ios_wan_acl: true}

- ``ios_style``: ``tunnel-protection`` (default: IKEv2 profile + ``tunnel protection ipsec profile``)
  or ``crypto-map`` (seed 002: a crypto map with a ``permit gre`` ACL on the WAN interface).
- ``ios_wan_acl``: also apply the inbound WAN ACL that permits ESP, IKE and GRE from the peers
  (crypto-map style; default false, because it drops every other packet arriving on the WAN,
  management included, as in seed 002 where the Dialer carried nothing else).

The overlay model stays vendor-neutral: these are how an IOS device runs the intent, not part of it.
"""
from __future__ import annotations

from typing import NamedTuple

from pydantic import field_validator

from ..base import HostOptions

STYLES = ("tunnel-protection", "crypto-map")


class Options(NamedTuple):
    style: str = "tunnel-protection"
    wan_acl: bool = False


class IosOptions(HostOptions):
    """The IOS keys of a device's host data."""
    ios_style: str = STYLES[0]
    ios_wan_acl: bool = False

    @field_validator("ios_style", mode="before")
    @classmethod
    def _style(cls, v):
        if not isinstance(v, str) or v not in STYLES:
            raise ValueError(f"unknown style {v!r} (one of {', '.join(STYLES)})")
        return v

    @field_validator("ios_wan_acl", mode="before")
    @classmethod
    def _wan_acl(cls, v):
        if not isinstance(v, bool):
            raise ValueError(f"must be true or false (got {v!r})")
        return v


def of(overlay, device: str) -> Options:
    o = IosOptions.model_validate(overlay.devices[device].data)
    return Options(style=o.ios_style, wan_acl=o.ios_wan_acl)
