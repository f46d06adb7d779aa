"""The options of `grectl` itself: --version (the shell-completion ones are Typer's)."""
from __future__ import annotations

import typer


def version() -> str:
    """The installed distribution's version (the package's own when not installed)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version
    try:
        return dist_version("grectl")
    except PackageNotFoundError:
        from . import __version__
        return __version__


def _print_version(value: bool) -> None:
    if value:
        print(f"grectl {version()}")
        raise typer.Exit()


def root(show_version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                          help="Print grectl's version and exit.")) -> None:
    """GRE-over-IPsec overlay controller: validate, render, lab, deploy, verify.

    Shell completion: grectl --install-completion (bash, zsh, fish, powershell), or
    grectl --show-completion to see the script."""
