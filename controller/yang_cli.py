"""``grectl validate --yang DIR``: validate the inventory, then check every rendered payload of a
platform with YANG models (today ``iosxe``) offline against the models in DIR with yanglint.

Mounted by one line in controller/cli.py (after the commands are defined)::

    from .yang_cli import install as _install_yang; _install_yang(app)

``install`` wraps the existing ``validate`` command with a ``--yang DIR`` option; without the
option it behaves exactly as before.
"""
from __future__ import annotations

import functools
import inspect
import json
from pathlib import Path
from typing import Optional

import typer

YANG_PLATFORMS = ("iosxe",)


def check(inventory_dir: Path, yang_dir: Path) -> dict[str, list[str]]:
    """device -> problems (empty: valid) for every device whose platform renders YANG payloads."""
    from . import inventory, render
    from .platforms.iosxe import yang
    ov = inventory.load(inventory_dir)
    devices = [d for d, dev in sorted(ov.devices.items()) if dev.platform in YANG_PLATFORMS]
    if not devices:
        return {}
    texts = render.secret_texts(ov)
    payloads = {d: render.render_device(ov, d, None, texts) for d in devices}
    return yang.validate(payloads, yang_dir)


def install(app: typer.Typer) -> None:
    """Give the app's ``validate`` command a ``--yang DIR`` option."""
    for info in app.registered_commands:
        if (info.name or getattr(info.callback, "__name__", "")) == "validate":
            if not getattr(info.callback, "_grectl_yang", False):
                info.callback = _with_yang(info.callback)
            return


def _with_yang(original):
    sig = inspect.signature(original)
    opt = inspect.Parameter(
        "yang_dir", inspect.Parameter.KEYWORD_ONLY, annotation=Optional[Path],
        default=typer.Option(None, "--yang", help="Also check every rendered YANG payload (iosxe) against the "
                                                  "models in this directory with yanglint (offline)."))

    @functools.wraps(original)
    def validate(*args, yang_dir: Optional[Path] = None, **kw):
        original(*args, **kw)  # exits 1 on an invalid inventory
        if yang_dir is None:
            return
        from .console import err, out
        from .errors import GrectlError
        try:
            result = check(Path(kw.get("inventory_dir") or "inventory"), yang_dir)
        except GrectlError as e:
            err.print(f"error: {e}", highlight=False, markup=False)
            raise typer.Exit(1)
        bad = {d: p for d, p in result.items() if p}
        if kw.get("as_json"):
            print(json.dumps({"yang": str(yang_dir), "devices": result}, indent=2))
        else:
            for d, problems in bad.items():
                for p in problems:
                    err.print(f"{d}: YANG: {p}", highlight=False, markup=False)
            if result and not bad:
                out.print(f"{', '.join(result)}: payloads valid against {yang_dir}", highlight=False)
        if bad:
            raise typer.Exit(1)

    params = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) if p.kind is not inspect.Parameter.KEYWORD_ONLY else p
              for p in sig.parameters.values()]
    validate.__signature__ = sig.replace(parameters=params + [opt])
    validate._grectl_yang = True
    return validate
