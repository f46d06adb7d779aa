"""The conformance suite every platform passes (NAPALM's shared getter tests are the model).

A platform takes part through a ``conformance.py`` beside its tests: ``PLATFORM`` (its name),
``DEVICE`` (one device of that platform), ``inventory(tmp_path)`` (an inventory holding it) and
``CASES`` (its case folder: ``<case>/<command file>`` + ``expected.json``). Built-in platforms keep
theirs in ``tests/unit/platforms/<p>/``; a plugin keeps its own in its folder
(``tests/unit/plugin/<package>/conformance.py``) and is registered for the suite only.

Checks: render determinism; every printed secret form masked (and masking is idempotent and leaves
placeholders alone); the plan from the intended config to itself is empty; adding and removing the
device's objects plans something; capability refusals; each documented fault case parses to the
shared reason codes (the verify judge's).
"""
from __future__ import annotations

import importlib
import importlib.util
import json
import sys
from pathlib import Path

import pytest

from controller import inventory, platforms, render, secrets, verify
from controller.platforms.base import Platform
from tests.unit.platforms.judge import failing, judge_case
from tests.unit.platforms.mixed import load_case

UNIT = Path(__file__).resolve().parents[1]
BUILTIN = sorted(UNIT.glob("platforms/*/conformance.py"))
PLUGINS = sorted(UNIT.glob("plugin/*/conformance.py"))
PROVIDERS = BUILTIN + PLUGINS
KEY = "Conf0rm-k3y-0123456789"   # a key every platform takes (letters, digits, a dash)


def _id(path: Path) -> str:
    return path.parent.name


def _cases(provider: Path) -> list[tuple[Path, Path]]:
    return [(provider, e.parent) for e in sorted((provider.parent / "cases").glob("*/expected.json"))
            if "fail" in json.loads(e.read_text())]


CASES = [c for p in PROVIDERS for c in _cases(p)]


@pytest.fixture
def provider(request, monkeypatch):
    """The platform's conformance module; a plugin's package is put on sys.path and registered."""
    path: Path = request.param
    if path in PLUGINS:
        pkg = path.parent.name
        monkeypatch.syspath_prepend(str(path.parent.parent))
        plugin = importlib.import_module(pkg)
        platforms.register(plugin.PLATFORM)
        mod = importlib.import_module(f"{pkg}.conformance")
        yield mod
        platforms.unregister(plugin.PLATFORM.name)
        for name in [m for m in sys.modules if m == pkg or m.startswith(pkg + ".")]:
            sys.modules.pop(name)
        return
    rel = path.relative_to(UNIT.parents[1]).with_suffix("")
    yield importlib.import_module(".".join(rel.parts))


@pytest.fixture
def loaded(provider, tmp_path):
    ov = inventory.load(provider.inventory(tmp_path))
    return provider, ov, platforms.get(provider.PLATFORM)


def test_every_renderer_takes_part():
    """A built-in platform that renders has a conformance.py (its folder is named after it)."""
    names = {p.parent.name for p in BUILTIN}
    missing = [n for n in platforms.names() if platforms.get(n).can_render and n not in names]
    assert not missing, f"no tests/unit/platforms/<p>/conformance.py for {missing}"
    assert len(CASES) >= 20   # the documented fault cases of ios, vyos and huawei_vrp are all found


@pytest.mark.parametrize("provider", PROVIDERS, ids=_id, indirect=True)
def test_the_device_is_on_its_platform(loaded):
    provider, ov, plat = loaded
    assert ov.devices[provider.DEVICE].platform == plat.name


@pytest.mark.parametrize("provider", PROVIDERS, ids=_id, indirect=True)
def test_render_is_deterministic(loaded):
    provider, ov, plat = loaded
    texts = render.secret_texts(ov)
    first = plat.render(ov, provider.DEVICE, texts)
    assert first and first == plat.render(ov, provider.DEVICE, dict(texts))
    assert first == render.render_device(ov, provider.DEVICE)


