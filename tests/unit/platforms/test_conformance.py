"""The conformance suite every platform passes (NAPALM's shared getter tests are the model).

A platform takes part through a ``conformance.py`` beside its tests: ``PLATFORM`` (its name),
``DEVICE`` (one device of that platform), ``inventory(tmp_path)`` (an inventory holding it) and
``CASES`` (its case folder: ``<case>/<command file>`` + ``expected.json``). Built-in platforms keep
theirs in ``tests/unit/platforms/<p>/``; a plugin keeps its own in its folder
(``tests/unit/plugin/<package>/conformance.py``) and is registered for the suite only.

Checks: render determinism; every printed secret form masked (and masking is idempotent and leaves
placeholders alone); the plan from the intended config to itself is empty; adding and removing the
device's objects plans something; capability refusals; each documented fault case parses to the
shared reason codes (the verify judge's). Gated by the capabilities: a dual-stack device
(``"ipv6" in families``) and a dual-homed device with a hub-to-hub tunnel (``multi_hub``) pass the
same checks (render, no problem, masking, remediation there and back); a platform without the
capability refuses the intent at its field.
"""
from __future__ import annotations

import importlib
import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

from controller import inventory, platforms, render, secrets, verify
from controller.platforms.base import Platform
from tests.unit.platforms import shapes
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


# ---------------------------------------------------------------- capability-gated intent shapes
#
# Derived from each platform's own inventory (tests/unit/platforms/shapes.py), so a platform that
# declares the capability passes them, and one that does not is refused at its field.

def _load_shaped(provider, tmp_path: Path, name: str, *edits) -> Path:
    (tmp_path / name).mkdir(parents=True, exist_ok=True)
    inv = provider.inventory(tmp_path / name)
    for edit in edits:
        edit(inv)
    return inv


def _spelled(addr) -> list[str]:
    """An IPv6 address as a config may print it (compressed or exploded, either case)."""
    return [str(addr).lower(), addr.exploded.lower()]


def _shape_common(plat: Platform, ov, device: str) -> str:
    """What holds for any device of any shape: no problem, the render deterministic, every printed
    key masked, the plan from the intended config to itself empty. Returns the render."""
    assert platforms.problems_of(plat, ov, device) == []
    text = render.render_device(ov, device)
    assert text and text == plat.render(ov, device, render.secret_texts(ov))
    clear = plat.render(ov, device, {t.site: KEY for t in ov.tunnels_of(device)})
    assert KEY in clear and KEY not in plat.mask(clear) and KEY not in platforms.mask_any(clear)
    if _plans(plat) and plat.caps.ownership == "objects":
        assert plat.remediation(text, text, True) == []
    return text


def _round_trip(plat: Platform, before: str, after: str) -> tuple[list[str], list[str]]:
    """The remediation there and back (object platforms that compute it): both plan something,
    neither carries a key."""
    if not (_plans(plat) and plat.caps.ownership == "objects"):
        return [], []
    there, back = plat.remediation(before, after, True), plat.remediation(after, before, True)
    assert there and back
    assert not any(KEY in line for line in there + back)
    return there, back


@pytest.mark.parametrize("provider", PROVIDERS, ids=_id, indirect=True)
def test_dual_stack_intent(provider, tmp_path):
    plat = platforms.get(provider.PLATFORM)
    dev = provider.DEVICE
    lan6 = getattr(provider, "LAN6_INTERFACE", None)
    inv = _load_shaped(provider, tmp_path, "six", shapes.single_stack, lambda i: shapes.dual_stack(i, dev, lan6))
    if "ipv6" not in plat.caps.families:
        with pytest.raises(inventory.InventoryError) as e:
            inventory.load(inv)
        assert ".lans[" in str(e.value) and "IPv6" in str(e.value)
        return
    ov = inventory.load(inv)
    assert "ipv6" in ov.families(dev)
    text = _shape_common(plat, ov, dev).lower()
    for t in ov.tunnels_of(dev):
        end = t.end(dev)
        assert "ipv6" in t.families and end.link_local is not None and end.address6 is not None
        for addr in (end.link_local.ip, end.address6.ip):
            assert any(s in text for s in _spelled(addr)), f"{addr} of {end.interface} not rendered"
    v4 = inventory.load(_load_shaped(provider, tmp_path, "four", shapes.single_stack))
    there, back = _round_trip(plat, render.render_device(v4, dev), render.render_device(ov, dev))
    assert all(any(s in "\n".join(there).lower() for s in _spelled(t.end(dev).address6.ip))
               for t in ov.tunnels_of(dev)) or not there


