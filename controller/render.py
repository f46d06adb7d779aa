"""Render device configs from the overlay: dispatch to each device's platform."""
from __future__ import annotations

from pathlib import Path

from . import inventory, platforms, secrets
from .errors import GrectlError
from .models import Overlay


def devices_in_scope(overlay: Overlay, site: str | None = None, device: str | None = None) -> list[str]:
    return overlay.devices_in_scope(site, device)


def secret_texts(overlay: Overlay, keys: dict[str, str] | None = None, show_secrets: bool = False) -> dict[str, str]:
    """Site -> what a rendered config carries as its PSK: a placeholder, or the key itself.
    ``keys`` (site -> PSK, read once by the caller) is read from the inventory when not given."""
    keys = inventory.psks(overlay) if keys is None else keys
    return {s: (k if show_secrets else secrets.placeholder(k)) for s, k in keys.items()}


def render_device(overlay: Overlay, device: str, site: str | None = None,
                  texts: dict[str, str] | None = None) -> str:
    platform = platforms.get(overlay.devices[device].platform)
    if not platform.can_render:
        raise GrectlError(f"device {device!r}: no renderer for platform {platform.name!r} yet")
    return platform.render(overlay, device, texts if texts is not None else secret_texts(overlay), site)


def render_all(overlay: Overlay, site: str | None = None, device: str | None = None,
               show_secrets: bool = False) -> dict[str, str]:
    texts = secret_texts(overlay, show_secrets=show_secrets)
    return {d: render_device(overlay, d, site, texts) for d in devices_in_scope(overlay, site, device)}


def write(configs: dict[str, str], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in configs.items():
        p = out / f"{name}.conf"
        p.write_text(text)
        paths.append(p)
    return paths
