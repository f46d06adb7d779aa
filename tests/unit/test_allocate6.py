"""tunnel_pool6: as deterministic as the IPv4 pool (a site's id picks its prefix; adding or removing
a site moves nobody), link-local ends for OSPFv3, and which tunnels are dual-stack."""
from ipaddress import ip_interface, ip_network

import pytest
import yaml

from controller import allocate
from controller.models import Intent
from tests.conftest import ipv4_only


@pytest.fixture
def inv(inv):
    """These cases start from the example without its IPv6 (issue 22 made it dual-stack) and add their own."""
    return ipv4_only(inv)


def intent(inv, **changes) -> Intent:
    doc = yaml.safe_load((inv / "overlay.yaml").read_text())
    doc.update(changes)
    return Intent.model_validate(doc)


def six(t):
    return (t.families, t.subnet6, t.hub_end.address6, t.site_end.address6, t.hub_end.link_local, t.site_end.link_local)


def with_lans6(inv, pool="2001:db8:ff::/48", plen=64, extra=None):
    doc = yaml.safe_load((inv / "overlay.yaml").read_text())
    doc["tunnel_pool6"], doc["tunnel_prefixlen6"] = pool, plen
    doc["hubs"]["tokyo"]["lans"].append("2001:db8:1::/64")
    doc["sites"].update(extra or {})
    return Intent.model_validate(doc)


def test_ipv4_only_intent_allocates_as_before(inv):
    for t in allocate.tunnels(intent(inv)):
        assert six(t) == (("ipv4",), None, None, None, None, None)


@pytest.mark.parametrize("plen,osaka,fukuoka", [
    (64, ("2001:db8:ff::/64", "2001:db8:ff::1/64", "2001:db8:ff::2/64"),
     ("2001:db8:ff:1::/64", "2001:db8:ff:1::1/64", "2001:db8:ff:1::2/64")),
    (127, ("2001:db8:ff::/127", "2001:db8:ff::/127", "2001:db8:ff::1/127"),
     ("2001:db8:ff::2/127", "2001:db8:ff::2/127", "2001:db8:ff::3/127")),
])
def test_site_id_picks_the_prefix(inv, plen, osaka, fukuoka):
    got = {t.site: t for t in allocate.tunnels(with_lans6(inv, plen=plen))}
    for site, (net, hub, end) in (("osaka", osaka), ("fukuoka", fukuoka)):
        t = got[site]
        assert t.families == ("ipv4", "ipv6")
        assert (t.subnet6, t.hub_end.address6, t.site_end.address6) == (ip_network(net), ip_interface(hub),
                                                                        ip_interface(end))
        assert (t.hub_end.link_local, t.site_end.link_local) == (ip_interface("fe80::1/64"), ip_interface("fe80::2/64"))


def test_adding_and_removing_sites_moves_nobody(inv):
    before = {t.site: six(t) for t in allocate.tunnels(with_lans6(inv))}
    nagoya = {"nagoya": {"id": 5, "hub": "tokyo", "lans": ["10.1.5.0/24", "2001:db8:5::/64"],
                         "wan": {"interface": "wan0", "address": "198.51.100.22/30"}}}
    added = {t.site: six(t) for t in allocate.tunnels(with_lans6(inv, extra=nagoya))}
    assert {k: v for k, v in added.items() if k != "nagoya"} == before
    assert added["nagoya"][1] == ip_network("2001:db8:ff:4::/64")
    doc = with_lans6(inv, extra=nagoya).model_dump()
    del doc["sites"]["osaka"]
    removed = {t.site: six(t) for t in allocate.tunnels(Intent.model_validate(doc))}
    assert removed == {k: v for k, v in added.items() if k != "osaka"}


def test_without_pool6_link_local_only(inv):
    for t in allocate.tunnels(with_lans6(inv, pool=None)):
        assert six(t) == (("ipv4", "ipv6"), None, None, None, ip_interface("fe80::1/64"), ip_interface("fe80::2/64"))


def test_site_lan6_makes_only_its_tunnel_dual_stack(inv):
    doc = yaml.safe_load((inv / "overlay.yaml").read_text())
    doc["sites"]["osaka"]["lans"].append("2001:db8:2::/64")
    got = {t.site: t.families for t in allocate.tunnels(Intent.model_validate(doc))}
    assert got == {"osaka": ("ipv4", "ipv6"), "fukuoka": ("ipv4",)}


def test_router_id_is_the_first_ipv4_lan_even_after_an_ipv6_one(inv):
    doc = yaml.safe_load((inv / "overlay.yaml").read_text())
    doc["sites"]["osaka"]["lans"] = ["2001:db8:2::/64", "10.1.2.0/24"]
    assert str(allocate.router_id(Intent.model_validate(doc).sites["osaka"])) == "10.1.2.1"
