"""The README names every environment variable the code reads and every metric it exports, and
gives both compose spellings; the example inventory's comment names a make target that exists."""
import re

from controller import metrics, watch
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text()
CODE_DIRS = ("controller", "tasks", "napalm_linux_frr", "napalm_grectl_cli", "napalm_ios_grectl",
             "napalm_iosxe_netconf", "napalm_vrp_grectl", "napalm_vyos_grectl")


def variables_read() -> set[str]:
    found = set()
    for d in CODE_DIRS:
        for f in (ROOT / d).rglob("*.py"):
            found |= set(re.findall(r"\b(GRECTL_[A-Z0-9_]+)\b", f.read_text()))
    return found


def test_every_environment_variable_is_in_the_readme():
    read = variables_read()
    assert {"GRECTL_SSH_KEY", "GRECTL_KNOWN_HOSTS", "GRECTL_DEBUG", "GRECTL_STATE_DIR"} <= read
    tests_only = {v for v in read if v.startswith(("GRECTL_TEST_", "GRECTL_SAFE_CORE_", "GRECTL_UPDATE_"))}
    missing = sorted(v for v in read - tests_only if f"`{v}`" not in README)
    assert missing == []


def test_every_metric_is_in_the_readme():
    reg, collector = metrics.registry()
    collector.update(watch.Run(started=1.0, devices=[watch.DeviceState("a", "hub", "in-sync", remediation="ok")]))
    names = {s.name for fam in reg.collect() for s in fam.samples}
    assert "grectl_last_run_timestamp_seconds" in names
    missing = sorted(n for n in names if f"`{n}" not in README)
    assert missing == []


def test_compose_spellings_and_the_psk_comment():
    assert "docker compose up -d watch" in README and "docker-compose up -d watch" in README
    overlay = (ROOT / "inventory" / "overlay.yaml").read_text()
    target = re.search(r"created by `make (\w+)`", overlay).group(1)
    assert re.search(rf"(?m)^{target}:", (ROOT / "Makefile").read_text())
