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

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # pragma: no cover
    from ..models import Overlay, Tunnel
    from ..state import DeviceState


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
    renders: bool = False                             # has a renderer
    supported: bool = True                            # False: validate refuses devices on it
    notes: tuple[str, ...] = field(default_factory=tuple)


class Platform:
    """Base: a capability row. Subclasses in ``controller/platforms/<name>/`` add the functions."""

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
    def interface_name(self, peer: str, number: int) -> str:
        """The tunnel interface toward ``peer`` (tunnel ``number`` from the allocation)."""
        return f"Tunnel{number}"

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

    def check(self, overlay: "Overlay", device: str) -> list[str]:
        """Problems with the intent as this device would have to run it: ``field: what is wrong``.

        The base checks the ESP transform, the mode and the IKE proposal against the capabilities.
        """
        out = self.check_capabilities(overlay, device)
        if out and out[0].startswith("platform:"):
            return out
        return out + self.check_ike(overlay, device)

    def check_capabilities(self, overlay: "Overlay", device: str) -> list[str]:
        """Supported at all; the ESP transform and mode in the capability table."""
        i, out = overlay.intent, []
        if not self.caps.supported:
            return [f"platform: {self.name} is not supported yet (device {device!r})"]
        if i.ipsec.transform not in self.caps.transforms:
            out.append(f"ipsec.transform: platform {self.name} of {device!r} cannot do ESP transform "
                       f"{i.ipsec.transform!r}")
        if i.ipsec.mode not in self.caps.modes:
            out.append(f"ipsec.mode: platform {self.name} of {device!r} cannot do {i.ipsec.mode} mode")
        return out

    def check_ike(self, overlay: "Overlay", device: str) -> list[str]:
        """The IKE proposal in neutral terms against the IKE ciphers and DH groups it can do."""
        from .. import proposals
        i, out = overlay.intent, []
        try:
            p = proposals.ike(i.ike.proposal)
        except proposals.ProposalError as e:
            return out + [f"ike.proposal: {e}"]
        if self.caps.ike_ciphers and p.encryption not in self.caps.ike_ciphers:
            out.append(f"ike.proposal: platform {self.name} of {device!r} cannot do IKE cipher {p.encryption}")
        if self.caps.dh_groups and p.dh not in self.caps.dh_groups:
            out.append(f"ike.proposal: platform {self.name} of {device!r} cannot do DH group {p.dh}")
        return out

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
