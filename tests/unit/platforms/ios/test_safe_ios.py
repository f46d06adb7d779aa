"""Safe values on Cisco IOS: keys IOS reads as written, real interface names, documented ranges, and
no rendered config gaining a line. Cases are the YAML tables in ``hostile/`` (found by glob)."""
import inspect
import re
from pathlib import Path

import pytest
import yaml

from controller import inventory, models
from controller.errors import InventoryError
from controller.platforms.ios import PLATFORM as IOS
from controller.platforms.ios import names
from controller.platforms.ios import secrets as ios_secrets
from controller.platforms.iosxe import PLATFORM as IOSXE
from tests.conftest import edit_yaml

from .conftest import copy_inventory

HOSTILE = Path(__file__).parent / "hostile"


def cases(kind: str):
    """Every case of ``hostile/<kind>*.yaml``."""
    out = []
    for path in sorted(HOSTILE.glob(f"{kind}*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        out += doc if isinstance(doc, list) else [doc]
    assert out, f"no hostile/{kind}*.yaml"
    return out


PSK_CASES = cases("psk")
IFACES = cases("interfaces")
ACCEPT = {k: v for d in IFACES for k, v in d["accept"].items()}
REFUSE = [n for d in IFACES for n in d["refuse"]]
RANGES = cases("ranges")

# The inventory calls Platform.check_interface / check_psk, and the model takes names over 15
# characters, on the core helper's branch (issue 19 part 4); before that merge these skip.
INVENTORY_CHECKS_WAN = "check_interface" in inspect.getsource(inventory)


def _model_takes(name: str) -> bool:
    try:
        models.Wan(interface=name, address="198.51.100.2/30")
        return True
    except Exception:
        return False


LONG_NAMES = _model_takes("GigabitEthernet0/0/1")


def ids(items, key=None):
    return [repr(key(c) if key else c)[:60] for c in items]


# ---------------------------------------------------------------- keys

def ios_reads_key(line: str) -> str | None:
    """The key IOS reads from one rendered line, by its CLI grammar: the line is split into words
    at whitespace; ``pre-shared-key [local|remote] [0|6|7] KEY`` and
    ``crypto isakmp key [0|6] KEY address|hostname ...``; a ``?`` is the help key (no key read)."""
    if "?" in line:
        return None
    words = line.split()
    if words[:1] == ["pre-shared-key"]:
        rest = words[1:]
        rest = rest[1:] if rest[:1] in (["local"], ["remote"]) else rest
        rest = rest[1:] if rest[:1] in (["0"], ["6"], ["7"]) else rest
        return " ".join(rest)
    if words[:3] == ["crypto", "isakmp", "key"]:
        rest = words[3:]
        rest = rest[1:] if rest[:1] in (["0"], ["6"]) else rest
        return rest[0] if rest else None
    return None


@pytest.mark.parametrize("case", PSK_CASES, ids=ids(PSK_CASES, lambda c: c["key"]))
@pytest.mark.parametrize("platform", [IOS, IOSXE], ids=["ios", "iosxe"])
def test_check_psk_refuses_what_ios_reads_differently(platform, case):
    why = platform.check_psk(case["key"])
    if case["refused"] is None:
        assert why is None, why
    else:
        assert why is not None and case["refused"] in why, why
        assert len(case["key"]) < 4 or case["key"].strip() not in why  # never quotes the key


def test_psk_max_is_the_documented_128():
    assert ios_secrets.PSK_MAX == 128
    assert IOS.check_psk("k" * 128) is None and "128" in IOS.check_psk("k" * 129)


ACCEPTED_KEYS = [c["key"] for c in PSK_CASES if c["refused"] is None]


@pytest.fixture(scope="module")
def ioshub(tmp_path_factory):
    return inventory.load(copy_inventory("ioshub", tmp_path_factory.mktemp("ioshub")))


@pytest.mark.parametrize("key", ACCEPTED_KEYS, ids=ids(ACCEPTED_KEYS))
def test_accepted_keys_are_read_back_by_the_ios_grammar(ioshub, key):
    placeholder = {s: "%{psk:000000000000}" for s in ioshub.intent.sites}
    for device in ioshub.devices:
        base = IOS.render(ioshub, device, placeholder).splitlines()
        text = IOS.render(ioshub, device, {s: key for s in ioshub.intent.sites})
        lines = text.splitlines()
        assert len(lines) == len(base) and len(text.split("\n")) == len(base) + 1  # no line gained
        keyed = [ln for ln, b in zip(lines, base) if "%{psk:" in b]
        assert keyed and all(ios_reads_key(ln) == key for ln in keyed), keyed
        assert [ln for ln, b in zip(lines, base) if "%{psk:" not in b] == [b for b in base if "%{psk:" not in b]


@pytest.mark.parametrize("key", ["6 abcdefghijklmnop", "abcdefgh ijklmnop", "abcdefgh?ijklmnop", " abcdefghijklmnop"])
def test_the_reader_shows_why_the_refused_keys_are_refused(key):
    """The refusals are real: IOS's grammar reads these keys as something else."""
    assert ios_reads_key(f" pre-shared-key {key}") != key or ios_reads_key(f"crypto isakmp key {key} address 192.0.2.1") != key
    assert IOS.check_psk(key) is not None


# ---------------------------------------------------------------- interface names

@pytest.mark.parametrize("name,full", ACCEPT.items(), ids=list(ACCEPT))
@pytest.mark.parametrize("platform", [IOS, IOSXE], ids=["ios", "iosxe"])
def test_real_interface_names_are_accepted_and_rendered_in_full(platform, name, full):
    assert platform.check_interface(name) is None
    assert platform.canonical_interface(name) == full
    assert platform.canonical_interface(full) == full


@pytest.mark.parametrize("name", REFUSE, ids=ids(REFUSE))
@pytest.mark.parametrize("platform", [IOS, IOSXE], ids=["ios", "iosxe"])
def test_nonsense_interface_names_are_refused(platform, name):
    why = platform.check_interface(name)
    assert why is not None and ("IOS interface name" in why or "ambiguous" in why), why
    assert "\n" not in why and "\r" not in why


@pytest.mark.parametrize("a,b", [("Tu11", "Tunnel11"), ("tunnel11", "Tunnel11"), ("Tun11", "Tunnel11"),
                                 ("Gi0/0", "GigabitEthernet0/0"), ("Po1.100", "Port-channel1.100")])
def test_two_spellings_of_one_interface_compare_equal(a, b):
    for p in (IOS, IOSXE):
        assert p.canonical_interface(a) == p.canonical_interface(b)
    assert names.same_interface(a, b)


def test_the_tunnel_grectl_allocates_is_a_name_ios_has():
    assert IOS.check_interface(IOS.interface_name("osaka", 11)) is None
    assert IOS.canonical_interface("Tu11") == IOS.canonical_interface(IOS.interface_name("osaka", 11))


@pytest.mark.skipif(not INVENTORY_CHECKS_WAN, reason="the inventory calls check_interface on the core helper's branch")
@pytest.mark.parametrize("wan,expect", [
    ("Ethernetfoo", "sites.osaka.wan.interface: 'Ethernetfoo' is not an IOS interface name"),
    ("Tunnel1", "sites.osaka.wan.interface: 'Tunnel1' is the tunnel interface Tunnel1"),
    ("Tu1", "sites.osaka.wan.interface: 'Tu1' is the tunnel interface Tunnel1"),
])
def test_inventory_refuses_a_wan_that_is_no_ios_interface(tmp_path, wan, expect):
    inv = copy_inventory("ioshub", tmp_path)
    edit_yaml(inv / "overlay.yaml", {"sites.osaka.wan.interface": wan})
    with pytest.raises(InventoryError) as e:
        inventory.load(inv)
    assert any(expect in p and "overlay.yaml" in p and "ios" in p for p in e.value.problems), e.value.problems


@pytest.mark.skipif(not LONG_NAMES, reason="the model takes names over 15 characters on the core helper's branch")
@pytest.mark.parametrize("wan", ["GigabitEthernet0/0/1", "TenGigabitEthernet1/0/1.100", "Dialer1", "Cellular0/1/0"])
def test_inventory_takes_full_ios_names_and_renders_them(tmp_path, wan):
    from controller import render
    inv = copy_inventory("ioshub", tmp_path)
    edit_yaml(inv / "overlay.yaml", {"sites.osaka.wan.interface": wan})
    cfg = render.render_all(inventory.load(inv), device="osaka")["osaka"]
    assert f" tunnel source {names.canonical_ifname(wan)}\n" in cfg


# ---------------------------------------------------------------- ranges

@pytest.mark.parametrize("case", RANGES, ids=ids(RANGES, lambda c: c["set"]))
def test_numbers_out_of_ios_ranges_are_refused_naming_their_field(tmp_path, case):
    inv = copy_inventory(case["inventory"], tmp_path)
    edit_yaml(inv / "overlay.yaml", case["set"])
    if case["expect"] is None:
        inventory.load(inv)
        return
    with pytest.raises(InventoryError) as e:
        inventory.load(inv)
    assert any(case["expect"] in p and "overlay.yaml" in p for p in e.value.problems), e.value.problems


def test_no_accepted_wan_mtu_renders_an_mss_ios_refuses(tmp_path):
    """Every WAN MTU validate accepts renders ip mtu and adjust-mss inside IOS's ranges."""
    from controller import render
    for mtu in (576, 598, 600, 1400, 1559, 1560, 9000, 9216):
        inv = copy_inventory("mixed", tmp_path / str(mtu))
        edit_yaml(inv / "overlay.yaml", {"hubs.tokyo.wan.mtu": mtu, "sites.osaka.wan.mtu": mtu})
        try:
            ov = inventory.load(inv)
        except InventoryError as e:
            assert any("sites.osaka.wan.mtu" in p for p in e.problems), e.problems
            continue
        cfg = render.render_all(ov, device="osaka")["osaka"]
        mss = [int(x) for x in re.findall(r"ip tcp adjust-mss (\d+)", cfg)]
        ipm = [int(x) for x in re.findall(r" ip mtu (\d+)", cfg)]
        assert mss and all(500 <= m <= 1460 for m in mss) and all(68 <= m <= 9976 for m in ipm), (mtu, mss, ipm)
