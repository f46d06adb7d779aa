"""The one Jinja2 set-up every platform renderer uses: its own ``templates/`` folder, strict
undefined (a missing value is an error, never an empty string), blocks trimmed."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2


@lru_cache(maxsize=None)
def environment(package_file: str) -> jinja2.Environment:
    """The environment for the ``templates/`` folder beside ``package_file`` (pass ``__file__``)."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(Path(package_file).parent / "templates"),
                              trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
                              keep_trailing_newline=True)
