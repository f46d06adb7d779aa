r"""Linux interface names, checked as the kernel checks them (``dev_valid_name``). Pure.

>>> check_interface_name("gre-osaka") is None
True
>>> check_interface_name("gre-kitakyushu-2")
'is 16 bytes; Linux interface names hold at most 15'
>>> check_interface_name("wan/0")
"holds '/'; Linux interface names cannot"
>>> check_interface_name("eth0\u2028")
"holds '\\u2028'; Linux interface names cannot"
"""
from __future__ import annotations

IFNAMSIZ = 16  # including the terminating NUL


def check_interface_name(name: str) -> str | None:
    """Why the Linux kernel would refuse ``name`` as an interface name, or None."""
    size = len(name.encode())
    if size == 0:
        return "is empty"
    if size >= IFNAMSIZ:
        return f"is {size} bytes; Linux interface names hold at most {IFNAMSIZ - 1}"
    if name in (".", ".."):
        return "is '.' or '..'"
    for ch in name:
        if ch == "/" or ch == ":" or ch.isspace() or not ch.isprintable():
            return f"holds {ch!r}; Linux interface names cannot"
    return None
