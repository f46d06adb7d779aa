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


def dual_stack_lans(inv: Path, device: str, lan6: list, lan: str, linux: tuple[str, str], six: bool = True) -> Path:
    """``inv`` (the mixed overlay) edited in place: the site ``linux[0]`` on Linux at ``linux[1]``,
    ``device``'s IPv6 LAN interfaces ``lan6``; with ``six`` the hub tokyo (2001:db8:1::/64) and
    ``device`` (``lan``) get an IPv6 LAN and the tunnels a tunnel_pool6."""
    h = yaml.safe_load((inv / "hosts.yaml").read_text())
    h[linux[0]] = {"hostname": linux[1], "groups": ["lab_linux"]}
    h[device]["data"]["lan6_interfaces"] = lan6
    (inv / "hosts.yaml").write_text(yaml.safe_dump(h))
    if six:
        doc = yaml.safe_load((inv / "overlay.yaml").read_text())
        doc["tunnel_pool6"] = "2001:db8:ffff::/48"
        doc["hubs"]["tokyo"]["lans"].append("2001:db8:1::/64")
        doc["sites"][device]["lans"].append(lan)
        (inv / "overlay.yaml").write_text(yaml.safe_dump(doc))
    return inv


SIX = ("df6.", "ospf6.", "routes6.")
# (OSPFv3 neighbor state, LAN route present, ping replies, failed (check, reason)) of an IPv6 verify
SIX_CASES = pytest.mark.parametrize("state,routed,replies,fail", [
    ("Full", True, 2, []),
    ("Init", False, 2, [("ospf6.neighbor", "OSPF_NO_SESSION"), ("routes6.lan", "ROUTE_MISSING")]),
    ("ExStart", False, 2, [("ospf6.neighbor", "OSPF_MTU_MISMATCH"), ("routes6.lan", "ROUTE_MISSING")]),
    ("Full", True, 0, [("df6.max", "DF_PING_FAILED")]),
], ids=["healthy", "ospf6-init", "ospf6-exstart", "df6-max-lost"])


def six_checks(plat, ov, device: str, outputs: list[str]) -> tuple[list[str], list]:
    """(the IPv6 commands ``plat`` collects on ``device``, the IPv6 checks of the device's state
    parsed from ``outputs``, one per command in order)."""
    from controller import verify
    six = [c for r in plat.collect(ov, device, None) for c in r if "ospfv3" in c or "ipv6" in c]
    st = plat.parse(ov, device, None, dict(zip(six, outputs)))
    return six, [c for c in verify.evaluate(ov, {device: st}) if c.device == device and c.check.startswith(SIX)]


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
