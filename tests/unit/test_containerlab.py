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
