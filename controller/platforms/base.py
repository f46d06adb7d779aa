"""What a platform is: capabilities as data, and pure functions behind one contract.

In the spirit of NAPALM's ``NetworkDriver``: the core (render dispatch, deploy, verify judge)
knows only this class. A platform renders its own config text, masks its own secrets, says
which commands collect its state and parses their output into a vendor-neutral
``DeviceState``. Device I/O stays in ``tasks/``: it opens the connection the capabilities
name and runs what the platform asks.

>>> p = Platform("demo", Capabilities(transforms=frozenset({"aes128gcm16"})))
>>> p.can_render, p.check_device_name("x" * 40)
(False, None)
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from ..allocate import BACKUP_BASE, HUBS_BASE, interface_number  # noqa: F401  (the core's, for platforms)
from . import clab as _clab

if TYPE_CHECKING:  # pragma: no cover
    from ..models import Overlay, Tunnel
    from ..state import DeviceState

# The text forms of contract v1 (``Platform.check`` returned strings): a problem about host data,
# in either spelling, and a platform that cannot run the device at all.
PLATFORM_DATA_RE = re.compile(r"platform: (?P<plat>[^:\s]+): data\.(?P<key>[^:\s]+)(?::\s*|\s+)(?P<rest>.*)", re.S)
UNSUPPORTED_RE = re.compile(r"platform: (?P<rest>.*)", re.S)
HOSTS_DATA_RE = re.compile(r"hosts\.(?P<host>[^.\s]+)\.data\.(?P<key>[^:\s]+)(?::\s*|\s+)(?P<rest>.*)", re.S)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a device's intent as its platform would run it, structured so the
    inventory names the file without reading prefixes:

    - ``intent``: ``field`` is a field of overlay.yaml (``ipsec.transform``);
    - ``host_data``: ``field`` is a host data key (``ios_style``), named at the file that sets it;
    - ``platform``: the device's platform itself (not supported): no further check runs.

    >>> str(Problem("host_data", "ios_style", "unknown style 'x'", "ios"))
    "platform: ios: data.ios_style: unknown style 'x'"
    >>> Problem.parse("hosts.osaka.data.fake_release: '2' is not a release", "fake")
    Problem(kind='host_data', field='fake_release', message="'2' is not a release", platform='fake')
    >>> Problem.parse("ipsec.mode: cannot do tunnel mode").field
    'ipsec.mode'
    """
    kind: Literal["intent", "host_data", "platform"]
    field: str
    message: str
    platform: str = ""

    @property
    def stops(self) -> bool:
        return self.kind == "platform"

    def __str__(self) -> str:
        if self.kind == "platform":
            return f"platform: {self.message}"
        if self.kind == "host_data":
            return f"platform: {self.platform}: data.{self.field}: {self.message}"
        return f"{self.field}: {self.message}" if self.field else self.message

    @classmethod
    def intent(cls, text: str) -> "Problem":
        """``field: what is wrong`` (the text form platform helpers return)."""
        field, sep, rest = text.partition(": ")
        return cls("intent", field, rest) if sep else cls("intent", "", text)

    @classmethod
    def parse(cls, text: str, platform: str = "") -> "Problem":
        """A v1 text problem, structured (a plugin whose ``check`` still returns strings)."""
        m = PLATFORM_DATA_RE.fullmatch(text) or HOSTS_DATA_RE.fullmatch(text)
        if m:
            return cls("host_data", m["key"], m["rest"], m.groupdict().get("plat") or platform)
        m = UNSUPPORTED_RE.fullmatch(text)
        if m:
            return cls("platform", "platform", m["rest"], platform)
        return cls.intent(text)


class HostOptions(BaseModel):
    """A platform's options in Nornir host data (after inheritance): one field per key it reads,
    validated with pydantic; keys of other platforms are ignored. A validator's ``ValueError``
    text is the problem shown, at the file and entry that set the key."""
    model_config = ConfigDict(extra="ignore", frozen=True)


def option_problems(model: type[HostOptions], data: dict, platform: str) -> list[Problem]:
    """Host data against ``model``: one ``host_data`` problem per wrong key."""
    try:
        model.model_validate(data)
    except ValidationError as e:
        out = []
        for err in e.errors():
            error = (err.get("ctx") or {}).get("error")
            message = str(error) if err["type"] == "value_error" and error is not None else err["msg"]
            out.append(Problem("host_data", str(err["loc"][0]) if err["loc"] else "", message, platform))
        return out
    return []