@pytest.mark.parametrize("provider", PROVIDERS, ids=_id, indirect=True)
def test_ipv6_lan_on_the_wan_interface_is_refused(provider, tmp_path):
    """A platform that names its IPv6 LANs' interfaces (``lan6_interfaces``) refuses the WAN
    interface as one: OSPFv3 would run on the underlay."""
    plat, dev = platforms.get(provider.PLATFORM), provider.DEVICE
    if "ipv6" not in plat.caps.families or getattr(provider, "LAN6_INTERFACE", None) is None:
        pytest.skip(f"{provider.PLATFORM}: names no IPv6 LAN interface (lan6_interfaces)")
    inv = _load_shaped(provider, tmp_path, "wan6", shapes.single_stack, lambda i: shapes.dual_stack(i, dev))
    with pytest.raises(inventory.InventoryError) as e:
        inventory.load(inv)
    assert "lan6_interfaces" in str(e.value) and "WAN interface" in str(e.value), str(e.value)


@pytest.mark.parametrize("provider", PROVIDERS, ids=_id, indirect=True)
def test_dual_homed_intent(provider, tmp_path):
    plat = platforms.get(provider.PLATFORM)
    dev = provider.DEVICE
    homed: list = []
    inv = _load_shaped(provider, tmp_path, "dual", lambda i: homed.extend(shapes.dual_homed(i, dev)))
    site, backup = homed
    if not plat.caps.multi_hub:
        with pytest.raises(inventory.InventoryError) as e:
            inventory.load(inv)
        assert f"sites.{site}.hubs" in str(e.value)
        return
    ov = inventory.load(inv)
    hubs_link = next(t for t in ov.tunnels if t.kind == "hubs")
    for name in (dev, backup):           # the device, and a hub on its platform (backup + hub-to-hub)
        tunnels = ov.tunnels_of(name)
        names = [t.end(name).interface for t in tunnels]
        assert len(names) >= 2 and len(set(names)) == len(names), names   # one interface per tunnel
        text = _shape_common(plat, ov, name)
        for t in tunnels:                # own address, own MTU, the intent's cost: each tunnel
            assert str(t.end(name).address.ip) in text
            assert re.search(rf"\b{ov.tunnel_mtu(t)}\b", text), (t.end(name).interface, ov.tunnel_mtu(t))
            assert t.cost in (shapes.COST, shapes.BACKUP_COST) and re.search(rf"\b{t.cost}\b", text)
    mtus = {t.hub: ov.tunnel_mtu(t) for t in ov.tunnels_of(site)}
    assert mtus[backup] <= shapes.BACKUP_MTU < max(mtus.values())   # each tunnel its own MTU (the backup's WAN is smaller)
    scoped = plat.render(ov, backup, render.secret_texts(ov), site)   # --site: that tunnel's hub side only
    assert str(next(t for t in ov.tunnels_of(site) if t.hub == backup).hub_end.address.ip) in scoped
    assert str(hubs_link.end(backup).address.ip) not in scoped
    single = inventory.load(_load_shaped(provider, tmp_path, "single"))
    there, back = _round_trip(plat, render.render_device(single, dev), render.render_device(ov, dev))
    new = sorted({t.end(dev).interface for t in ov.tunnels_of(dev)}
                 - {t.end(dev).interface for t in single.tunnels_of(dev)})
    kept = sorted({t.end(dev).interface for t in single.tunnels_of(dev)})
    for iface in new if there else []:   # adding the backup adds its interface, removing removes it
        assert any(iface in line for line in there) and any(iface in line for line in back), iface
    for iface in kept:                   # ... and never takes the primary tunnel down
        gone = re.compile(rf"(?:no|undo|delete)\s+interfaces?\s+(?:tunnel\s+)?{re.escape(iface)}")
        assert not any(gone.fullmatch(line.strip()) for line in there), iface


@pytest.mark.parametrize("provider", PROVIDERS, ids=_id, indirect=True)
def test_dual_homed_dual_stack_intent(provider, tmp_path):
    """Both capabilities at once: each tunnel of a dual-stack, dual-homed site carries both families
    and the intent's cost in each (OSPF and OSPFv3)."""
    plat = platforms.get(provider.PLATFORM)
    if not plat.caps.multi_hub or "ipv6" not in plat.caps.families:
        pytest.skip(f"{plat.name}: not both multi_hub and ipv6 (each is refused in its own case above)")
    dev, lan6, homed = provider.DEVICE, getattr(provider, "LAN6_INTERFACE", None), []
    inv = _load_shaped(provider, tmp_path, "both", shapes.single_stack, lambda i: homed.extend(shapes.dual_homed(i, dev)),
                       lambda i: shapes.dual_stack(i, homed[0], lan6 if homed[0] == dev else None))
    ov = inventory.load(inv)
    site, backup = homed
    for name in (site, backup):
        if ov.devices[name].platform != plat.name:
            continue
        text = _shape_common(plat, ov, name)
        for t in ov.tunnels_of(name):
            if "ipv6" not in t.families:
                continue
            assert any(s in text.lower() for s in _spelled(t.end(name).link_local.ip))
            assert len(re.findall(rf"\b{t.cost}\b", text)) >= 2, (name, t.end(name).interface, t.cost)
