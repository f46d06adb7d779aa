"""``grectl validate --yang DIR``: check every rendered payload of a platform with YANG models
(today ``iosxe``) offline against the models in DIR with yanglint."""
from __future__ import annotations

from pathlib import Path

YANG_PLATFORMS = ("iosxe",)


def check(ov, yang_dir: Path) -> dict[str, list[str]]:
    """device -> problems (empty: valid) for every device whose platform renders YANG payloads."""
    from . import render
    from .platforms.iosxe import yang
    devices = [d for d, dev in sorted(ov.devices.items()) if dev.platform in YANG_PLATFORMS]
    if not devices:
        return {}
    texts = render.secret_texts(ov)
    payloads = {d: render.render_device(ov, d, None, texts) for d in devices}
    return yang.validate(payloads, yang_dir)
