"""``grectl validate --vyos-defs DIR``: every rendered VyOS ``set`` line through VyOS's own CLI
definitions. Kept out of cli.py: the lead mounts ``check_vyos`` (see ``vyos_problems``).

Mount as a command: ``app.command("validate-vyos")(vyos_cli.validate_vyos)``; or call
``vyos_problems(overlay, defs)`` from ``validate`` when ``--vyos-defs`` is given.
"""
from __future__ import annotations

from pathlib import Path

import typer

from . import inventory, render
from .console import InventoryOpt, err, out


def vyos_problems(overlay, definitions: Path) -> list[str]:
    """``<device> line N: <set line>: <VyOS's message>`` for every line VyOS's CLI would refuse.
    Devices rendered with 1.3 syntax are judged too (the definitions are 1.5's): their refusals say so."""
    from .platforms import vyos
    from .platforms.vyos import cli_check
    checker = cli_check.Checker(definitions)
    texts = render.secret_texts(overlay, keys={t.site: "x" * 16 for t in overlay.tunnels})
    problems = []
    for name, dev in sorted(overlay.devices.items()):
        if dev.platform != "vyos":
            continue
        rel = vyos.PLATFORM.release(overlay, name)
        for n, line, msg in checker.check(render.render_device(overlay, name, None, texts)):
            problems.append(f"{name} (VyOS {rel} syntax) line {n}: {line}: {msg}")
    problems += [f"(definitions) validator {v!r} not implemented: lines using it were accepted unjudged"
                 for v in sorted(checker.unjudged)]
    return problems


def validate_vyos(inventory_dir: Path = InventoryOpt,
                  vyos_defs: Path = typer.Option(..., "--vyos-defs", exists=True, file_okay=False,
                                                 help="vyos-1x checkout (or its interface-definitions dir).")):
    """Check every rendered VyOS line against VyOS's own CLI definitions (exit 1 on a refused line)."""
    ov = inventory.load(inventory_dir)
    problems = vyos_problems(ov, vyos_defs)
    for p in problems:
        err.print(p, highlight=False, markup=False)
    if any(not p.startswith("(definitions)") for p in problems):
        raise typer.Exit(1)
    out.print(f"{inventory_dir}: every VyOS line accepted by {vyos_defs}")
