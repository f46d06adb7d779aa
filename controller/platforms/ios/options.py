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


STYLES = ("tunnel-protection", "crypto-map")


class Options(NamedTuple):
    style: str = "tunnel-protection"
    wan_acl: bool = False


def all_data(overlay) -> dict[str, dict]:
    """Device -> its Nornir host data (resolved once by the inventory loader, with inheritance)."""
    return {name: dev.data for name, dev in overlay.devices.items()}


def of(overlay, device: str) -> Options:
    d = all_data(overlay).get(device, {})
    return Options(style=d.get("ios_style", "tunnel-protection"), wan_acl=d.get("ios_wan_acl", False))


def problems(overlay, device: str) -> list[str]:
    d = all_data(overlay).get(device, {})
    out = []
    if d.get("ios_style", STYLES[0]) not in STYLES:
        out.append(f"data.ios_style: unknown style {d['ios_style']!r} (one of {', '.join(STYLES)})")
    if not isinstance(d.get("ios_wan_acl", False), bool):
        out.append(f"data.ios_wan_acl: must be true or false (got {d['ios_wan_acl']!r})")
    return out
