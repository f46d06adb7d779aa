"""A mixed overlay: a Linux hub (tokyo), a VyOS site (osaka) and a Huawei VRP site (fukuoka), on a
proposal all three can negotiate (the VRP pages grectl cites show AES-CBC, SHA-2 and DH group 14)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from tests.conftest import copy_inventory, ipv4_only

SHARED = Path(__file__).resolve().parents[4] / "shared"   # ../shared beside the checkout
VYOS_DEFS = SHARED / "vendor-defs" / "vyos-1x-3710c58"
RECORDED = SHARED / "recorded"
need_defs = pytest.mark.skipif(not VYOS_DEFS.is_dir(), reason=f"VyOS CLI definitions absent ({VYOS_DEFS})")
need_recorded = pytest.mark.skipif(not RECORDED.is_dir(), reason=f"recorded device output absent ({RECORDED})")
UPDATE = bool(os.environ.get("GRECTL_UPDATE_GOLDEN"))


def mixed_inventory(tmp: Path, vyos_release: str | None = None, **intent) -> Path:
    inv = ipv4_only(copy_inventory(tmp))   # VyOS and VRP take IPv4 only so far (issue 22)
    hosts = yaml.safe_load((inv / "hosts.yaml").read_text())
    hosts["osaka"] = {"hostname": "172.31.255.12", "platform": "vyos", "username": "vyos",
                      "data": {"role": "site", **({"vyos_release": vyos_release} if vyos_release else {})}}
    hosts["fukuoka"] = {"hostname": "172.31.255.13", "platform": "huawei_vrp", "username": "admin",
                        "data": {"role": "site"}}
    (inv / "hosts.yaml").write_text(yaml.safe_dump(hosts, sort_keys=False))
    ov = yaml.safe_load((inv / "overlay.yaml").read_text())
    ov["ike"]["proposal"] = "aes256-sha256-modp2048"
    ov["ipsec"]["transform"] = "aes256-sha256"
    ov["sites"]["osaka"]["wan"]["interface"] = "eth0"
    ov["sites"]["fukuoka"]["wan"]["interface"] = "Dialer1"
    for k, v in intent.items():
        node = ov
        *parents, last = k.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[last] = v
    (inv / "overlay.yaml").write_text(yaml.safe_dump(ov, sort_keys=False))
    return inv


def golden(path: Path, text: str) -> None:
    """Compare with a golden file (GRECTL_UPDATE_GOLDEN=1 rewrites it)."""
    if UPDATE or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        if not UPDATE:
            pytest.fail(f"{path} did not exist; written now: review and commit it")
    assert text == path.read_text(), f"rendering differs from {path} (GRECTL_UPDATE_GOLDEN=1 to accept)"


def command_file(command: str) -> str:
    return command.replace("/", "~").replace(" ", "_").replace("|", "%") + ".txt"


def file_command(name: str) -> str:
    return name[:-4].replace("_", " ").replace("~", "/").replace("%", "|")


def load_case(case_dir: Path) -> tuple[dict, dict[str, str]]:
    """expected.json + the outputs: the base case's files overlaid by this case's own."""
    import json
    exp = json.loads((case_dir / "expected.json").read_text())
    outputs: dict[str, str] = {}
    if exp.get("base"):
        outputs.update(load_case(case_dir.parent / exp["base"])[1])
    for f in sorted(case_dir.glob("*.txt")):
        outputs[file_command(f.name)] = f.read_text()
    for cmd in exp.get("absent", []):
        outputs.pop(cmd, None)
    return exp, outputs
