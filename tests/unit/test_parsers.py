"""Parsers on outputs recorded from lab routers: platforms/linux/cases/<case>/<command>.txt + expected.json."""
import json
from pathlib import Path

import pytest

from controller.platforms.linux import parsers as p

CASES = sorted((Path(__file__).parent / "platforms" / "linux" / "cases").glob("*/expected.json"))


def read(case: Path, name: str) -> str:
    return (case.parent / f"{name}.txt").read_text()


@pytest.mark.parametrize("case", CASES, ids=[c.parent.name for c in CASES])
def test_recorded(case):
    want = json.loads(case.read_text())
    gre = p.parse_gre_links(read(case, "ip_-d_-j_link_show_type_gre"))
    for name, attrs in want["gre"].items():
        assert {k: gre[name][k] for k in attrs} == attrs
        assert gre[name]["admin_up"]
    assert set(gre) == set(want["gre"])
    sas = p.parse_vici_raw(read(case, "swanctl_list-sas_raw"))
    assert {sa["name"]: sa["state"] for sa in sas} == want["ike"]
    children = [c for sa in sas for c in sa["child-sas"].values() if c["name"] == want["child"]["name"]]
    assert {k: children[0][k] for k in want["child"]} == want["child"]
    assert int(children[0]["packets-in"]) > 0 and children[0]["local-ts"][0].endswith("[gre]")
    nbrs = p.parse_ospf_neighbors(read(case, "show_ip_ospf_neighbor_json"))
    assert {k: v for k, v in nbrs[0].items() if k in want["neighbor"]} == want["neighbor"] or \
        want["neighbor"] in [{k: n[k] for k in want["neighbor"]} for n in nbrs]
    ifs = p.parse_ospf_interfaces(read(case, "show_ip_ospf_interface_json"))
    for name, attrs in want["ospf_interface"].items():
        assert {k: ifs[name][k] for k in attrs} == attrs
    routes = p.parse_routes(read(case, "show_ip_route_json"))
    for prefix, via in want["ospf_routes"].items():
        ospf = [r for r in routes[prefix] if r["protocol"] == "ospf" and r["selected"]]
        assert [n["interface"] for n in ospf[0]["nexthops"]] == [via]
    assert p.parse_route_get(read(case, "ip_-j_route_get_wan"))["dev"] == want["route_get"]
    ping_max = p.parse_ping(read(case, "ping_max"), 0)
    assert ping_max["received"] == want["ping_max_received"] and ping_max["error"] is None
    over = p.parse_ping(read(case, "ping_over"), 1)
    assert (over["received"], over["error"], over["mtu"]) == (0, want["ping_over_error"], want["ping_over_mtu"])


def test_route_get_without_route():
    assert "error" in p.parse_route_get("RTNETLINK answers: Network is unreachable\n")


def test_vici_nested_lists():
    sa = p.parse_vici_raw("list-sa event {a {child-sas {c-1 {local-ts=[1.1.1.1/32[gre]] state=INSTALLED}}}}")[0]
    assert sa["child-sas"]["c-1"] == {"local-ts": ["1.1.1.1/32[gre]"], "state": "INSTALLED"}


def test_script_output_sections_and_vtysh_documents(tmp_path):
    case = CASES[0].parent
    frr = "\n".join((case / f"{n}.txt").read_text() for n in
                    ("show_ip_route_json", "show_ip_ospf_neighbor_json", "show_ip_ospf_interface_json"))
    out = f"{p.MARK}frr\n{frr}\n{p.MARK}charon 0\n"
    sec = p.parse_sections(out)
    assert set(sec) == {"frr", "charon 0"}
    nbr, ifs, routes = p.frr_documents(sec["frr"])  # order of the documents does not matter
    assert "neighbors" in nbr and "interfaces" in ifs and "10.1.1.0/24" in routes or "10.1.2.0/24" in routes


def test_batch_route_gets_with_one_failure():
    raw = ('[{"dst":"198.51.100.2","gateway":"198.51.100.5","dev":"wan0"}]\n'
           "RTNETLINK answers: Network is unreachable\n")
    got = p.route_gets(["198.51.100.2", "198.51.100.10"], p.json_documents(raw), raw)
    assert got["198.51.100.2"]["dev"] == "wan0"
    assert "unreachable" in got["198.51.100.10"]["error"]


def test_xfrm_counters_read_with_swanctl_on_a_lab_router():
    """platforms/linux/cases/xfrm-br1: ``ip -s xfrm state list nokeys`` and ``swanctl --list-sas --raw`` read
    one after the other on a lab site: each child SA's SPIs are found in the kernel's list, with its
    ends, and the kernel's packet counts are no higher than charon's read just after."""
    case = Path(__file__).parent / "platforms" / "linux" / "cases" / "xfrm-br1"
    text = (case / "ip_-s_xfrm_state_list_nokeys.txt").read_text()
    assert "Keys hidden" in text  # nokeys: no key material in the output
    xfrm = p.parse_xfrm_counters(text)
    child = p.parse_vici_raw((case / "swanctl_list-sas_raw.txt").read_text())[0]["child-sas"]["gre-hq-1"]
    sa_in, sa_out = xfrm[int(child["spi-in"], 16)], xfrm[int(child["spi-out"], 16)]
    assert (sa_in["src"], sa_in["dst"]) == (sa_out["dst"], sa_out["src"]) == ("198.18.0.2", "198.18.0.6")
    assert 0 < sa_in["packets"] <= int(child["packets-in"]) and 0 < sa_out["packets"] <= int(child["packets-out"])
    assert len(xfrm) == 2


def test_xfrm_counters_ignore_what_is_not_a_state():
    assert p.parse_xfrm_counters("") == {}
    assert p.parse_xfrm_counters("RTNETLINK answers: Operation not permitted\n") == {}
    assert p.parse_xfrm_counters("\tproto esp spi 0x10 reqid 1\n") == {}  # no state line before it
