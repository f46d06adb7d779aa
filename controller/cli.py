"""grectl command line: thin. Exit codes: 0 ok, 1 failure, 2 drift."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from . import inventory, lock, mtu as mtu_calc, render as render_mod
from .console import InventoryOpt, err, out
from .errors import GrectlError, InventoryError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="GRE-over-IPsec overlay controller: validate, render, lab, deploy, verify.")


def fail(message: str, code: int = 1) -> None:
    err.print(f"[red]error:[/red] {message}", highlight=False, markup=True)
    raise typer.Exit(code)


@app.command()
def validate(inventory_dir: Path = InventoryOpt,
             as_json: bool = typer.Option(False, "--json", help="Print the result as JSON.")):
    """Check the inventory and intent; one line per problem naming file and field."""
    try:
        ov = inventory.load(inventory_dir)
        problems = inventory.nornir_check(ov)
        if problems:
            raise InventoryError(problems)
    except InventoryError as e:
        if as_json:
            print(json.dumps({"valid": False, "problems": e.problems}, indent=2))
            raise typer.Exit(1)
        for p in e.problems:
            err.print(p, highlight=False, markup=False)
        raise typer.Exit(1)
    if as_json:
        print(json.dumps({"valid": True, "devices": len(ov.devices), "tunnels": len(ov.tunnels)}, indent=2))
    else:
        out.print(f"{inventory_dir}: valid ({len(ov.devices)} devices, {len(ov.tunnels)} tunnels)")


@app.command()
def render(inventory_dir: Path = InventoryOpt,
           site: Optional[str] = typer.Option(None, "--site", help="Only this site and the hub's side of it."),
           device: Optional[str] = typer.Option(None, "--device", help="Only this device."),
           out_dir: Optional[Path] = typer.Option(None, "--out", help="Write <device>.conf files here."),
           show_secrets: bool = typer.Option(False, "--show-secrets", help="Write real PSKs (default: masked)."),
           as_json: bool = typer.Option(False, "--json")):
    """Render device configs from the intent (deterministic; PSKs masked)."""
    ov = inventory.load(inventory_dir)
    configs = render_mod.render_all(ov, site=site, device=device, show_secrets=show_secrets)
    if out_dir is not None:
        for p in render_mod.write(configs, out_dir):
            if show_secrets:
                p.chmod(0o600)
            out.print(f"wrote {p}", highlight=False)
    elif as_json:
        print(json.dumps(configs, indent=2, sort_keys=True))
    else:
        for name, text in configs.items():
            sys.stdout.write(f"### {name}\n{text}")


@app.command()
def mtu(underlay_mtu: int = typer.Option(1500, "--underlay-mtu"),
        transform: str = typer.Option("aes128gcm16", "--transform"),
        mode: str = typer.Option("transport", "--mode"),
        gre_key: bool = typer.Option(False, "--gre-key"),
        nat_t: bool = typer.Option(False, "--nat-t"),
        as_json: bool = typer.Option(False, "--json")):
    """GRE MTU, path MTU, TCP MSS and the largest DF ping, as the Linux kernel enforces them."""
    try:
        m = mtu_calc.compute(underlay_mtu, transform, mode, gre_key, nat_t)
    except mtu_calc.MtuError as e:
        fail(str(e))
    if as_json:
        print(json.dumps({"gre_mtu": m.gre_mtu, "path_mtu": m.path_mtu, "tcp_mss": m.tcp_mss,
                          "max_df_payload": m.max_df_payload, "esp_mtu": m.esp_mtu,
                          "underlay_mtu": m.underlay_mtu}, indent=2))
        return
    t = Table(title=f"{transform} {mode}, underlay {underlay_mtu}"
                    f"{', GRE key' if gre_key else ''}{', NAT-T' if nat_t else ''}")
    t.add_column("what")
    t.add_column("bytes", justify="right")
    for label, v in (("GRE device MTU", m.gre_mtu), ("path MTU (set on the tunnel)", m.path_mtu),
                     ("TCP MSS clamp", m.tcp_mss), ("largest DF ping -s", m.max_df_payload)):
        t.add_row(label, str(v))
    out.print(t)


def _outcome_table(title: str, outcomes) -> Table:
    t = Table(title=title)
    for col in ("device", "role", "status", "changes", "detail"):
        t.add_column(col, justify="right" if col == "changes" else "left")
    colours = {"ok": "green", "unchanged": "green", "would-change": "yellow", "failed": "red", "skipped": "red"}
    for o in outcomes:
        detail = "; ".join(filter(None, [o.error] + o.notes))
        t.add_row(o.device, o.role, f"[{colours.get(o.status, 'white')}]{o.status}[/]", str(o.changes),
                  detail, )
    return t


BackupDirOpt = typer.Option(Path(".grectl/backups"), "--backup-dir", envvar="GRECTL_BACKUP_DIR",
                            help="Where running configs are saved (masked) before every change.")


@app.command()
def deploy(inventory_dir: Path = InventoryOpt,
           site: Optional[str] = typer.Option(None, "--site", help="Only this site and the hub's side of it."),
           dry_run: bool = typer.Option(False, "--dry-run", help="Show the diffs; change nothing."),
           confirm_timeout: int = typer.Option(120, "--confirm-timeout", min=5,
                                               help="Seconds before an unconfirmed commit rolls itself back."),
           backup_dir: Path = BackupDirOpt,
           workers: int = typer.Option(20, "--workers", min=1),
           lock_timeout: float = lock.timeout_option(),
           as_json: bool = typer.Option(False, "--json")):
    """Render, diff and commit (hub side first, then site) with confirm and automatic rollback."""
    from tasks.deploy import deploy as run_deploy
    run_deploy = lock.guarded(run_deploy, inventory_dir, backup_dir, lock_timeout, skip=dry_run)
    ov = inventory.load(inventory_dir)
    if as_json:
        outcomes = run_deploy(ov, site, dry_run, confirm_timeout, backup_dir, workers)
        print(json.dumps({"dry_run": dry_run, "devices": [o.as_dict() for o in outcomes]}, indent=2))
    else:
        with err.status("deploying") as status:
            outcomes = run_deploy(ov, site, dry_run, confirm_timeout, backup_dir, workers,
                                  progress=lambda msg: (status.update(msg), err.print(f"- {msg}")))
        for o in outcomes:
            if o.diff:
                out.print(f"[bold]--- {o.device}[/bold]")
                out.print(o.diff, markup=False, highlight=False)
        out.print(_outcome_table("deploy (dry run)" if dry_run else "deploy", outcomes))
        total = sum(o.changes for o in outcomes)
        out.print(f"{total} changed lines on {sum(1 for o in outcomes if o.changes)} devices")
    if any(o.status in ("failed", "skipped") for o in outcomes):
        raise typer.Exit(1)


@app.command()
def drift(inventory_dir: Path = InventoryOpt,
          site: Optional[str] = typer.Option(None, "--site"),
          workers: int = typer.Option(20, "--workers", min=1),
          as_json: bool = typer.Option(False, "--json")):
    """Compare what runs with what is intended. Exit 0 in sync, 2 drift, 1 a device failed."""
    from tasks.deploy import deploy as run_deploy
    ov = inventory.load(inventory_dir)
    outcomes = run_deploy(ov, site, dry_run=True, workers=workers)
    drifted = [o for o in outcomes if o.status == "would-change"]
    broken = [o for o in outcomes if o.status in ("failed", "skipped")]
    if as_json:
        print(json.dumps({"drift": bool(drifted), "devices": [o.as_dict() for o in outcomes]}, indent=2))
    else:
        for o in drifted:
            out.print(f"[bold]--- {o.device}[/bold]")
            out.print(o.diff, markup=False, highlight=False)
        out.print(_outcome_table("drift", outcomes))
    raise typer.Exit(1 if broken else 2 if drifted else 0)


@app.command()
def rollback(inventory_dir: Path = InventoryOpt,
             site: Optional[str] = typer.Option(None, "--site", help="The site and its hub."),
             device: Optional[str] = typer.Option(None, "--device"),
             to: Optional[str] = typer.Option(None, "--to", help="Backup ID (timestamp); default the latest."),
             confirm_timeout: int = typer.Option(120, "--confirm-timeout", min=5),
             backup_dir: Path = BackupDirOpt,
             lock_timeout: float = lock.timeout_option(),
             as_json: bool = typer.Option(False, "--json")):
    """Restore devices to a backup taken before a deploy."""
    from tasks.rollback import rollback as run_rollback
    run_rollback = lock.guarded(run_rollback, inventory_dir, backup_dir, lock_timeout)
    ov = inventory.load(inventory_dir)
    names = render_mod.devices_in_scope(ov, site, device)
    outcomes = run_rollback(ov, names, backup_dir, to, confirm_timeout)
    if as_json:
        print(json.dumps({"devices": [o.as_dict() for o in outcomes]}, indent=2))
    else:
        out.print(_outcome_table("rollback", outcomes))
    if any(o.status == "failed" for o in outcomes):
        raise typer.Exit(1)


@app.command()
def verify(inventory_dir: Path = InventoryOpt,
           site: Optional[str] = typer.Option(None, "--site", help="Only this site's tunnel."),
           wait: float = typer.Option(0, "--wait", min=0, help="Poll until green or this many seconds pass."),
           workers: int = typer.Option(20, "--workers", min=1),
           as_json: bool = typer.Option(False, "--json")):
    """Prove the overlay: GRE, IKE/ESP SAs and counters, DF boundary, OSPF, routes, no recursion."""
    from tasks.verify import verify as run_verify
    ov = inventory.load(inventory_dir)
    if site is not None:
        render_mod.devices_in_scope(ov, site)  # unknown site: clear error
    checks, seconds = run_verify(ov, site, wait, workers, progress=lambda m: err.print(f"- {m}"))
    failed = [c for c in checks if c.status == "fail"]
    if as_json:
        print(json.dumps({"ok": not failed, "seconds": round(seconds, 2), "checks": [c.as_dict() for c in checks]},
                         indent=2))
    else:
        t = Table(title="verify")
        for col in ("device", "peer", "check", "status", "observed", "expected", "reason"):
            t.add_column(col)
        for c in checks:
            colour = "green" if c.status == "pass" else "red"
            t.add_row(c.device, c.peer, c.check, f"[{colour}]{c.status}[/]", c.observed, c.expected,
                      f"{c.reason}: {c.detail}" if c.reason else "")
        out.print(t)
        verdict = "[green]all checks pass[/]" if not failed else f"[red]{len(failed)} of {len(checks)} checks fail[/]"
        out.print(f"{verdict} ({seconds:.1f}s)")
    if failed:
        raise typer.Exit(1)


def _mount_subcommands() -> None:
    try:
        from .lab.cli import lab_app
    except ImportError:  # lab package not importable on this install
        return
    app.add_typer(lab_app, name="lab", help="Real-router lab on this machine (UML or native netns).")


_mount_subcommands()
__import__("controller.watch_cli", fromlist=["mount"]).mount(app)  # grectl watch, grectl history


def main() -> None:
    try:
        rc = app(standalone_mode=False)
        sys.exit(rc if isinstance(rc, int) else 0)
    except InventoryError as e:
        for p in e.problems:
            err.print(p, highlight=False, markup=False)
        sys.exit(1)
    except GrectlError as e:
        err.print(f"error: {e}", highlight=False, markup=False)
        sys.exit(1)
    except typer.Exit as e:
        sys.exit(e.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err.print("aborted")
        sys.exit(1)
    except Exception as e:  # click usage errors and the unexpected: a line, not a traceback
        import click
        if isinstance(e, click.ClickException):
            e.show()
            sys.exit(e.exit_code if e.exit_code != 2 else 1)
        if os.environ.get("GRECTL_DEBUG"):
            raise
        err.print(f"internal error: {e.__class__.__name__}: {e} (set GRECTL_DEBUG=1 for a traceback)",
                  highlight=False, markup=False)
        sys.exit(1)
