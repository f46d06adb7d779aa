"""grectl parse: the facts one captured command output yields, through the platform's parser."""
from __future__ import annotations

import json
import os
from pathlib import Path

import typer

from . import platforms
from .console import out
from .errors import GrectlError


def parse(platform: str = typer.Argument(..., help="linux, ios, iosxe, vyos, huawei_vrp or h3c_comware."),
          command: str = typer.Argument(..., help='The command that produced the output, e.g. "show crypto ikev2 sa".'),
          file: Path = typer.Argument(..., help="A file holding the captured output (UTF-8 text, at most 16 MiB)."),
          as_json: bool = typer.Option(False, "--json", help="Print the facts as JSON.")):
    """Print the normalised facts one captured command output yields (checks a parser on your router)."""
    from . import safefile
    plat = platforms.get(platform)
    where = f"{platform} {safefile.printable(repr(command))}"
    try:
        text = safefile.read_text(file)
    except safefile.UnsafeFile as e:
        _fail_line(f"{where}: {e}")
    try:
        state = plat.parse_command(command, text if text.strip() else "")
    except NotImplementedError as e:
        known = plat.commands()
        _fail_line(f"{e}" + (f" (known: {'; '.join(known)})" if known else ""))
    except Exception as e:  # any parser failure on malformed output: one line, never a traceback
        if os.environ.get("GRECTL_DEBUG"):
            raise
        if text.strip():
            _fail_line(f"{where}: {safefile.printable(str(file))}: {_parser_failure(e, text)}")
    if not text.strip():  # after the command is known: an unknown command says which ones are
        _fail_line(f"{where}: {safefile.printable(str(file))}: empty, no output to parse")
    data = state.model_dump(exclude_defaults=True)
    if as_json:
        print(json.dumps(data, indent=2, sort_keys=True))
    else:
        out.print_json(json.dumps(data, sort_keys=True))


def _fail_line(message: str) -> None:
    from .cli import _fail_line as cli_fail_line  # the CLI's one error line (mounted from there)
    cli_fail_line(message)


def _parser_failure(e: Exception, text: str) -> str:
    """What a parser's exception says about the output, in words (the line it stopped at, if known)."""
    msg = " ".join(str(e).split())
    if e.__class__.__name__ == "TextFSMError" and "Input Line:" in msg:
        line = str(e).split("Input Line:", 1)[1].strip()
        numbers = [n for n, ln in enumerate(text.splitlines(), 1) if ln.strip() == line]
        at = f"line {numbers[0]}" if numbers else "a line"
        from .errors import shown
        return f"{at} is not part of this command's output: {shown(line, 60)}"
    if isinstance(e, (GrectlError, ValueError)) and msg:
        return msg if len(msg) <= 300 else msg[:300] + "..."
    return (f"cannot read this output ({e.__class__.__name__}"
            + (f": {msg[:200]}" if msg else "") + ")")


def mount(app: typer.Typer) -> None:
    app.command(name="parse")(parse)
