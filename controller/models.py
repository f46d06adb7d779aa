"""The overlay intent as pydantic models: the single source of truth.

Raw models mirror ``overlay.yaml`` field by field (unknown fields are errors).
``Overlay`` is the resolved whole: intent + Nornir hosts + allocation, built by
``controller.inventory``.
"""
from __future__ import annotations

from ipaddress import IPv4Address, IPv4Interface, IPv4Network, IPv6Interface, IPv6Network
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_serializer, model_validator

from .family import unusable6
from .model_values import (  # noqa: F401 - re-exported: the intent's value types
    IFACE_MAX,
    IFACE_RE,
    NAME_RE,
    TOKEN_MAX,
    TOKEN_RE,
    UNUSABLE,
    Addr,
    Iface,
    Int,
    LanNet,
    Net,
    Net6,
    _no_bool,
    _text_only,
    check_token,
    is_name,
    unusable,
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Wan(Strict):
    interface: str = Field(pattern=IFACE_RE)  # per platform: Platform.check_interface
    address: Iface
    gateway: Addr | None = None
    mtu: int = Int(1500, ge=576, le=9216)

    @field_validator("address")
    @classmethod
    def _host_address(cls, v: IPv4Interface) -> IPv4Interface:
        why = unusable(v.ip)
        if why:
            raise ValueError(f"{v.ip} is {why}")
        if v.network.prefixlen < 31 and v.ip in (v.network.network_address, v.network.broadcast_address):
            raise ValueError(f"{v} is the network or broadcast address of its prefix")
        return v

    @field_validator("gateway")
    @classmethod
    def _gateway(cls, v: IPv4Address | None) -> IPv4Address | None:
        why = unusable(v) if v is not None else None
        if why:
            raise ValueError(f"{v} is {why}")
        return v

    @model_validator(mode="after")
    def _next_hop_exists(self) -> "Wan":
        net = self.address.network
        if self.gateway is None:
            if net.prefixlen == 32:
                raise ValueError(f"a /32 WAN address ({self.address}) needs a gateway: there is no other "
                                 "address on its prefix to route the underlay through")
        elif self.gateway == self.address.ip:
            raise ValueError(f"gateway {self.gateway} is the router's own WAN address")
        elif net.prefixlen < 31 and self.gateway in (net.network_address, net.broadcast_address):
            raise ValueError(f"gateway {self.gateway} is the network or broadcast address of {net}")
        return self

    @property
    def next_hop(self) -> IPv4Address:
        """The underlay gateway: explicit, or the other usable host of a /30 or /31."""
        if self.gateway is not None:
            return self.gateway
        hosts = [h for h in self.address.network.hosts() if h != self.address.ip]
        return hosts[0]


class PskRef(Strict):
    """Where a pre-shared key lives. Never the key itself.

    ``check_mode: false`` lets a key file be readable by group or others (as on a file system
    without Unix modes); by default such a file is refused, as OpenSSH refuses a private key."""
    env: str | None = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")
    file: str | None = Field(None, min_length=1, max_length=4096)
    check_mode: bool = Field(True, strict=True)

    @field_validator("file")
    @classmethod
    def _path(cls, v: str | None) -> str | None:
        if v is not None and not v.isprintable():
            raise ValueError("a file path cannot hold control characters")
        return v


class Router(Strict):
    wan: Wan
    lans: list[LanNet] = Field(min_length=1, max_length=256)  # IPv4 and IPv6 prefixes, mixed
    router_id: Addr | None = None

    @field_validator("lans")
    @classmethod
    def _lans(cls, v: list[IPv4Network | IPv6Network]) -> list[IPv4Network | IPv6Network]:
        for lan in v:
            why = unusable(lan) if lan.version == 4 else unusable6(lan)
            if why:
                raise ValueError(f"LAN prefix {lan} is {why}")
            if lan.prefixlen > lan.max_prefixlen - 1:
                raise ValueError(f"LAN prefix {lan} is too small to hold the router's address "
                                 "(its first host address) and a host")
        return v

    @model_validator(mode="after")
    def _ipv4_router_id(self) -> "Router":
        if self.router_id is None and not any(lan.version == 4 for lan in self.lans):
            raise ValueError("a router with only IPv6 LANs needs router_id: the OSPF router-id (OSPFv3's "
                             "too) is an IPv4 dotted quad, taken by default from the first IPv4 LAN")
        return self

    @property
    def lans4(self) -> list[IPv4Network]:
        return [lan for lan in self.lans if lan.version == 4]

    @property
    def lans6(self) -> list[IPv6Network]:
        return [lan for lan in self.lans if lan.version == 6]

    @field_validator("router_id")
    @classmethod
    def _router_id(cls, v: IPv4Address | None) -> IPv4Address | None:
        if v is not None and (v == IPv4Address("0.0.0.0") or v == IPv4Address("255.255.255.255")):
            raise ValueError(f"router-id {v} is not usable (OSPF reserves it)")
        return v


class Hub(Router):
    # numbers the hub-to-hub tunnels (issue 23): needed only by a hub a dual-homed site names
    id: int | None = Int(None, ge=1, le=255)


class Site(Router):
    id: int = Int(ge=1, le=65535)
    hub: str = Field(pattern=NAME_RE)
    # dual-homed sites (issue 23): [primary, backup] instead of ``hub:``; ``hub`` is then the primary
    hubs: tuple[Annotated[str, Field(pattern=NAME_RE)], ...] | None = Field(None, min_length=2, max_length=2)
    psk: PskRef | None = None

    @model_validator(mode="before")
    @classmethod
    def _hub_or_hubs(cls, v):
        if isinstance(v, dict) and v.get("hubs") is not None:
            if v.get("hub") is not None:  # even the primary: one way to say it, never two to keep in step
                raise ValueError("name either hub (one hub) or hubs ([primary, backup]), not both")
            hubs = v["hubs"]
            if isinstance(hubs, (list, tuple)) and hubs and isinstance(hubs[0], str):
                v = {**v, "hub": hubs[0]}
        return v

    @field_validator("hubs")
    @classmethod
    def _distinct(cls, v):
        if v is not None and len(set(v)) != len(v):
            raise ValueError(f"hubs {list(v)} name the same hub twice")
        return v

    @model_serializer(mode="wrap")
    def _without_derived_hub(self, handler):
        """A dual-homed site dumps ``hubs`` only (``hub`` is derived from it), so a dump validates again."""
        out = handler(self)
        if self.hubs is not None and isinstance(out, dict):
            out.pop("hub", None)
        return out

    @property
    def homes(self) -> tuple[str, ...]:
        """The hubs this site is homed on, primary first."""
        return tuple(self.hubs) if self.hubs else (self.hub,)


class Ike(Strict):
    version: Literal[2] = 2
    proposal: str = Field("aes256-sha256-x25519", strict=True)
    lifetime: int = Int(86400, ge=300, le=604800)
    dpd_delay: int = Int(10, ge=1, le=3600)

    _proposal = field_validator("proposal")(classmethod(lambda cls, v: check_token(v)))


class Ipsec(Strict):
    transform: str = Field("aes128gcm16", strict=True)
    mode: Literal["transport", "tunnel"] = "transport"
    lifetime: int = Int(3600, ge=120, le=86400)

    _transform = field_validator("transform")(classmethod(lambda cls, v: check_token(v)))


class Gre(Strict):
    key: bool = Field(False, strict=True)
    ttl: int = Int(64, ge=1, le=255)


class Ospf(Strict):
    process: int = Int(1, ge=1, le=65535)
    area: IPv4Address = IPv4Address("0.0.0.0")
    hello: int = Int(10, ge=1, le=65535)
    dead: int = Int(40, ge=1, le=65535)
    # dual-homed sites (issue 23): the OSPF cost of the primary tunnel (and of hub-to-hub tunnels)
    # and of the backup tunnel, set on both ends
    cost: int = Int(10, ge=1, le=65535)
    backup_cost: int = Int(100, ge=1, le=65535)

    @field_validator("area", mode="before")
    @classmethod
    def _area_number(cls, v):
        _no_bool(v)
        if isinstance(v, float):
            raise ValueError("an area is a number or a dotted quad, not a fraction")
        return IPv4Address(v) if isinstance(v, int) and 0 <= v < 2 ** 32 else v


class Lab(Strict):
    name: str = Field("grectl", pattern=r"^[a-z0-9][a-z0-9-]{0,7}$")
    mgmt_network: Net = IPv4Network("172.31.255.0/24")


class Intent(Strict):
    """``overlay.yaml``."""
    tunnel_pool: Net
    tunnel_prefixlen: Annotated[Literal[30, 31], BeforeValidator(_no_bool)] = 30
    # dual-stack tunnels' global addresses (optional: OSPFv3 runs on link-local addresses either way)
    tunnel_pool6: Net6 | None = None
    tunnel_prefixlen6: Annotated[Literal[64, 127], BeforeValidator(_no_bool)] = 64
    # hub-to-hub tunnels (issue 23): a /tunnel_prefixlen per pair of hub ids, needed with dual-homed sites
    hub_pool: Net | None = None
    ike: Ike = Ike()
    ipsec: Ipsec = Ipsec()
    gre: Gre = Gre()
    nat_t: bool = Field(False, strict=True)
    ospf: Ospf = Ospf()
    psk: PskRef
    lab: Lab = Lab()
    hubs: dict[str, Hub] = Field(min_length=1)
    sites: dict[str, Site] = {}

    @field_validator("hubs", "sites", mode="before")
    @classmethod
    def _names(cls, v):
        from .errors import shown
        for name in v if isinstance(v, dict) else ():
            if not is_name(name):
                raise ValueError(f"name {shown(name)} must match {NAME_RE} (lower case, at most 15 characters)")
        return v

    @field_validator("tunnel_pool")
    @classmethod
    def _pool(cls, v: IPv4Network) -> IPv4Network:
        why = unusable(v)
        if why:
            raise ValueError(f"tunnel pool {v} is {why}")
        return v

    @field_validator("tunnel_pool6")
    @classmethod
    def _pool6(cls, v: IPv6Network | None) -> IPv6Network | None:
        why = unusable6(v) if v is not None else None
        if why:
            raise ValueError(f"tunnel pool {v} is {why}")
        return v


# ---------------------------------------------------------------- resolved model

class TunnelEnd(Strict):
    device: str
    interface: str            # Linux link name / platform interface name
    number: int               # Tunnel<number> on platforms that number tunnels
    address: IPv4Interface    # tunnel address with prefix
    link_local: IPv6Interface | None = None  # dual-stack tunnels: OSPFv3 runs on it
    address6: IPv6Interface | None = None    # dual-stack tunnels with a tunnel_pool6: global address
    wan: IPv4Address          # local underlay address (tunnel source)
    peer_wan: IPv4Address     # remote underlay address (tunnel destination)
    peer: str


class Tunnel(Strict):
    """One hub <-> site tunnel, fully allocated. A hub-to-hub tunnel (``kind="hubs"``) has the
    lower-id hub as ``hub`` and the other as ``site``."""
    site: str
    hub: str
    kind: Literal["primary", "backup", "hubs"] = "primary"
    cost: int | None = None   # OSPF cost on both ends; None (single-homed sites): the platform default
    subnet: IPv4Network
    subnet6: IPv6Network | None = None  # dual-stack tunnels with a tunnel_pool6
    families: tuple[Literal["ipv4", "ipv6"], ...] = ("ipv4",)  # what it carries
    hub_end: TunnelEnd
    site_end: TunnelEnd
    psk_ref: PskRef

    def end(self, device: str) -> TunnelEnd:
        return self.hub_end if device == self.hub else self.site_end

    def seen_from(self, hub: str) -> "Tunnel":
        """This tunnel with ``hub``'s end as its ``hub_end`` and the other end's device as ``site``:
        a hub-to-hub tunnel seen from its higher-id hub; any other tunnel unchanged. What a hub
        keeps of a failed peer's tunnel (``keep_site``) is named from the hub's own end."""
        if self.kind != "hubs" or hub != self.site:
            return self
        return self.model_copy(update={"hub": self.site, "site": self.hub, "hub_end": self.site_end,
                                       "site_end": self.hub_end})


class Device(Strict):
    name: str
    role: Literal["hub", "site"]
    platform: str
    hostname: str
    wan: Wan
    lans: tuple[IPv4Network, ...]             # IPv4 LANs, one interface each (lan_interfaces)
    router_id: IPv4Address                    # OSPFv2's and OSPFv3's
    lan_interfaces: tuple[str, ...]
    lans6: tuple[IPv6Network, ...] = ()       # IPv6 LANs: the n-th on lan<n>, beside the n-th IPv4 LAN
    lan6_interfaces: tuple[str, ...] = ()
    data: dict = {}     # Nornir host data after inheritance: per-platform options (e.g. ios_style)
    # where each inherited value is written: "platform", "hostname", "port", "data.<key>" ->
    # "<file>: <entry path>" (e.g. "inventory/groups.yaml: cisco.data.ios_style")
    origins: dict[str, str] = {}


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

    def families(self, device: str) -> tuple[str, ...]:
        """The address families ``device`` routes: IPv6 too when it has an IPv6 LAN or a tunnel
        of it is dual-stack (a peer's IPv6 LAN makes the tunnel so)."""
        d = self.devices[device]
        six = bool(d.lans6) or any("ipv6" in t.families for t in self.tunnels_of(device))
        return ("ipv4", "ipv6") if six else ("ipv4",)

    def lans_of(self, device: str, family: str) -> tuple:
        """``device``'s LAN prefixes of one family."""
        d = self.devices[device]
        return d.lans if family == "ipv4" else d.lans6

    def tunnel_mtu(self, t: Tunnel) -> int:
        """MTU set on both ends of a tunnel: the smaller path MTU of the two, so OSPF MTUs match
        and hosts see one PMTUD round."""
        from .mtu import compute
        i = self.intent
        return min(compute(self.devices[d].wan.mtu, i.ipsec.transform, i.ipsec.mode, i.gre.key, i.nat_t).path_mtu
                   for d in (t.hub, t.site))

    def scoped(self, site: str | None) -> list[Tunnel]:
        """The tunnels a ``--site`` verify judges (all without one): the site's, and for a dual-homed
        site the hub-to-hub tunnel between its hubs (it carries a hub's LAN when the primary fails)."""
        if site is None:
            return list(self.tunnels)
        homes = set(self.intent.sites[site].homes)
        return [t for t in self.tunnels if t.site == site or (t.kind == "hubs" and {t.hub, t.site} <= homes)]

    def devices_in_scope(self, site: str | None = None, device: str | None = None) -> list[str]:
        """Devices a --site/--device scope touches: the site and its hub, or everything."""
        from .errors import GrectlError
        if site is not None and site not in self.intent.sites:
            raise GrectlError(f"unknown site {site!r} (sites: {', '.join(sorted(self.intent.sites)) or 'none'})")
        if device is not None and device not in self.devices:
            raise GrectlError(f"unknown device {device!r}")
        names = sorted(self.devices) if site is None else sorted(self.intent.sites[site].homes) + [site]
        return [n for n in names if device is None or n == device]
