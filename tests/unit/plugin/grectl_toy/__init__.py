"""A third-party platform in its own package, as a plugin author would write it: nothing in
grectl is edited to add it. Its "device" speaks a tiny line format; see ``show_state``."""
from __future__ import annotations

import json

from controller.platforms import Capabilities, Platform
from controller.state import DeviceState


class ToyPlatform(Platform):
    def interface_name(self, peer, number):
        return f"toy{number}"

    def render(self, overlay, device, secrets, site=None):
        lines = [f"hostname {device}"]
        for t in overlay.tunnels_of(device, site):
            end = t.end(device)
            lines += [f"tunnel {end.interface} {end.wan} {end.peer_wan} {end.address} mtu {overlay.tunnel_mtu(t)}",
                      f"psk {end.peer_wan} {secrets[t.site]}"]
        return "\n".join(lines) + "\n"

    def mask(self, text):
        """Its one secret form, ``psk <peer> <key>``, as a placeholder (and the base's forms)."""
        import re

        from controller.secretforms import PLACEHOLDER_RE, placeholder

        def sub(m):
            key = m.group(2)
            return m.group(0) if PLACEHOLDER_RE.fullmatch(key) else f"{m.group(1)}{placeholder(key)}"
        return super().mask(re.sub(r"^(psk \S+ )(\S+)$", sub, text, flags=re.M))

    def collect(self, overlay, device, site):
        return [["show state json"]]

    def parse(self, overlay, device, site, outputs):
        return self.parse_command("show state json", outputs["show state json"])

    def parse_command(self, command, output):
        if command != "show state json":
            raise NotImplementedError(command)
        return DeviceState.model_validate(json.loads(output))

    def commands(self):
        return ["show state json"]


# ownership "files": it loads its whole document (no remediation engine to write)
PLATFORM = ToyPlatform("toy", Capabilities(transforms=frozenset({"aes128gcm16"}), ifname_max=7, renders=True,
                                           ownership="files"))
