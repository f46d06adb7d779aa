"""The overlay intent as pydantic models: the single source of truth.

Raw models mirror ``overlay.yaml`` field by field (unknown fields are errors).
``Overlay`` is the resolved whole: intent + Nornir hosts + allocation, built by
``controller.inventory``.
"""
from __future__ import annotations

import re
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

NAME_RE = r"^[a-z][a-z0-9-]{0,14}$"  # fits Linux ifnames as gre-<name> (15 chars max)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Wan(Strict):
    interface: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_./-]{0,14}$")
    address: IPv4Interface
    gateway: IPv4Address | None = None
    mtu: int = Field(1500, ge=576, le=9216)

    @field_validator("address")
    @classmethod
    def _host_address(cls, v: IPv4Interface) -> IPv4Interface:
        if v.network.prefixlen < 31 and v.ip in (v.network.network_address, v.network.broadcast_address):
            raise ValueError(f"{v} is the network or broadcast address of its prefix")
        return v

    @property
    def next_hop(self) -> IPv4Address:
        """The underlay gateway: explicit, or the other usable host of a /30 or /31."""
        if self.gateway is not None:
            return self.gateway
        hosts = [h for h in self.address.network.hosts() if h != self.address.ip]
        return hosts[0]


class PskRef(Strict):
    """Where a pre-shared key lives. Never the key itself."""
    env: str | None = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    file: str | None = None


class Router(Strict):
    wan: Wan
    lans: list[IPv4Network] = Field(min_length=1)
    router_id: IPv4Address | None = None


class Hub(Router):
    pass


class Site(Router):
    id: int = Field(ge=1, le=65535)
    hub: str
    psk: PskRef | None = None


class Ike(Strict):
    version: Literal[2] = 2
    proposal: str = "aes256-sha256-x25519"
    lifetime: int = Field(86400, ge=300, le=604800)
    dpd_delay: int = Field(10, ge=1, le=3600)


class Ipsec(Strict):
    transform: str = "aes128gcm16"
    mode: Literal["transport", "tunnel"] = "transport"
    lifetime: int = Field(3600, ge=120, le=86400)


class Gre(Strict):
    key: bool = False
    ttl: int = Field(64, ge=1, le=255)


class Ospf(Strict):
    process: int = Field(1, ge=1, le=65535)
    area: IPv4Address = IPv4Address("0.0.0.0")
    hello: int = Field(10, ge=1, le=65535)
    dead: int = Field(40, ge=1, le=65535)

    @field_validator("area", mode="before")
    @classmethod
    def _area_number(cls, v):
        return IPv4Address(v) if isinstance(v, int) else v


class Lab(Strict):
    name: str = Field("grectl", pattern=r"^[a-z0-9][a-z0-9-]{0,7}$")
    mgmt_network: IPv4Network = IPv4Network("172.31.255.0/24")


class Intent(Strict):
    """``overlay.yaml``."""
    tunnel_pool: IPv4Network
    tunnel_prefixlen: Literal[30, 31] = 30
    ike: Ike = Ike()
    ipsec: Ipsec = Ipsec()
    gre: Gre = Gre()
    nat_t: bool = False
    ospf: Ospf = Ospf()
    psk: PskRef
    lab: Lab = Lab()
    hubs: dict[str, Hub] = Field(min_length=1)
    sites: dict[str, Site] = {}

    @field_validator("hubs", "sites")
    @classmethod
    def _names(cls, v: dict) -> dict:
        for name in v:
            if not re.match(NAME_RE, name):
                raise ValueError(f"name {name!r} must match {NAME_RE} (lower case, at most 15 characters)")
        return v


# ---------------------------------------------------------------- resolved model

class TunnelEnd(Strict):
    device: str
    interface: str            # Linux link name / platform interface name
    number: int               # Tunnel<number> on platforms that number tunnels
    address: IPv4Interface    # tunnel address with prefix
    wan: IPv4Address          # local underlay address (tunnel source)
    peer_wan: IPv4Address     # remote underlay address (tunnel destination)
    peer: str


class Tunnel(Strict):
    """One hub <-> site tunnel, fully allocated."""
    site: str
    hub: str
    subnet: IPv4Network
    hub_end: TunnelEnd
    site_end: TunnelEnd
    psk_ref: PskRef

    def end(self, device: str) -> TunnelEnd:
        return self.hub_end if device == self.hub else self.site_end


class Device(Strict):
    name: str
    role: Literal["hub", "site"]
    platform: str
    hostname: str
    wan: Wan
    lans: tuple[IPv4Network, ...]
    router_id: IPv4Address
    lan_interfaces: tuple[str, ...]


class Overlay(Strict):
    """Everything a renderer, the lab, deploy and verify need, resolved once."""
    inventory_dir: str
    intent: Intent
    devices: dict[str, Device]
    tunnels: tuple[Tunnel, ...]

    def tunnels_of(self, device: str, site: str | None = None) -> list[Tunnel]:
        """The tunnels ending on ``device``; with ``site``, only that site's (the --site scope)."""
        index = self.__dict__.get("_by_device")
        if index is None:  # built once; the model is frozen
            index = {}
            for t in self.tunnels:
                index.setdefault(t.hub, []).append(t)
                index.setdefault(t.site, []).append(t)
            self.__dict__["_by_device"] = index
        return [t for t in index.get(device, []) if site is None or t.site == site]

    def tunnel_mtu(self, t: Tunnel) -> int:
        """MTU set on both ends of a tunnel: the smaller path MTU of the two, so OSPF MTUs match
        and hosts see one PMTUD round."""
        from .mtu import compute
        i = self.intent
        return min(compute(self.devices[d].wan.mtu, i.ipsec.transform, i.ipsec.mode, i.gre.key, i.nat_t).path_mtu
                   for d in (t.hub, t.site))

    def scoped(self, site: str | None) -> list[Tunnel]:
        """The tunnels a ``--site`` scope touches (all without one)."""
        return [t for t in self.tunnels if site is None or t.site == site]

    def devices_in_scope(self, site: str | None = None, device: str | None = None) -> list[str]:
        """Devices a --site/--device scope touches: the site and its hub, or everything."""
        from .errors import GrectlError
        if site is not None and site not in self.intent.sites:
            raise GrectlError(f"unknown site {site!r} (sites: {', '.join(sorted(self.intent.sites)) or 'none'})")
        if device is not None and device not in self.devices:
            raise GrectlError(f"unknown device {device!r}")
        names = sorted(self.devices) if site is None else [self.intent.sites[site].hub, site]
        return [n for n in names if device is None or n == device]
