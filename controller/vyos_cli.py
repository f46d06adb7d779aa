"""``grectl validate --vyos-defs DIR``: every rendered VyOS ``set`` line through VyOS's own CLI
definitions."""
from __future__ import annotations

from pathlib import Path

from . import render


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
