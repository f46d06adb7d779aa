"""What every platform's value tables share: a number checked against its row of a ranges table
(``what -> (lo, hi, source)``), and an interface name respelt from its parsed parts."""
from __future__ import annotations

import re


def out_of_range(ranges: dict[str, tuple[int, int, str]], source: str, what: str, value: int) -> str | None:
    """``takes lo-hi (<source>: <row's source>), not value`` or None.

    >>> out_of_range({"adjust_mss": (128, 1460, "tcp adjust-mss")}, "Huawei AR", "adjust_mss", 8886)
    'takes 128-1460 (Huawei AR: tcp adjust-mss), not 8886'
    >>> out_of_range({"adjust_mss": (536, 65535, "adjust-mss.xml.i")}, "vyos-1x", "adjust_mss", 600) is None
    True
    """
    lo, hi, src = ranges[what]
    sep = " " if source.endswith("-1x") else ": "   # "vyos-1x <file>", "Huawei AR: <command>"
    return None if lo <= value <= hi else f"takes {lo}-{hi} ({source}{sep}{src}), not {value}"


def respelt(kind: str, m: re.Match) -> str:
    """The configuration's spelling of a parsed interface name: the full type, then the numbers
    without leading zeros (``num`` slot/port parts, optional ``chan`` and ``sub`` groups).

    >>> name = re.fullmatch(r"(?P<num>[\\d/]+)(?::(?P<chan>\\d+))?(?:\\.(?P<sub>\\d+))?", "1/0/01.100")
    >>> respelt("GigabitEthernet", name)
    'GigabitEthernet1/0/1.100'
    """
    num = "/".join(str(int(p)) for p in m.group("num").split("/"))
    chan = f":{int(m.group('chan'))}" if m.group("chan") is not None else ""
    sub = f".{int(m.group('sub'))}" if m.group("sub") is not None else ""
    return f"{kind}{num}{chan}{sub}"
