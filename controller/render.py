"""Render device configs from the overlay: dispatch to each device's platform."""
from __future__ import annotations

from pathlib import Path

from . import bulk, inventory, platforms, secrets
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
    with bulk.gc_paused():  # many config texts at once: see controller/bulk.py
        return {d: render_device(overlay, d, site, texts) for d in devices_in_scope(overlay, site, device)}


def write(configs: dict[str, str], out: Path, secret: bool = False) -> list[Path]:
    """Write ``<device>.conf`` files into ``out``; when ``secret`` (real keys inside) files are 0600.

    ``out`` is created 0700 if absent; with secrets it must be a real directory (not a symlink) that
    only its owner can enter. Each file is created fresh under a temporary name with its final mode
    (no window with a wider one), then renamed over the target: an existing symlink or hard link at
    the target is replaced, never followed.
    """
    import os
    import secrets as _random
    import stat

    mode = 0o600 if secret else 0o644
    try:
        if out.is_symlink() and secret:
            raise GrectlError(f"{out}: --out is a symlink; give a real directory for files holding keys")
        out.mkdir(mode=0o700, parents=True, exist_ok=True)
        dfd = os.open(out, os.O_RDONLY | os.O_DIRECTORY | (os.O_NOFOLLOW if secret else 0))
    except ValueError:
        raise GrectlError(f"{str(out)!r}: --out is not a usable path") from None
    except FileExistsError:
        raise GrectlError(f"{out}: --out exists and is not a directory") from None
    except NotADirectoryError:
        raise GrectlError(f"{out}: --out is not a directory") from None
    except OSError as e:
        raise GrectlError(f"{out}: cannot create or open --out directory: {e.strerror}") from None
    paths = []
    try:
        st = os.fstat(dfd)
        if secret and st.st_mode & 0o077:
            raise GrectlError(f"{out}: directory mode is {stat.S_IMODE(st.st_mode):04o}; files holding keys "
                              "need a directory only its owner can enter (chmod 700, or a new directory)")
        for name, text in configs.items():
            final = f"{name}.conf"
            tmp = f".{final}.{_random.token_hex(6)}.tmp"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode, dir_fd=dfd)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    f.write(text)
                os.replace(tmp, final, src_dir_fd=dfd, dst_dir_fd=dfd)
            except BaseException:
                try:
                    os.unlink(tmp, dir_fd=dfd)
                except OSError:
                    pass
                raise
            paths.append(out / final)
    except OSError as e:
        raise GrectlError(f"{out}: cannot write {e.filename or 'a config'}: {e.strerror}") from None
    finally:
        os.close(dfd)
    return paths
