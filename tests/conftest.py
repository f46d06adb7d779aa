import shutil
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
TEST_PSK = "test-psk-0123456789abcdef"


def copy_inventory(dst: Path, psk: str = TEST_PSK) -> Path:
    """A private copy of the example inventory with its own PSK file."""
    inv = dst / "inventory"
    shutil.copytree(ROOT / "inventory", inv, ignore=shutil.ignore_patterns("secrets", ".grectl"))
    (inv / "secrets").mkdir()
    (inv / "secrets" / "psk.txt").write_text(psk + "\n")
    (inv / "secrets" / "psk.txt").chmod(0o600)  # grectl refuses a key file group or others can read
    return inv


def ipv4_only(inv: Path) -> Path:
    """The copied example without its IPv6 (LANs and tunnel_pool6): for tests of a platform that
    takes IPv4 only so far (issue 22: IPv6 is Linux's yet) or of IPv4-only behaviour."""
    doc = yaml.safe_load((inv / "overlay.yaml").read_text())
    for k in ("tunnel_pool6", "tunnel_prefixlen6"):
        doc.pop(k, None)
    for group in ("hubs", "sites"):
        for dev in (doc.get(group) or {}).values():
            dev["lans"] = [x for x in dev.get("lans", []) if ":" not in str(x)]
    (inv / "overlay.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    return inv


def set_path(doc: dict, dotted: str, value) -> None:
    *parents, last = dotted.split(".")
    for p in parents:
        doc = doc.setdefault(p, {})
    doc[last] = value


def delete_path(doc: dict, dotted: str) -> None:
    *parents, last = dotted.split(".")
    for p in parents:
        doc = doc[p]
    del doc[last]


def edit_yaml(path: Path, sets: dict | None = None, deletes: list | None = None) -> None:
    doc = yaml.safe_load(path.read_text()) or {}
    for k, v in (sets or {}).items():
        set_path(doc, k, v)
    for k in deletes or []:
        delete_path(doc, k)
    path.write_text(yaml.safe_dump(doc, sort_keys=False))


@pytest.fixture
def inv(tmp_path) -> Path:
    return copy_inventory(tmp_path)
