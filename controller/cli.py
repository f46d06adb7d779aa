"""grectl command line: thin. Exit codes: 0 ok, 1 failure, 2 drift."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table
from rich.text import Text

from . import inventory, lock, paths, platforms
from . import mtu as mtu_calc
from . import render as render_mod
from .console import InventoryOpt, err, out
from .errors import GrectlError, InventoryError
from .root import root

app = typer.Typer(add_completion=True, no_args_is_help=True)
app.callback()(root)  # --version; the completion options are Typer's (add_completion)


def fail(message: str, code: int = 1) -> None:
    """``error: <message>`` on stderr, exit ``code``; the message is plain text (never read as markup)."""
    err.print(Text.assemble(("error:", "red"), " ", message), highlight=False)
    raise typer.Exit(code)


@app.command()
def validate(inventory_dir: Path = InventoryOpt,
             yang_dir: Optional[Path] = typer.Option(
                 None, "--yang", help="Also check every rendered IOS-XE payload against the YANG models in this "
                                      "directory with yanglint (offline)."),
             vyos_defs: Optional[Path] = typer.Option(
                 None, "--vyos-defs", help="Also check every rendered VyOS line against VyOS's own CLI "
                                           "definitions (a vyos-1x checkout)."),
             as_json: bool = typer.Option(False, "--json",
                                          help="Print the result as JSON, always with the keys valid, devices, "
                                               "tunnels, problems and notes (devices and tunnels are null when "
                                               "the inventory does not load).")):
    """Check the inventory and intent; one line per problem naming file and field."""
    ov = _load_for_validate(inventory_dir, as_json)
    problems, notes = _offline_checks(ov, yang_dir, vyos_defs)
    if as_json:
        print(json.dumps({"valid": not problems, "devices": len(ov.devices), "tunnels": len(ov.tunnels),
                          "problems": problems, "notes": notes}, indent=2))
    else:
        for p in problems + notes:
            err.print(p, highlight=False, markup=False)
        if not problems:
            checked = " and ".join(w for w, on in (("YANG", yang_dir), ("VyOS definitions", vyos_defs)) if on)
            out.print(f"{inventory_dir}: valid ({len(ov.devices)} devices, {len(ov.tunnels)} tunnels)"
                      + (f", rendered configs accepted by {checked}" if checked else ""), highlight=False, markup=False)
    if problems:
        raise typer.Exit(1)


def _load_for_validate(inventory_dir: Path, as_json: bool):
    try:
        return inventory.load(inventory_dir)  # the full validation every command runs, Nornir's view included
    except InventoryError as e:
        if as_json:  # the same keys as a valid result; devices/tunnels unknown
            print(json.dumps({"valid": False, "devices": None, "tunnels": None, "problems": e.problems,
                              "notes": []}, indent=2))
            raise typer.Exit(1)
        for p in e.problems:
            err.print(p, highlight=False, markup=False)
        raise typer.Exit(1)


def _offline_checks(ov, yang_dir: Optional[Path], vyos_defs: Optional[Path]) -> tuple[list[str], list[str]]:
    """Each platform's offline check (problems, and the definitions' notes)."""
    problems, notes = [], []
    try:
        for kind, path in (("yang", yang_dir), ("vyos-defs", vyos_defs)):
            if path is None:
                continue
            for name in platforms.names():
                for p in platforms.get(name).offline_check(ov, kind, path) or []:
                    (notes if p.startswith("(definitions)") else problems).append(p)
    except GrectlError as e:
        _fail_line(str(e))
    return problems, notes


@app.command()
def render(inventory_dir: Path = InventoryOpt,
           site: Optional[str] = typer.Option(None, "--site", help="Only this site and the hub's side of it."),
           device: Optional[str] = typer.Option(None, "--device", help="Only this device."),
           out_dir: Optional[Path] = typer.Option(None, "--out", help="Write <device>.conf files here."),
           show_secrets: bool = typer.Option(False, "--show-secrets", help="Write real PSKs (default: masked)."),
           as_json: bool = typer.Option(False, "--json", help="Print {device: config} as JSON.")):
    """Render device configs from the intent (deterministic; PSKs masked)."""
    ov = inventory.load(inventory_dir)
    configs = render_mod.render_all(ov, site=site, device=device, show_secrets=show_secrets)
    if out_dir is not None:
        for p in render_mod.write(configs, out_dir, secret=show_secrets):
            out.print(f"wrote {p}", highlight=False, markup=False)
    elif as_json:
        print(json.dumps(configs, indent=2, sort_keys=True))
    else:
        for name, text in configs.items():
            sys.stdout.write(f"### {name}\n{text}")


@app.command()
def mtu(underlay_mtu: int = typer.Option(1500, "--underlay-mtu", help="MTU of the WAN link, 576-9216."),
        transform: str = typer.Option(
            "aes128gcm16", "--transform",
            help="ESP transform as strongSwan writes it: aes128gcm16, aes192gcm16, aes256gcm16 (also gcm8, "
                 "gcm12), chacha20poly1305, or CIPHER-INTEG with CIPHER aes128|aes192|aes256|3des and INTEG "
                 "sha1|sha256|sha384|sha512|md5 (e.g. aes256-sha256)."),
        mode: str = typer.Option("transport", "--mode", help="IPsec mode: transport or tunnel."),
        gre_key: bool = typer.Option(False, "--gre-key", help="GRE header carries a key (4 bytes more)."),
        nat_t: bool = typer.Option(False, "--nat-t", help="ESP in UDP (NAT traversal, 8 bytes more)."),
        as_json: bool = typer.Option(False, "--json", help="Print the numbers as JSON (keys: gre_mtu, path_mtu, "
                                                           "tcp_mss, max_df_payload, esp_mtu, underlay_mtu)."),
        inner: str = typer.Option("ipv4", "--inner", help="Passenger family: ipv4, or ipv6 (MSS = MTU - 60, "
                                                          "largest ping -6 -M do -s = MTU - 48).")):
    """GRE MTU, path MTU, TCP MSS and the largest DF ping, as the Linux kernel enforces them."""
    try:
        m = mtu_calc.inner(mtu_calc.compute(underlay_mtu, transform, mode, gre_key, nat_t), inner)
    except mtu_calc.MtuError as e:
        fail(str(e))
    if inner == "ipv6" and mtu_calc.ipv6_problem(m, transform, mode):
        fail(f"cannot carry IPv6: {mtu_calc.ipv6_problem(m, transform, mode)}")
    if as_json:
        print(json.dumps({"gre_mtu": m.gre_mtu, "path_mtu": m.path_mtu, "tcp_mss": m.tcp_mss,
                          "max_df_payload": m.max_df_payload, "esp_mtu": m.esp_mtu,
                          "underlay_mtu": m.underlay_mtu}, indent=2))
        return
    t = Table(title=f"{transform} {mode}, underlay {underlay_mtu}"
                    f"{', GRE key' if gre_key else ''}{', NAT-T' if nat_t else ''}"
                    f"{', IPv6 inside' if inner == 'ipv6' else ''}")
    t.add_column("what")
    t.add_column("bytes", justify="right")
    for label, v in (("GRE device MTU", m.gre_mtu), ("path MTU (set on the tunnel)", m.path_mtu),
                     ("TCP MSS clamp", m.tcp_mss),
                     (f"largest DF ping{' -6' if inner == 'ipv6' else ''} -s", m.max_df_payload)):
        t.add_row(label, str(v))
    out.print(t)


def _outcome_table(title: str, outcomes) -> Table:
    t = Table(title=title)
    for col in ("device", "role", "status", "changes", "detail"):
        t.add_column(col, justify="right" if col == "changes" else "left")
    colours = {"ok": "green", "unchanged": "green", "would-change": "yellow", "failed": "red", "skipped": "red",
               "reverted": "red"}
    for o in outcomes:
        detail = "; ".join(filter(None, [o.error] + o.notes))
        t.add_row(Text(o.device), Text(o.role), Text(o.status, style=colours.get(o.status, "white")),
                  Text(str(o.changes)), Text(detail))
    return t


JSON_HELP = "Print the result as JSON on stdout (progress stays on stderr)."
WORKERS_HELP = "Devices talked to at once (SSH handshakes are further limited by GRECTL_SSH_CONNECTING)."
BackupDirOpt = typer.Option(None, "--backup-dir", envvar="GRECTL_BACKUP_DIR",
                            help="Where running configs are saved (masked) before every change; default "
                                 "<inventory>/.grectl/backups. The change lock never moves.")


@app.command()
def deploy(inventory_dir: Path = InventoryOpt,
           site: Optional[str] = typer.Option(None, "--site", help="Only this site and the hub's side of it."),
           dry_run: bool = typer.Option(False, "--dry-run", help="Show the diffs; change nothing."),
           confirm_timeout: int = typer.Option(120, "--confirm-timeout", min=5,
                                               help="Seconds before an unconfirmed commit rolls itself back."),
           backup_dir: Optional[Path] = BackupDirOpt,
           workers: int = typer.Option(20, "--workers", min=1, help=WORKERS_HELP),
           lock_timeout: float = lock.timeout_option(),
           timings: bool = typer.Option(False, "--timings", help="Show where the time went: each phase of the "
                                        "change and each device's read, commit and confirm (always in --json)."),
           as_json: bool = typer.Option(False, "--json", help=JSON_HELP)):
    """Render, diff, commit everywhere with a confirm timer, prove with verify, then confirm everywhere."""
    from tasks.deploy import deploy as run_deploy
    from tasks.timeline import Timeline

    from .timeline_view import timeline_tables
    tl = Timeline()
    run_deploy = lock.guarded(run_deploy, inventory_dir, lock_timeout, skip=dry_run)
    backup_dir = paths.backups(inventory_dir, backup_dir)
    ov = inventory.load(inventory_dir)
    if as_json:  # progress on stderr, the result alone on stdout
        outcomes = run_deploy(ov, site, dry_run, confirm_timeout, backup_dir, workers,
                              progress=lambda msg: err.print(f"- {msg}", highlight=False, markup=False), timeline=tl)
        print(json.dumps({"dry_run": dry_run, "devices": [o.as_dict() for o in outcomes],
                          "timeline": tl.as_dict()}, indent=2))
    else:
        with err.status("deploying") as status:
            outcomes = run_deploy(ov, site, dry_run, confirm_timeout, backup_dir, workers,
                                  progress=lambda msg: (status.update(Text(msg)),
                                                        err.print(f"- {msg}", highlight=False, markup=False)),
                                  timeline=tl)
        for o in outcomes:
            if o.diff:
                out.print(Text(f"--- {o.device}", style="bold"))
                out.print(o.diff, markup=False, highlight=False)
        out.print(_outcome_table("deploy (dry run)" if dry_run else "deploy", outcomes))
        total = sum(o.changes for o in outcomes)
        out.print(f"{total} changed lines on {sum(1 for o in outcomes if o.changes)} devices")
        if timings:
            for table in timeline_tables(tl.as_dict()):
                out.print(table)
    if any(o.status in ("failed", "skipped", "reverted") for o in outcomes):
        raise typer.Exit(1)


@app.command()
def drift(inventory_dir: Path = InventoryOpt,
          site: Optional[str] = typer.Option(None, "--site", help="Only this site and the hub's side of it."),
          workers: int = typer.Option(20, "--workers", min=1, help=WORKERS_HELP),
          as_json: bool = typer.Option(False, "--json", help=JSON_HELP)):
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
            out.print(Text(f"--- {o.device}", style="bold"))
            out.print(o.diff, markup=False, highlight=False)
        out.print(_outcome_table("drift", outcomes))
    raise typer.Exit(1 if broken else 2 if drifted else 0)


@app.command()
def rollback(inventory_dir: Path = InventoryOpt,
             site: Optional[str] = typer.Option(None, "--site", help="The site and its hub."),
             device: Optional[str] = typer.Option(None, "--device", help="Only this device."),
             to: Optional[str] = typer.Option(None, "--to", help="Backup ID (timestamp); default the latest."),
             confirm_timeout: int = typer.Option(120, "--confirm-timeout", min=5,
                                                 help="Seconds before an unconfirmed commit rolls itself back."),
             backup_dir: Optional[Path] = BackupDirOpt,
             lock_timeout: float = lock.timeout_option(),
             as_json: bool = typer.Option(False, "--json", help=JSON_HELP)):
    """Restore devices to a backup taken before a deploy."""
    from tasks.rollback import rollback as run_rollback
    run_rollback = lock.guarded(run_rollback, inventory_dir, lock_timeout)
    backup_dir = paths.backups(inventory_dir, backup_dir)
    ov = inventory.load(inventory_dir)
    names = render_mod.devices_in_scope(ov, site, device)
    outcomes = run_rollback(ov, names, backup_dir, to, confirm_timeout,
                            progress=lambda msg: err.print(f"- {msg}", highlight=False, markup=False))
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
           workers: int = typer.Option(20, "--workers", min=1, help=WORKERS_HELP),
           details: bool = typer.Option(False, "--details", help="Print every check, not only the summary."),
           as_json: bool = typer.Option(False, "--json", help=JSON_HELP)):
    """Prove the overlay: GRE, IKE/ESP SAs and counters, DF boundary, OSPF, routes, no recursion."""
    from tasks.verify import verify as run_verify

    from . import verify_view
    ov = inventory.load(inventory_dir)
    if site is not None:
        render_mod.devices_in_scope(ov, site)  # unknown site: clear error
    checks, seconds = run_verify(ov, site, wait, workers, progress=lambda m: err.print(f"- {m}", highlight=False,
                                                                                   markup=False))
    failed = [c for c in checks if c.status == "fail"]
    if as_json:
        print(json.dumps({"ok": not failed, "seconds": round(seconds, 2), "checks": [c.as_dict() for c in checks]},
                         indent=2))
    else:
        out.print(verify_view.details(checks) if details else verify_view.table(checks, out.width))
        if not details:
            for block in verify_view.problems(checks):
                out.print(block, markup=False, highlight=False)
        na = sum(1 for c in checks if c.status == "n/a")
        verdict = (f"[green]all {len(checks) - na} checks pass[/]" if not failed
                   else f"[red]{len(failed)} of {len(checks)} checks fail[/]")
        out.print(f"{verdict}{f', {na} not available on their target' if na else ''} ({seconds:.1f}s)")
    if failed:
        raise typer.Exit(1)


def _fail_line(message: str) -> None:
    """``fail`` for a message that quotes user text: masked, on one line, no markup read in it."""
    from .platforms import mask_any
    from .safefile import printable
    fail(printable(" ".join(mask_any(message).split())))


# Command groups outside the core, by module name: each has ``mount(app)``. The core imports none of
# them (the lab is not core: controller/ never imports controller.lab); the CLI composes them here.
SUBCOMMANDS = (("controller.parse_cli", False),  # grectl parse
               ("controller.lab.cli", True),     # grectl lab (optional: absent on a trimmed install)
               ("controller.watch_cli", False),  # grectl watch, grectl history
               ("controller.graph_cli", False),  # grectl graph
               ("controller.drill_cli", False))  # grectl drill


def _mount_subcommands() -> None:
    import importlib
    for module, optional in SUBCOMMANDS:
        try:
            mod = importlib.import_module(module)
        except ImportError:
            if optional:
                continue
            raise
        mod.mount(app)


_mount_subcommands()


def _usage_line(e: BaseException) -> str | None:
    """A usage error of click or typer (any version: click-based or vendored) as one line, else None.

    Duck-typed on what every version's ClickException has, so no click import is needed."""
    fmt = getattr(e, "format_message", None)
    if not callable(fmt) or not isinstance(getattr(e, "exit_code", None), int):
        return None
    try:
        message = " ".join(str(fmt()).split())
    except Exception:  # a broken formatter must not turn a usage error into a traceback
        message = e.__class__.__name__
    ctx = getattr(e, "ctx", None)
    where = getattr(ctx, "command_path", None) or "grectl"
    return f"{where}: {message}"


