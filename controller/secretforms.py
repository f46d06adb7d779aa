"""How grectl writes and hides pre-shared keys: the placeholder ``%{psk:<fingerprint>}``, the
fingerprint, and masking of every form in which strongSwan, its logs or a Python/JSON dump may
print a secret. Stdlib-only and self-contained: the Linux router agent ships this file next to
``linuxconf.py`` (``controller/platforms/linux/driver.py``, ``AGENT_FILES``), and the core
(``controller.secrets``, ``controller.history``), the drivers and the platforms all import it.

>>> placeholder("k1k1k1k1")
'%{psk:70427501cc65}'
>>> unmask(mask('secret = "k1k1k1k1"'), {"70427501cc65": "k1k1k1k1"}.__getitem__)
'secret = "k1k1k1k1"'
"""
from __future__ import annotations

import hashlib
import re

PLACEHOLDER_RE = re.compile(r"%\{psk:([0-9a-f]{12})\}")
# A secret as swanctl, strongSwan's logs or a Python/JSON dump may print it: `secret = "k"`, `secret = k`,
# `secret='k'`, `"secret": "k"`. A value already masked is matched first and kept.
SECRET_RE = re.compile(r"""(?P<pre>\bsecret["']?[ \t]*[=:][ \t]*)(?:(?P<ph>["']?%\{psk:[0-9a-f]{12}\}["']?)"""
                       r"""|"(?P<dq>(?:[^"\\\n]|\\.)*)"|'(?P<sq>[^'\n]*)'|(?P<bare>[^\s"',;]+))""")
SECRET_LINE_RE = SECRET_RE  # the old name


def fingerprint(psk: str) -> str:
    return hashlib.sha256(b"grectl-psk:" + psk.encode()).hexdigest()[:12]


def placeholder(psk: str) -> str:
    return "%{psk:" + fingerprint(psk) + "}"


def _secret_value(m: re.Match) -> str | None:
    for g in ("dq", "sq", "bare"):
        if m.group(g) is not None:
            return m.group(g)
    return None  # already a placeholder


def mask(text: str) -> str:
    """Replace every secret value (quoted or not) by its placeholder.

    >>> mask('secret = "k1k1k1k1"')
    'secret = "%{psk:70427501cc65}"'
    >>> mask("secret=k1k1k1k1 }")
    'secret="%{psk:70427501cc65}" }'
    >>> mask("{'secret': 'k1k1k1k1'}")
    "{'secret': '%{psk:70427501cc65}'}"
    >>> mask('secret = "%{psk:70427501cc65}"')
    'secret = "%{psk:70427501cc65}"'
    """
    def repl(m: re.Match) -> str:
        value = _secret_value(m)
        if value is None:
            return m.group(0)
        if m.group("sq") is not None:
            return f"{m.group('pre')}'{placeholder(value)}'"
        return f'{m.group("pre")}"{placeholder(value)}"'
    return SECRET_RE.sub(repl, text)


def clear_secrets(text: str) -> dict[str, str]:
    """Real keys written in clear in ``text``, by fingerprint."""
    out = {}
    for m in SECRET_RE.finditer(text):
        value = _secret_value(m)
        if value is not None:
            out[fingerprint(value)] = value
    return out


def unmask(text: str, lookup) -> str:
    """Put real keys in place of placeholders; ``lookup(fingerprint)`` returns the key or raises KeyError."""
    return PLACEHOLDER_RE.sub(lambda m: lookup(m.group(1)), text)
