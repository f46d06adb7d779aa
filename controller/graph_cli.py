"""`grectl graph`: the overlay as a picture (SVG, PNG, DOT or Mermaid), optionally with live health."""
from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from . import graph as graph_mod
from . import history as hist
from . import paths
from .console import InventoryOpt, err
from .errors import GrectlError


class Format(str, Enum):
    svg = "svg"
    png = "png"
    dot = "dot"
    mermaid = "mermaid"


SUFFIX = {".svg": Format.svg, ".png": Format.png, ".dot": Format.dot, ".gv": Format.dot,
          ".mmd": Format.mermaid, ".mermaid": Format.mermaid}


def graph(inventory_dir: Path = InventoryOpt,
          fmt: Optional[Format] = typer.Option(None, "--format", "-f",
                                               help="svg, png, dot or mermaid (default: from --out's suffix, "
                                                    "else svg)."),
          out_file: Optional[Path] = typer.Option(None, "--out", "-o", help="Write here (default: stdout)."),
          with_verify: bool = typer.Option(False, "--verify", help="Run the verify checks now and colour "
                                                                   "each tunnel end by them."),
          from_history: bool = typer.Option(False, "--history", help="Colour by the last watch run."),
          history_path: Optional[Path] = typer.Option(None, "--history-db", envvar="GRECTL_HISTORY",
                                                      help="The watch history database; default "
                                                           "<inventory>/.grectl/history.db."),
          workers: int = typer.Option(20, "--workers", min=1,
                                       help="Devices verified at once (with --verify).")):
    """Draw hubs, sites and tunnels; with --verify or --history each tunnel end green (pass), red (fail,
    with the reason) or grey (not observed), drifted and unreachable devices marked."""
    from controller import inventory
    if with_verify and from_history:
        raise GrectlError("--verify and --history exclude each other: colour by a run now or by the last one")
    fmt = fmt or (SUFFIX.get(out_file.suffix.lower()) if out_file is not None else None) or Format.svg
    if out_file is None and fmt is Format.png and sys.stdout.isatty():
        raise GrectlError("--format png: give --out FILE (PNG is not for a terminal)")
    ov = inventory.load(inventory_dir)
    if with_verify:
        import time

        from tasks.verify import verify as run_verify
        checks, seconds = run_verify(ov, None, 0, workers, progress=lambda m: err.print(f"- {m}"))
        g = graph_mod.build(ov, checks, source="verify", when=time.time(), keys=inventory.psks(ov).values())
        failed = sum(1 for c in checks if c.status == "fail")
        err.print(f"verify: {failed} of {len(checks)} checks fail ({seconds:.1f}s)", highlight=False)
    elif from_history:
        db = paths.history(inventory_dir, history_path)
        runs = hist.query(db, limit=1)
        if not runs:
            raise GrectlError(f"--history: no watch run recorded in {db}")
        g = graph_mod.from_history(ov, runs[-1], keys=inventory.psks(ov).values())
    else:
        g = graph_mod.build(ov)
    if fmt in (Format.svg, Format.png):
        data = graph_mod.render(g, fmt.value)
    else:
        data = (graph_mod.to_dot(g) if fmt is Format.dot else graph_mod.to_mermaid(g)).encode()
    if out_file is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        out_file.parent.mkdir(parents=True, exist_ok=True)
        out_file.write_bytes(data)
    except OSError as e:
        raise GrectlError(f"--out {out_file}: {e.strerror or e}")
    err.print(f"wrote {out_file} ({fmt.value}, {len(g.nodes)} devices, {len(g.edges)} tunnels)", highlight=False,
              markup=False)


def mount(app: typer.Typer) -> None:
    app.command()(graph)
