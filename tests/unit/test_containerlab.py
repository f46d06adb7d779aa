"""The containerlab export validates against containerlab's schema and keeps the underlay MTU."""
import json
from pathlib import Path

import jsonschema
import pytest

from controller.lab.containerlab import containerlab
from tests.lab.topologies import hub_and_spokes, three_sites

SCHEMA = Path(__file__).resolve().parents[3] / "shared" / "schemas" / "containerlab-clab.schema.json"


def _python_patterns(node):
    """The schema's ECMA-262 `[\\p{N}\\p{L}]` (letters, digits) in Python's re dialect."""
    if isinstance(node, dict):
        return {k: (v.replace(r"[\p{N}\p{L}]", r"[^\W_]") if k == "pattern" and isinstance(v, str)
                    else _python_patterns(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [_python_patterns(v) for v in node]
    return node


@pytest.fixture(scope="module")
def validator():
    if not SCHEMA.is_file():
        pytest.skip(f"containerlab schema not found at {SCHEMA} (reference data beside the repository, "
                    "present in CI; absent in a bare clone)")
    schema = _python_patterns(json.loads(SCHEMA.read_text()))
    return jsonschema.validators.validator_for(schema)(schema)


@pytest.mark.parametrize("topo", [three_sites(), hub_and_spokes("gl4site", 4, mtu=1400)], ids=["3sites", "hub+4"])
def test_export_validates_and_keeps_mtu(validator, topo):
    clab = containerlab(topo)
    errors = sorted(validator.iter_errors(clab), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)
    nodes, links = clab["topology"]["nodes"], clab["topology"]["links"]
    assert clab["mgmt"]["ipv4-subnet"] == str(topo.mgmt_network)
    assert "internet" in nodes
    for r in topo.routers:
        assert nodes[r.name]["kind"] == "linux"
        assert nodes[r.name]["mgmt-ipv4"] == str(r.mgmt_ip)
        wan = [l for l in links if f"{r.name}:{r.wan_interface}" in l["endpoints"]]
        assert len(wan) == 1 and wan[0]["mtu"] == r.underlay_mtu
        assert wan[0]["endpoints"][1].startswith("internet:")
        for j, lan in enumerate(r.lans):
            assert f"lan-{r.name}-{j}" in nodes
    mgmt = [n["mgmt-ipv4"] for n in nodes.values()]
    assert len(mgmt) == len(set(mgmt)) and str(topo.mgmt_host.ip) not in mgmt


def test_dual_stack_example_exports_its_ipv6(validator, inv):
    """The example is dual-stack (issue 22): each router gets its IPv6 LAN gateway, IPv6 forwarding
    and ospf6d; each LAN host its IPv6 address and default route."""
    from controller import lab
    clab = containerlab(lab.from_inventory(inv))
    assert not list(validator.iter_errors(clab))
    nodes = clab["topology"]["nodes"]
    osaka, host = nodes["osaka"], nodes["lan-osaka-0"]
    assert "ip addr add 2001:db8:1:2::1/64 dev lan0" in osaka["exec"]
    assert osaka["sysctls"]["net.ipv6.conf.all.forwarding"] == 1
    assert any("ospf6d=yes" in e for e in osaka["exec"])
    assert host["exec"][-2:] == ["ip -6 addr add 2001:db8:1:2::a/64 dev eth1",
                                 "ip -6 route replace default via 2001:db8:1:2::1 dev eth1"]
    assert host["sysctls"] == {"net.ipv6.conf.all.disable_ipv6": 0}