@pytest.mark.parametrize("provider", PROVIDERS, ids=_id, indirect=True)
def test_every_printed_secret_form_is_masked(loaded):
    provider, ov, plat = loaded
    keys = {t.site: KEY for t in ov.tunnels_of(provider.DEVICE)}
    clear = plat.render(ov, provider.DEVICE, keys)
    assert KEY in clear                              # the key is printed ...
    masked = plat.mask(clear)
    assert KEY not in masked                         # ... and masked in every form printed
    assert secrets.placeholder(KEY) in masked
    assert plat.mask(masked) == masked               # idempotent
    with_placeholders = plat.render(ov, provider.DEVICE, render.secret_texts(ov))
    assert plat.mask(with_placeholders) == with_placeholders
    assert KEY not in platforms.mask_any(clear)      # what the CLI and the logs use


def _plans(plat: Platform) -> bool:
    return plat.caps.ownership == "files" or type(plat).remediation is not Platform.remediation


@pytest.mark.parametrize("provider", PROVIDERS, ids=_id, indirect=True)
def test_plan_from_intended_to_itself_is_empty(loaded):
    provider, ov, plat = loaded
    if not _plans(plat):
        pytest.skip(f"{plat.name}: its driver computes the edit (no remediation in the platform)")
    intended = render.render_device(ov, provider.DEVICE)
    if plat.caps.ownership == "files":
        assert plat.plan(intended, intended, False) == (intended, False)   # the whole document, nothing replaced
    else:
        assert plat.remediation(intended, intended, True) == []
        assert plat.plan(intended, intended, True) == ("", False)


@pytest.mark.parametrize("provider", PROVIDERS, ids=_id, indirect=True)
def test_adding_and_removing_the_device_objects_plans_them(loaded):
    provider, ov, plat = loaded
    if not _plans(plat):
        pytest.skip(f"{plat.name}: its driver computes the edit (no remediation in the platform)")
    intended = render.render_device(ov, provider.DEVICE)
    add, replace = plat.plan(intended, "", True)
    assert add.strip() and (replace or plat.caps.ownership == "objects")
    if plat.caps.ownership == "objects":
        removal = plat.remediation(intended, "", True)
        assert removal, "removing every grectl object plans nothing"
        assert not any(KEY in line for line in removal)


@pytest.mark.parametrize("provider", PROVIDERS, ids=_id, indirect=True)
def test_capability_refusals(loaded):
    provider, ov, plat = loaded
    assert platforms.problems_of(plat, ov, provider.DEVICE) == []
    other = sorted(set().union(*(platforms.get(n).transforms for n in platforms.names())) - plat.transforms)
    transform = other[0] if other else "null-md5-grectl-none"   # one another platform does, else none does
    bad = ov.model_copy(update={"intent": ov.intent.model_copy(update={
        "ipsec": ov.intent.ipsec.model_copy(update={"transform": transform})})})
    got = platforms.problems_of(plat, bad, provider.DEVICE)
    assert any(p.kind == "intent" and p.field == "ipsec.transform" for p in got), got
    assert all(p.kind in ("intent", "host_data", "platform") for p in got)


@pytest.mark.parametrize("provider, case", CASES, ids=[f"{_id(p)}-{c.name}" for p, c in CASES],
                         indirect=["provider"])
def test_documented_fault_case_gives_the_shared_reason_codes(loaded, case):
    provider, ov, plat = loaded
    exp, outputs = load_case(case)
    _, checks = judge_case(ov, exp.get("device", provider.DEVICE), outputs)
    want = {tuple(x) for x in exp["fail"]}
    assert failing(checks) == want
    assert {r for _, r in want} <= verify_reasons()


def verify_reasons() -> set[str]:
    """The shared reason codes: every upper-case code the verify judge can give."""
    import re
    text = Path(verify.__file__).read_text()
    return set(re.findall(r'"([A-Z][A-Z0-9_]{3,})"', text))
