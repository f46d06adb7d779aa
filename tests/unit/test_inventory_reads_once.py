"""Loading an inventory reads and parses each file once (issue 26): Nornir's view of the hosts is
built from the mappings grectl read, not by Nornir's SimpleInventory reading hosts.yaml again.
Only a value the two YAML dialects read differently sends Nornir back to the files."""
from collections import Counter
from pathlib import Path

import pytest
import ruamel.yaml

from controller import inventory, nornir_view, yamlio
from tests.conftest import edit_yaml
from tests.gen_inventory import generate


@pytest.fixture
def reads(monkeypatch):
    """Counts: file name -> reads by grectl's loader; "ruamel" -> documents Nornir's loader parsed."""
    seen: Counter = Counter()
    read_text, ruamel_load = yamlio.read_text, ruamel.yaml.YAML.load

    def counting_read(path, *a, **kw):
        seen[Path(path).name] += 1
        return read_text(path, *a, **kw)

    def counting_ruamel(self, stream):
        seen["ruamel"] += 1
        return ruamel_load(self, stream)

    monkeypatch.setattr(yamlio, "read_text", counting_read)
    monkeypatch.setattr(ruamel.yaml.YAML, "load", counting_ruamel)
    monkeypatch.setattr(inventory, "_resolved", {})
    return seen


def _example(tmp_path: Path) -> Path:
    from tests.conftest import copy_inventory
    return copy_inventory(tmp_path)


def _generated(tmp_path: Path) -> Path:
    return generate(tmp_path / "gen", 5)


@pytest.mark.parametrize("make", [_example, _generated], ids=["example", "generated"])
def test_each_file_read_once(tmp_path, reads, make):
    inv = make(tmp_path)
    ov = inventory.load(inv)
    assert len(ov.devices) >= 3
    assert reads["hosts.yaml"] == 1
    assert reads["overlay.yaml"] == 1
    assert all(n == 1 for f, n in reads.items() if f.endswith(".yaml")), reads
    assert reads["ruamel"] == 0, "Nornir's SimpleInventory read the files a second time"


def test_nornir_view_from_loaded_overlay_reads_nothing(tmp_path, reads):
    ov = inventory.load(_example(tmp_path))
    reads.clear()
    nr = nornir_view.for_overlay(ov)
    assert not reads
    assert {n: (h.hostname, h.platform) for n, h in nr.hosts.items()} == \
        {n: (d.hostname, d.platform) for n, d in ov.devices.items()}


@pytest.mark.parametrize("hostname, ruamel_reads, problem", [
    # text in both YAML dialects: the mappings grectl read serve Nornir
    ("172.31.255.13", 0, None),
    # a number in YAML 1.2: Nornir's own reading of the three files decides, and differs
    ("1e3", 3, "fukuoka: Nornir resolves hostname 1000.0, platform linux, grectl resolves hostname 1e3"),
])
def test_second_read_only_for_dialect_differences(tmp_path, reads, monkeypatch, hostname, ruamel_reads, problem):
    inv = _example(tmp_path)
    edit_yaml(inv / "hosts.yaml", {"fukuoka.hostname": hostname})
    monkeypatch.setattr(inventory, "resolve_host", lambda h: (("172.31.255.50" if h == "1e3" else h,), None))
    reads.clear()
    if problem is None:
        assert inventory.load(inv).devices["fukuoka"].hostname == hostname
    else:
        with pytest.raises(inventory.InventoryError) as e:
            inventory.load(inv)
        assert problem in "\n".join(e.value.problems)
    assert reads["hosts.yaml"] == 1
    assert reads["ruamel"] == ruamel_reads
