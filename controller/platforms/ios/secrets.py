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


# Cisco IOS Security Command Reference, "crypto isakmp key": keystring "any combination of
# alphanumeric characters up to 128 bytes"; the IKEv2 keyring's "pre-shared-key" takes the same key.
PSK_MAX = 128
_TYPE_PREFIX = re.compile(r"[0-9]\s.*", re.S)


def check_psk(key: str) -> str | None:
    """Why IOS would read the pre-shared ``key`` differently from what is written, or None. Never
    quotes the key.

    The key is written as one word at the end of ``pre-shared-key [0|6|7] KEY`` (IKEv2 keyring) or
    before ``address`` in ``crypto isakmp key [0|6] KEY address A`` (IKEv1, crypto-map style), and
    read back from the running config by the same grammar. So refused: a key starting with a digit
    and a space (``0 ``/``6 ``/``7 `` are the encryption-type keyword), whitespace anywhere (the
    isakmp form ends the key at a space; IOS drops leading and trailing spaces), ``?`` (the CLI's
    help key), a double quote (IOS's parser takes quoted strings in some commands; conservative),
    anything but printable ASCII (IOS's parser is byte-oriented ASCII), and keys over 128 bytes.

    >>> check_psk("abcdefghijklmnop") is None, check_psk("a!#;$(x)`\\\\'b]]>]]>&amp;z") is None
    (True, True)
    >>> check_psk("6 abcdefghijklmnop")
    "starts with a digit and a space (IOS reads '0 ', '6 ' or '7 ' as the key's encryption type)"
    >>> check_psk("abcdefgh?ijklmnop")
    "holds '?' at position 9 (the IOS CLI's help key)"
    >>> check_psk("abcdefgh ijklmnop")
    'holds whitespace at position 9 (IOS ends the key at a space)'
    """
    if not key:
        return "is empty"
    if _TYPE_PREFIX.fullmatch(key):
        return "starts with a digit and a space (IOS reads '0 ', '6 ' or '7 ' as the key's encryption type)"
    for n, ch in enumerate(key, 1):
        if ch == "?":
            return f"holds '?' at position {n} (the IOS CLI's help key)"
        if ch.isspace():
            edge = " (IOS drops leading and trailing spaces)" if n in (1, len(key)) else ""
            return f"holds whitespace at position {n} (IOS ends the key at a space){edge}"
        if ch == '"':
            return f"holds a double quote at position {n} (IOS's parser may read it as quoting)"
        if not ch.isascii():
            return f"holds a non-ASCII character at position {n} (IOS takes printable ASCII keys)"
        if not ch.isprintable():
            return f"holds a non-printable character at position {n}"
    if len(key.encode()) > PSK_MAX:
        return f"is longer than {PSK_MAX} characters (IOS takes at most {PSK_MAX})"
    return None
