"""Dual-stack tunnel lines (issue 22): the IPv6 addresses round-trip through the document and are
read back from the kernel's `ip -d -j addr show` as the renderer writes them."""
import json

import pytest

from controller.platforms.linux.router import linuxconf


def link(addrs):
    return json.dumps([{"ifname": "gre-a", "mtu": 1442, "linkinfo": {"info_kind": "gre", "info_data": {
        "local": "1.1.1.1", "remote": "2.2.2.2", "ttl": 64}}, "addr_info": addrs}])


V4 = {"family": "inet", "local": "10.0.0.1", "prefixlen": 30, "scope": "global"}
LL = {"family": "inet6", "local": "fe80::1", "prefixlen": 64, "scope": "link", "nodad": True}
G6 = {"family": "inet6", "local": "2001:db8:ff::1", "prefixlen": 64, "scope": "global", "nodad": True}
KERNEL_LL = {"family": "inet6", "local": "fe80::200:5efe:c633:6402", "prefixlen": 64, "scope": "link"}


@pytest.mark.parametrize("addrs,want", [
    ([V4], {"address": "10.0.0.1/30"}),
    ([V4, G6, LL], {"address": "10.0.0.1/30", "link_local": "fe80::1/64", "address6": "2001:db8:ff::1/64"}),
    ([V4, LL], {"address": "10.0.0.1/30", "link_local": "fe80::1/64"}),
    ([V4, KERNEL_LL], {"address": "10.0.0.1/30"}),  # not the agent's (no nodad): an IPv4-only tunnel as before
])
def test_gre_links_reads_both_families(addrs, want):
    got = linuxconf.gre_links(link(addrs))["gre-a"]
    assert {k: v for k, v in got.items() if k in ("address", "link_local", "address6")} == want


def test_tunnel_line_round_trips():
    line = ("gre-a local 1.1.1.1 remote 2.2.2.2 ttl 64 key 0 mtu 1442 address 10.0.0.1/30 "
            "link_local fe80::1/64 address6 2001:db8:ff::1/64")
    name, attrs = linuxconf.parse_tunnel(line)
    assert linuxconf.dump_tunnel(name, attrs) == line
