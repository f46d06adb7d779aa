"""PSKs in IOS config text: masked to grectl's placeholders, in running configs, diffs and backups.

>>> mask(" pre-shared-key local 0 hunter2hunter2hunter2")
' pre-shared-key local 0 %{psk:ebbbb4d47207}'
>>> mask("crypto isakmp key hunter2hunter2hunter2 address 198.51.100.6")
'crypto isakmp key %{psk:ebbbb4d47207} address 198.51.100.6'
>>> mask("  pre-shared-key %{psk:ebbbb4d47207}")
'  pre-shared-key %{psk:ebbbb4d47207}'
"""
from __future__ import annotations

import re

from ...secrets import PLACEHOLDER_RE, placeholder

# pre-shared-key [local|remote] [0|6|7] KEY   |   crypto isakmp key [0|6] KEY address|hostname ...
_KEY_LINES = re.compile(r"(?m)^(\s*pre-shared-key(?: local| remote)?(?: [067])? )(\S+)\s*$"
                        r"|^(\s*crypto isakmp key(?: [06])? )(\S+)( (?:address|hostname) .*)$")


def mask(text: str) -> str:
    def repl(m: re.Match) -> str:
        if m.group(1) is not None:
            head, key, tail = m.group(1), m.group(2), ""
        else:
            head, key, tail = m.group(3), m.group(4), m.group(5)
        return head + (key if PLACEHOLDER_RE.fullmatch(key) else placeholder(key)) + tail
    return _KEY_LINES.sub(repl, text)