@dataclass(frozen=True)
class Capabilities:
    transforms: frozenset[str]                        # ESP transforms (intent names) it can do
    ike_ciphers: frozenset[str] = frozenset()         # neutral IKE ciphers; empty: any the parser knows
    dh_groups: frozenset[str] = frozenset()           # DH keywords; empty: any
    modes: frozenset[str] = frozenset({"transport", "tunnel"})
    ifname_max: int = 64                              # longest interface name it takes
    ownership: Literal["files", "objects"] = "objects"  # owns whole files, or objects in a shared config
    commit_confirm: Literal["native", "emulated", "none"] = "none"
    transport: Literal["agent", "ssh-cli", "netconf"] = "ssh-cli"
    napalm_driver: str | None = None                  # what tasks/ opens for deploy and verify
    driver_unmasks: bool = False                      # the driver swaps PSK placeholders itself (grectl's own)
    revert_step: int = 1                              # commit-confirm timer granularity, seconds (IOS: minutes)
    revert_max: int | None = None                     # longest timer the device takes
    netmiko_device_type: str | None = None
    lab_kind: Literal["router", "netconf"] | None = None  # how `grectl lab` runs it: a lab router, a NETCONF target
    clab: tuple[_clab.ClabKind, ...] = ()             # containerlab kinds it runs as (`lab export`); first: default
    renders: bool = False                             # has a renderer
    supported: bool = True                            # False: validate refuses devices on it
    families: frozenset[str] = frozenset({"ipv4"})    # address families it renders and verifies (issue 22)
    multi_hub: bool = False                           # renders dual-homed sites and hub-to-hub tunnels (issue 23)
    notes: tuple[str, ...] = field(default_factory=tuple)


