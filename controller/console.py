"""What every CLI module shares: the two consoles and the inventory option."""
from pathlib import Path

import typer
from rich.console import Console

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

InventoryOpt = typer.Option(Path("inventory"), "-i", "--inventory", envvar="GRECTL_INVENTORY",
                            help="Inventory directory (hosts.yaml, groups.yaml, defaults.yaml, overlay.yaml).")
