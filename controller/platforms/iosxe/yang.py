"""Offline schema check of rendered payloads against Cisco's IOS-XE YANG with libyang's
``yanglint`` (Debian libyang2-tools): types, ranges, enums, ``must``/``when`` and leafrefs, before
anything touches a router.

>>> modules_in(Path("/nonexistent"))  # doctest: +NORMALIZE_WHITESPACE
Traceback (most recent call last):
...
controller.errors.GrectlError: /nonexistent: no Cisco-IOS-XE-native.yang there
(give the directory holding Cisco's IOS-XE YANG modules)
"""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from controller.platforms.iosxe import nativexml as nx

from ...errors import GrectlError

MODULES = ("Cisco-IOS-XE-native", "Cisco-IOS-XE-tunnel", "Cisco-IOS-XE-crypto", "Cisco-IOS-XE-ospf")
FEATURES = ("Cisco-IOS-XE-features:crypto",)
_FAILED = re.compile(r'Failed to (?:parse|validate) input data file "([^"]+)"')


def modules_in(yang_dir: Path) -> list[Path]:
    if not (yang_dir / "Cisco-IOS-XE-native.yang").is_file():
        raise GrectlError(f"{yang_dir}: no Cisco-IOS-XE-native.yang there (give the directory holding "
                          "Cisco's IOS-XE YANG modules)")
    missing = [m for m in MODULES if not (yang_dir / f"{m}.yang").is_file()]
    if missing:
        raise GrectlError(f"{yang_dir}: missing {', '.join(missing)}")
    return [yang_dir / f"{m}.yang" for m in MODULES]


def data_document(config_xml: str) -> str:
    """The instance data yanglint reads: the ``<native>`` tree, without the NETCONF wrapper."""
    native = nx.native_of(nx.parse(config_xml))
    if native is None:
        return ""
    from lxml import etree
    return etree.tostring(native, encoding="unicode")


def validate(payloads: dict[str, str], yang_dir: Path, timeout: float = 300) -> dict[str, list[str]]:
    """name -> problems (empty: valid) for each ``<config>`` payload. One yanglint run for all."""
    exe = shutil.which("yanglint")
    if exe is None:
        raise GrectlError("yanglint not found: install Debian's libyang2-tools (scripts/install-system.sh)")
    mods = modules_in(yang_dir)
    out: dict[str, list[str]] = {name: [] for name in payloads}
    with tempfile.TemporaryDirectory(prefix="grectl-yang-") as tmp:
        files = {}
        for i, (name, xml) in enumerate(payloads.items()):
            doc = data_document(xml)
            if not doc:
                continue  # nothing in Cisco's model to check
            f = Path(tmp) / f"{i}.xml"
            f.write_text(doc)
            files[str(f)] = name
        if not files:
            return out
        order = list(files)
        while order:  # yanglint stops at the first file it refuses: go on after it
            cmd = [exe, "-t", "config", *[a for f in FEATURES for a in ("-F", f)], "-p", str(yang_dir),
                   *map(str, mods), *order]
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
            if r.returncode == 0:
                break
            pending: list[str] = []
            failed = None
            for line in r.stderr.splitlines():
                if line.startswith("libyang err"):
                    pending.append(line.split(":", 1)[1].strip())
                m = _FAILED.search(line)
                if m and m.group(1) in files:
                    failed = m.group(1)
                    break
            if failed is None:  # not attributable to one file: the whole run failed
                why = pending or [ln for ln in r.stderr.splitlines() if "warn" not in ln][-3:] or ["yanglint failed"]
                for f in order:
                    out[files[f]] += why
                break
            out[files[failed]] += pending or ["yanglint refused it"]
            order = order[order.index(failed) + 1:]
    return out
