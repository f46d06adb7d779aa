"""`grectl lab ...`: build, inspect and tear down the real-router lab."""
from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.table import Table

from controller.console import InventoryOpt, err, out
from controller.errors import InventoryError, LabError
from controller.lab.runtime import default_state_dir

lab_app = typer.Typer( no_args_is_help=True,
                      help="Real-router lab on this machine (UML or native netns).")
StateOpt = typer.Option(None, "--state-dir", envvar="GRECTL_LAB_DIR",
                        help="Lab state directory (default /var/lib/grectl/lab/<lab name>).")


def _fail(lines: list[str] | str) -> None:
    for line in [lines] if isinstance(lines, str) else lines:
        err.print(line, highlight=False, markup=False)
    raise typer.Exit(1)


def _topology(inventory_dir: Path, every: bool = False):
    from controller import lab
    try:
        return lab.from_inventory(inventory_dir, every=every)
    except InventoryError as e:
        _fail(e.problems)
    except LabError as e:
        _fail(f"error: {e}")


def _state(inventory_dir: Path, state_dir: Optional[Path]) -> Path:
    if state_dir is not None:
        return state_dir
    return default_state_dir(_topology(inventory_dir).name)


@lab_app.command()
def up(inventory_dir: Path = InventoryOpt, state_dir: Optional[Path] = StateOpt,
       backend: Optional[str] = typer.Option(None, "--backend", help="uml or netns (default: detect)."),
       timeout: float = typer.Option(180, "--timeout", help="Seconds to wait for every sshd."),
       as_json: bool = typer.Option(False, "--json", help="Print the result as JSON.")):
    """Build the lab routers of the inventory and start sshd, charon and FRR on each."""
    from controller import lab
    topo = _topology(inventory_dir)
    state = state_dir or default_state_dir(topo.name)
    try:
        summary = lab.up(topo, state, backend=backend, timeout=timeout)
    except LabError as e:
        _fail(f"error: {e}")
    if as_json:
        print(json.dumps(summary, indent=2))
    elif summary.get("already_running"):
        out.print(f"lab {topo.name} already running ({summary['backend']}), state {state}")
    else:
        out.print(f"lab {topo.name} up in {summary['seconds']:.1f}s ({summary['backend']}): "
                  f"{', '.join(summary['routers'])}; state {state}")


@lab_app.command()
def down(inventory_dir: Path = InventoryOpt, state_dir: Optional[Path] = StateOpt,
         as_json: bool = typer.Option(False, "--json", help="Print the result as JSON.")):
    """Stop the lab (daemons, then the routers) and remove its TAP and namespaces."""
    from controller import lab
    state = _state(inventory_dir, state_dir)
    try:
        result = lab.down(state)
    except LabError as e:
        _fail(f"error: {e}")
    if as_json:
        print(json.dumps(result))
    else:
        out.print(f"lab stopped ({result['how']})" if result["stopped"] else "lab not running")


@lab_app.command()
def status(inventory_dir: Path = InventoryOpt, state_dir: Optional[Path] = StateOpt,
           as_json: bool = typer.Option(False, "--json", help="Print the result as JSON.")):
    """Per router: namespace up, sshd reachable, daemons running. Exit 1 unless all are fine."""
    from controller import lab
    rows = lab.status(_state(inventory_dir, state_dir))
    healthy = bool(rows) and all(r["up"] and r["ssh"] and all(r["daemons"].values()) for r in rows)
    if as_json:
        print(json.dumps(rows, indent=2))
    elif not rows:
        out.print("lab not running")
    else:
        daemons = list(dict.fromkeys(d for r in rows for d in r["daemons"]))  # routers' and NETCONF targets'
        mark_or_none = lambda r, d: mark(r["daemons"][d]) if d in r["daemons"] else "-"  # noqa: E731
        t = Table()
        for c in ("router", "mgmt", "up", "ssh", *daemons):
            t.add_column(c, no_wrap=True)
        mark = lambda ok: "[green]yes[/]" if ok else "[red]no[/]"  # noqa: E731
        for r in rows:
            t.add_row(r["name"], r["mgmt_ip"], mark(r["up"]), mark(r["ssh"]), *(mark_or_none(r, d) for d in daemons))
        Console(width=max(out.width, 100)).print(t)
    if not healthy:
        raise typer.Exit(1)


@lab_app.command("exec", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def exec_cmd(router: str = typer.Argument(..., help="Router, lan-<router>-<n>, internet or root."),
             cmd: List[str] = typer.Argument(..., help="Command (after --)."),
             inventory_dir: Path = InventoryOpt, state_dir: Optional[Path] = StateOpt,
             timeout: float = typer.Option(60, "--timeout", help="Seconds before the command is killed.")):
    """Run a command on a lab node (not over SSH); exits with its status."""
    from controller import lab
    try:
        rc, output = lab.exec_(_state(inventory_dir, state_dir), router, list(cmd), timeout=timeout)
    except LabError as e:
        _fail(f"error: {e}")
    print(output, end="")
    raise typer.Exit(rc)


@lab_app.command()
def export(inventory_dir: Path = InventoryOpt,
           fmt: str = typer.Option("containerlab", "--format", help="Only containerlab."),
           output: Optional[Path] = typer.Option(None, "-o", "--output", help="File (default: stdout).")):
    """Export the lab as a containerlab topology (for machines with Docker)."""
    import yaml

    from controller.lab.containerlab import containerlab
    if fmt != "containerlab":
        _fail(f"error: unknown export format {fmt!r} (containerlab)")
    try:
        clab = containerlab(_topology(inventory_dir, every=True))
    except LabError as e:
        _fail(f"error: {e}")
    text = yaml.safe_dump(clab, sort_keys=False)
    if output is None:
        print(text, end="")
    else:
        output.write_text(text)
        out.print(f"wrote {output}")


def mount(app: typer.Typer) -> None:
    app.add_typer(lab_app, name="lab", help="Real-router lab on this machine (UML or native netns).")
