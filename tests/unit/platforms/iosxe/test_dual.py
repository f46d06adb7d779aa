"""IOS-XE dual-stack (issue 22) and redundant hubs (issue 23): golden payloads for a dual-stack site,
a dual-homed site and a hub with a backup and a hub-to-hub tunnel; every payload valid against
Cisco's 17.12.1 YANG (yanglint); the lan6_interfaces checks."""
import os
from pathlib import Path

import pytest

from controller import inventory, render
from controller.errors import InventoryError
from controller.platforms.iosxe import nativexml as nx
from controller.platforms.iosxe import yang
from tests.conftest import edit_yaml

from .conftest import libyang_dir, need_libyang
from .dual import dual_homed_xe, dual_stack, v4_only

GOLDEN = Path(__file__).parent / "golden"
T = "native/interface/Tunnel"


@pytest.fixture
def six(tmp_path):
    return inventory.load(dual_stack(tmp_path / "six"))


@pytest.fixture
def homed(tmp_path):
    return inventory.load(dual_homed_xe(tmp_path / "homed"))


def lines(ov, device, site=None):
    return nx.lines(nx.parse(render.render_all(ov, site=site, device=device)[device]))


@pytest.mark.parametrize("case,device", [("six", "kagoshima"), ("homed", "osaka"), ("homed", "nagoya")])
def test_golden(request, case, device):
    """Set GRECTL_UPDATE_GOLDEN=1 to rewrite the files (then read the diff)."""
    text = render.render_all(request.getfixturevalue(case), device=device)[device]
    path = GOLDEN / f"{case}-{device}.xml"
    if os.environ.get("GRECTL_UPDATE_GOLDEN"):
        path.write_text(text)
    assert text == path.read_text(), f"differs from {path}"


def test_dual_stack_site_carries_ipv6(six):
    ls = lines(six, "kagoshima")
    t = f"{T}[name=3]/ipv6"
    for want in ("native/ipv6/unicast-routing", "native/ipv6/router/ospf[id=1]",
                 f"{t}/address/link-local-address[address=fe80::2]/link-local",
                 f"{t}/address/prefix-list[prefix=2001:db8:ffff:2::2/64]",
                 f"{t}/mtu = 1442", f"{t}/tcp/adjust-mss = 1382",             # MTU - 60
                 f"{t}/ospf/process[id=1]/area = 0", f"{t}/ospf/network/point-to-point",
                 f"{t}/ospf/hello-interval = 2", f"{t}/ospf/dead-interval = 8",
                 "native/interface/GigabitEthernet[name=2]/ipv6/ospf/process[id=1]/area = 0"):
        assert want in ls, want
    assert not any("cost" in x for x in ls)   # single-homed: the platform's default cost


def test_ipv4_only_renders_no_ipv6(tmp_path):
    ov = inventory.load(v4_only(dual_stack(tmp_path)))
    assert not any("ipv6" in x for x in lines(ov, "kagoshima"))


def test_dual_homed_site_has_one_tunnel_per_hub_with_its_cost(homed):
    ls = lines(homed, "osaka")
    assert f"{T}[name=1]/description = grectl: tokyo" in ls and f"{T}[name=1]/ip/router-ospf/ospf/cost = 10" in ls
    assert f"{T}[name=100001]/description = grectl: nagoya" in ls
    assert f"{T}[name=100001]/ip/router-ospf/ospf/cost = 100" in ls
    addrs = {x.split(" = ")[1] for x in ls if x.endswith("") and "/ip/address/primary/address" in x}
    assert len(addrs) == 2                                       # each tunnel its own address
    assert sum("/ip/mtu = " in x for x in ls) == 2               # and its own MTU
    assert {x.split(" = ")[1] for x in ls if "tunnel/destination-config/ipv4" in x} == {"198.51.100.2", "198.51.100.14"}


def test_hub_renders_backup_and_hub_to_hub_tunnels(homed):
    ls = lines(homed, "nagoya")
    descr = sorted(x.split(" = ")[1] for x in ls if x.endswith(tuple(["tokyo", "osaka", "fukuoka"])) and "description" in x)
    assert descr == ["grectl: fukuoka", "grectl: osaka", "grectl: tokyo"]
    assert f"{T}[name=200001]/description = grectl: tokyo" in ls                  # hub-to-hub
    assert f"{T}[name=200001]/ip/router-ospf/ospf/cost = 10" in ls
    assert f"{T}[name=1]/ip/router-ospf/ospf/cost = 100" in ls                    # osaka's backup
    scoped = lines(homed, "nagoya", site="osaka")
    assert any("Tunnel[name=1]" in x for x in scoped) and not any("name=2]" in x for x in scoped)


def test_payloads_are_yang_valid(six, homed, tmp_path):
    need_libyang()
    p = {f"six-{d}": render.render_all(six, device=d)[d] for d in ("kagoshima",)}
    p |= {f"homed-{d}": render.render_all(homed, device=d)[d] for d in ("osaka", "nagoya")}
    p["homed-nagoya-osaka"] = render.render_all(homed, site="osaka", device="nagoya")["nagoya"]
    p["bad"] = p["six-kagoshima"].replace("<mtu>1442</mtu>\n          <ospf", "<mtu>1000</mtu>\n          <ospf")
    assert p["bad"] != p["six-kagoshima"]
    result = yang.validate(p, libyang_dir())
    assert {k: v for k, v in result.items() if k != "bad"} == {k: [] for k in p if k != "bad"}, result
    assert result["bad"] and "ipv6/mtu" in result["bad"][0]                   # 1280..9976


@pytest.mark.parametrize("value,why", [
    (["Po1.100"], "no subinterface"),
    (["Tunnel5"], "only on"),
    ([], "(got 0)"),
])
def test_lan6_interfaces_are_checked(tmp_path, value, why):
    inv = dual_stack(tmp_path)
    edit_yaml(inv / "hosts.yaml", {"kagoshima.data.lan6_interfaces": value})
    with pytest.raises(InventoryError) as e:
        inventory.load(inv)
    assert why in str(e.value) and "lan6_interfaces" in str(e.value)


def test_keep_site_of_a_hub_to_hub_tunnel_on_either_hub(homed):
    """A failed peer hub's side is left as it runs on the iosxe hub nagoya: the link's ``site`` end,
    whose objects are named after the link's ``hub`` (tokyo)."""
    from controller.platforms.iosxe import state
    link = next(t for t in homed.tunnels if t.kind == "hubs")
    assert (link.hub, link.site) == ("tokyo", "nagoya")
    for hub in ("nagoya",):
        peer = link.end(hub).peer
        cand = render.render_all(homed, device=hub)[hub]
        kept = nx.lines(nx.parse(state.keep_site(cand, "<data/>", link)))       # absent from running: dropped
        assert not any(f"grectl-{peer}" in x or f"Tunnel[name={link.end(hub).interface.removeprefix('Tunnel')}]" in x for x in kept), hub
        assert any("grectl-" in x for x in kept)                                  # the other tunnels stay
