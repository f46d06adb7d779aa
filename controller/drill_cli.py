"""`grectl drill`: measure a dual-homed site's failover to its backup hub and the fail-back (issue 23)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from . import inventory
from .console import InventoryOpt, err, out


def drill(inventory_dir: Path = InventoryOpt,
          site: str = typer.Option(..., "--site", help="The dual-homed site to drill."),
          hub: Optional[str] = typer.Option(None, "--hub", help="The hub whose tunnel goes down (default: the "
                                                               "site's primary)."),
          as_json: bool = typer.Option(False, "--json", help="Print the report as JSON.")):
    """Take the site's tunnel to its primary hub down ON THE SITE (a router-side timer brings it back
    even if grectl dies), measure failover and fail-back with a steady probe; exit 1 if failover
    takes longer than the OSPF dead interval + 3 s or traffic does not return."""
    from tasks.drill import drill as run_drill
    ov = inventory.load(inventory_dir)
    rep = run_drill(ov, site, hub, progress=lambda m: err.print(f"- {m}", highlight=False, markup=False))
    if as_json:
        print(json.dumps(rep.as_dict(), indent=2))
    else:
        def s(v):
            return "never" if v is None else f"{v:.2f}s"
        out.print(f"drill {rep.site}: {rep.down_hub} down, backup {rep.backup_hub}, probe to {rep.target}",
                  markup=False, highlight=False)
        out.print(f"failover {s(rep.failover_s)} (bound {rep.bound_s:.0f}s = dead {rep.dead_interval_s}s + 3s), "
                  f"{rep.lost_failover} probes lost (route onto the backup {s(rep.route_failover_s)}); "
                  f"fail-back {s(rep.failback_s)}, {rep.lost_failback} lost; "
                  f"{rep.received}/{rep.sent} replies", markup=False, highlight=False)
        for e in rep.ospf_events:
            out.print(f"  ospf {e}", markup=False, highlight=False)
        out.print("ok" if rep.ok else f"FAILED: {rep.reason}", markup=False, highlight=False)
    if not rep.ok:
        raise typer.Exit(1)


def mount(app: typer.Typer) -> None:
    app.command("drill")(drill)