class Platform:
    """Base: a capability row. Subclasses in ``controller/platforms/<name>/`` add the functions.

    Contract v2, one signature per operation (a platform overrides what it has):

    ==================  =====================================================================
    validate            ``problems(overlay, device) -> list[Problem]``; ``options_model``
    render              ``render(overlay, device, secrets, site=None) -> str``
    mask                ``mask(text) -> str``
    plan                ``plan(intended, running, full) -> (text, replace)``; ``remediation``
    deploy steps        ``deploy_plan(commands, confirm_timeout, **facts) -> {session: lines}``
    release             ``release(overlay, device) -> str``: the syntax variant rendered
    collect / parse     ``collect(overlay, device, site)``, ``parse(...)``, ``parse_command(...)``
    offline check       ``offline_check(overlay, kind, path) -> list[str] | None``
    lab kind            ``caps.lab_kind``; ``caps.clab`` and ``clab_node(data)``: its containerlab node
    ==================  =====================================================================
    """
    options_model: ClassVar[type[HostOptions] | None] = None   # the host data keys it reads

    def __init__(self, name: str, caps: Capabilities):
        self.name = name
        self.caps = caps

    # ------------------------------------------------------------ data
    @property
    def transforms(self) -> frozenset[str]:
        return self.caps.transforms

    @property
    def can_render(self) -> bool:
        return self.caps.renders

    # ------------------------------------------------------------ naming and validation
    def interface_name(self, peer: str, number: int, kind: str = "primary") -> str:
        """The tunnel interface toward ``peer`` (tunnel ``number`` from the allocation; ``kind``
        of this end, see ``interface_number``)."""
        return f"Tunnel{interface_number(number, kind)}"

    def check_device_name(self, name: str) -> str | None:
        """A problem with a derived interface name, or None."""
        if len(name.encode()) > self.caps.ifname_max:
            return f"is longer than {self.caps.ifname_max} bytes"
        return None

    def check_psk(self, key: str) -> str | None:
        """Why this platform would read the pre-shared ``key`` differently from what is written
        (its CLI or payload grammar, its length limits), or None. Never quotes the key.
        The inventory asks every platform that carries a tunnel's key (both ends)."""
        return None

    def check_interface(self, name: str) -> str | None:
        """Why ``name`` is not an interface this platform has (a WAN interface as the engineer
        writes it, full or abbreviated), or None. Base: the derived-name length rule."""
        return self.check_device_name(name)

    def canonical_interface(self, name: str) -> str:
        """The one spelling of an interface name this platform prints (``Gi0/0`` ->
        ``GigabitEthernet0/0`` on Cisco), so two spellings of one interface compare equal."""
        return name

    def problems(self, overlay: "Overlay", device: str) -> list[Problem]:
        """What is wrong with the intent as this device would have to run it.

        The base: supported at all (else nothing more is checked); the ESP transform, the mode and
        the IKE proposal against the capabilities; the host options against ``options_model``.
        """
        out = self.capability_problems(overlay, device)
        if any(p.stops for p in out):
            return out
        return out + self.ike_problems(overlay, device) + self.option_problems(overlay, device)

    def check(self, overlay: "Overlay", device: str) -> list[str]:
        """``problems`` in the text form of contract v1 (``field: what is wrong``)."""
        return [str(p) for p in self.problems(overlay, device)]

    def capability_problems(self, overlay: "Overlay", device: str) -> list[Problem]:
        """Supported at all; the ESP transform and mode in the capability table."""
        i, out = overlay.intent, []
        if not self.caps.supported:
            return [Problem("platform", "platform", f"{self.name} is not supported yet (device {device!r})", self.name)]
        if i.ipsec.transform not in self.caps.transforms:
            out.append(Problem("intent", "ipsec.transform", f"platform {self.name} of {device!r} cannot do ESP "
                               f"transform {i.ipsec.transform!r}"))
        if i.ipsec.mode not in self.caps.modes:
            out.append(Problem("intent", "ipsec.mode", f"platform {self.name} of {device!r} cannot do "
                               f"{i.ipsec.mode} mode"))
        return out + family_problems(self, overlay, device) + name_clash_problems(overlay, device)

    def ike_problems(self, overlay: "Overlay", device: str) -> list[Problem]:
        """The IKE proposal in neutral terms against the IKE ciphers and DH groups it can do."""
        from .. import proposals
        i, out = overlay.intent, []
        try:
            p = proposals.ike(i.ike.proposal)
        except proposals.ProposalError as e:
            return [Problem("intent", "ike.proposal", str(e))]
        if self.caps.ike_ciphers and p.encryption not in self.caps.ike_ciphers:
            out.append(Problem("intent", "ike.proposal", f"platform {self.name} of {device!r} cannot do IKE "
                               f"cipher {p.encryption}"))
        if self.caps.dh_groups and p.dh not in self.caps.dh_groups:
            out.append(Problem("intent", "ike.proposal", f"platform {self.name} of {device!r} cannot do DH "
                               f"group {p.dh}"))
        return out

    def option_problems(self, overlay: "Overlay", device: str) -> list[Problem]:
        """The device's host data against ``options_model``, and ``data.clab`` against ``caps.clab``."""
        data = overlay.devices[device].data
        out = [Problem("host_data", "clab", m, self.name)
               for m in (_clab.override_problems(self.caps.clab, data["clab"]) if "clab" in data else [])]
        if self.options_model is None:
            return out
        return out + option_problems(self.options_model, data, self.name)

    def clab_node(self, data: dict) -> "_clab.ClabKind | None":
        """The containerlab kind a device with host ``data`` runs as (None: none)."""
        return _clab.resolve(self.caps.clab, data)

    def options(self, overlay: "Overlay", device: str) -> HostOptions | None:
        """The device's host options, validated (the inventory has refused invalid ones)."""
        if self.options_model is None:
            return None
        return self.options_model.model_validate(overlay.devices[device].data)

    def release(self, overlay: "Overlay", device: str) -> str:
        """The software release whose syntax ``device`` is rendered in ("" when one syntax fits all)."""
        return ""

    # ------------------------------------------------------------ config (pure)
    def render(self, overlay: "Overlay", device: str, secrets: dict[str, str], site: str | None = None) -> str:
        """The device's config as text; ``secrets`` maps site -> text to write as its PSK (usually a
        placeholder). With ``site``, only that site's pieces (the hub side of one tunnel)."""
        raise NotImplementedError(f"platform {self.name} has no renderer yet")

    def mask(self, text: str) -> str:
        """``text`` with every secret this platform may print replaced by its placeholder."""
        from ..secrets import mask
        return mask(text)

    def keep_site(self, candidate: str, running: str, tunnel: "Tunnel") -> str:
        """The hub ``candidate`` with ``tunnel``'s hub pieces exactly as in ``running``."""
        raise NotImplementedError

    def revert_in(self, seconds: int) -> int:
        """The confirm timer the device can take: rounded up to its step, within its limit.

        >>> Platform("x", Capabilities(frozenset(), revert_step=60, revert_max=7200)).revert_in(90)
        120
        """
        step = self.caps.revert_step
        value = max(step, -(-seconds // step) * step)
        return min(value, self.caps.revert_max) if self.caps.revert_max else value

    def plan(self, intended: str, running: str, full: bool) -> tuple[str, bool]:
        """What to load: (text, replace). Files platforms load the intended document (replace when
        ``full``); object platforms load the remediation from running to intended (never replace)."""
        if self.caps.ownership == "files":
            return intended, full
        return "\n".join(self.remediation(running, intended, full)), False

    def remediation(self, running: str, intended: str, full: bool) -> list[str]:
        """Ordered commands taking the grectl-owned part of ``running`` to ``intended``."""
        raise NotImplementedError

    def deploy_plan(self, commands: list[str], confirm_timeout: int, **facts) -> dict[str, list[str]]:
        """The lines each session of one change puts on the wire, by session (``checkpoint``,
        ``apply``, ``confirm``, ``rollback``, ``abort``). ``facts``: what the driver learnt of the
        device that changes the sessions (VRP: ``vrp8``). Platforms whose driver plays no CLI
        sessions (agent, NETCONF) have none."""
        raise NotImplementedError(f"platform {self.name} plays no CLI sessions")

    # ------------------------------------------------------------ offline checks (pure but for the tool run)
    def offline_check(self, overlay: "Overlay", kind: str, path: Path) -> list[str] | None:
        """Problems the device vendor's own definitions (``kind``: ``yang``, ``vyos-defs``) in
        ``path`` find in what grectl renders for this platform's devices; None: no such check."""
        return None

    # ------------------------------------------------------------ verify (pure)
    def collect(self, overlay: "Overlay", device: str, site: str | None) -> list[list[str]]:
        """Rounds of commands that read the state verify needs (at most two rounds)."""
        raise NotImplementedError(f"platform {self.name} has no state collection yet")

    def parse(self, overlay: "Overlay", device: str, site: str | None, outputs: dict[str, str]) -> "DeviceState":
        """``outputs`` maps each collected command to its output."""
        raise NotImplementedError

    def parse_command(self, command: str, output: str) -> "DeviceState":
        """The normalised facts one captured command output yields (``grectl parse``): a partial
        ``DeviceState`` holding only what that command shows."""
        raise NotImplementedError(f"platform {self.name} has no parser for {command!r}")

    def commands(self) -> list[str]:
        """The show commands ``parse_command`` understands (for help and errors)."""
        return []


def family_problems(platform: Platform, overlay: "Overlay", device: str) -> list[Problem]:
    """An IPv6 LAN (the device's own, or a tunnel peer's, which makes the tunnel dual-stack) on a
    platform whose capabilities do not list IPv6: one problem, at the LAN's field."""
    if "ipv6" in platform.caps.families or "ipv6" not in overlay.families(device):
        return []
    i = overlay.intent
    routers = {**{n: ("hubs", r) for n, r in i.hubs.items()}, **{n: ("sites", r) for n, r in i.sites.items()}}
    owners = [device] + sorted(t.end(device).peer for t in overlay.tunnels_of(device) if "ipv6" in t.families)
    for owner in owners:
        kind, r = routers[owner]
        at = next((n for n, lan in enumerate(r.lans) if lan.version == 6), None)
        if at is None:
            continue
        how = "" if owner == device else f" (it makes the tunnel to {device!r} dual-stack)"
        return [Problem("intent", f"{kind}.{owner}.lans[{at}]", f"IPv6 LAN {r.lans[at]}{how}: platform "
                        f"{platform.name} of {device!r} cannot do IPv6 yet (it does: "
                        f"{', '.join(sorted(platform.caps.families))})")]
    return []


def multi_hub_problems(platform: Platform, overlay: "Overlay", device: str) -> list[Problem]:
    """A dual-homed site, or a hub one names (it gets a backup or hub-to-hub tunnel), on a platform
    whose capabilities do not say ``multi_hub``: one problem, at the site's ``hubs`` field."""
    if platform.caps.multi_hub:
        return []
    i = overlay.intent
    for t in overlay.tunnels_of(device):
        if t.cost is None:
            continue
        site = t.site if t.kind != "hubs" else next(n for n, s in sorted(i.sites.items()) if s.hubs)
        return [Problem("intent", f"sites.{site}.hubs", f"dual-homed site {site!r} ({list(i.sites[site].homes)}): "
                        f"platform {platform.name} of {device!r} cannot do redundant hubs yet")]
    return []


def name_clash_problems(overlay: "Overlay", device: str) -> list[Problem]:
    """Two tunnels of ``device`` that its platform's naming gives one interface name (a site id
    equal to a hub-to-hub tunnel's number on a platform with a small tunnel range): one problem."""
    seen: dict[str, str] = {}
    for t in overlay.tunnels_of(device):
        end = t.end(device)
        if end.interface in seen:
            return [Problem("intent", f"sites.{t.site}.id" if t.kind != "hubs" else "hub_pool",
                            f"tunnels to {seen[end.interface]!r} and {end.peer!r} would both be interface "
                            f"{end.interface} on {device!r}")]
        seen[end.interface] = end.peer
    return []