def _quiet_library_logging() -> None:
    """Nornir logs each failed host with its traceback; with no handler configured Python's last-resort
    handler prints those to the terminal. The outcome table and JSON already say what failed."""
    import logging
    if os.environ.get("GRECTL_DEBUG"):
        logging.basicConfig(level=logging.DEBUG)
    else:
        logging.getLogger().addHandler(logging.NullHandler())


def _one_line(text: str, limit: int = 300) -> str:
    from controller.platforms import mask_any
    text = " ".join(mask_any(text).split())
    return text if len(text) <= limit else text[:limit] + "..."


def main(argv: list[str] | None = None) -> None:
    _quiet_library_logging()
    try:
        rc = app(args=argv, prog_name="grectl", standalone_mode=False)
        sys.exit(rc if isinstance(rc, int) else 0)
    except InventoryError as e:
        for p in e.problems:
            err.print(p, highlight=False, markup=False)
        sys.exit(1)
    except GrectlError as e:
        err.print(f"error: {_one_line(str(e))}", highlight=False, markup=False)
        sys.exit(1)
    except typer.Exit as e:
        sys.exit(e.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err.print("aborted")
        sys.exit(1)
    except Exception as e:  # usage errors and the unexpected: a line, not a traceback
        if e.__class__.__name__ == "NoArgsIsHelpError":  # click >= 8.2: a bare group shows its help
            ctx = getattr(e, "ctx", None)
            if ctx is not None:
                out.print(ctx.get_help(), markup=False, highlight=False)
            sys.exit(0)
        line = _usage_line(e)
        if line is not None:
            err.print(f"error: {line}", highlight=False, markup=False)
            sys.exit(1)
        if os.environ.get("GRECTL_DEBUG"):
            raise
        err.print(f"internal error: {e.__class__.__name__}: {_one_line(str(e))} "
                  "(set GRECTL_DEBUG=1 for a traceback)", highlight=False, markup=False)
        sys.exit(1)
