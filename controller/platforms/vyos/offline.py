"""``grectl validate --vyos-defs DIR``: every rendered VyOS ``set`` line through VyOS's own CLI
definitions."""
from __future__ import annotations

from pathlib import Path

from ... import render
from ...errors import GrectlError
from ...safefile import printable


def _checker(definitions: Path):
    """The checker for a definitions directory; any failure reading it is one ``GrectlError`` line
    naming the directory (``cli_check`` names the file for the failures it knows)."""
    from . import cli_check
    try:
        return cli_check.Checker(definitions)
    except GrectlError:
        raise
    except Exception as e:  # noqa: BLE001 - a definitions directory is untrusted input
        raise GrectlError(f"{printable(str(definitions))}: cannot be read as VyOS CLI definitions "
                          f"({e.__class__.__name__})") from None


def vyos_problems(overlay, definitions: Path) -> list[str]:
    """``<device> line N: <set line>: <VyOS's message>`` for every line VyOS's CLI would refuse.
    Devices rendered with 1.3 syntax are judged too (the definitions are 1.5's): their refusals say so."""
    from ... import platforms
    vyos = platforms.get("vyos")
    checker = _checker(definitions)
    texts = render.secret_texts(overlay, keys={t.site: "x" * 16 for t in overlay.tunnels})
    problems = []
    for name, dev in sorted(overlay.devices.items()):
        if dev.platform != "vyos":
            continue
        rel = vyos.release(overlay, name)
        for n, line, msg in checker.check(render.render_device(overlay, name, None, texts)):
            problems.append(f"{name} (VyOS {rel} syntax) line {n}: {line}: {msg}")
    problems += [f"(definitions) validator {v!r} not implemented: lines using it were accepted unjudged"
                 for v in sorted(checker.unjudged)]
    return problems
