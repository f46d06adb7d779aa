"""Errors point where the value is written (issue 19 part 5): with Nornir's inheritance a host's
platform, hostname and data keys may come from hosts.yaml, a group (or a group's group) in
groups.yaml, or defaults.yaml. A problem names that file and entry, and still the host it affects.
A platform that cannot render (junos) is refused by validate, where it is set.
"""
from __future__ import annotations

import socket

import pytest
import yaml

from controller import inventory, platforms
from controller.errors import InventoryError
from controller.platforms.base import Capabilities, Platform
from tests.conftest import edit_yaml, ipv4_only

CAPS = Capabilities(transforms=frozenset({"aes128gcm16"}), renders=True)


class FakeOptions(Platform):
    """Reads two host data options, and reports them in both forms the inventory maps."""

    def check(self, overlay, device):
        data, out = overlay.devices[device].data, []
        if data.get("fake_mode", "a") not in ("a", "b"):
            out.append(f"platform: {self.name}: data.fake_mode: must be 'a' or 'b', not {data['fake_mode']!r}")
        if data.get("fake_release", "1") != "1":
            out.append(f"hosts.{device}.data.fake_release: {data['fake_release']!r} is not a release")
        return out + super().check(overlay, device)


@pytest.fixture
def fake():
    platforms.register(FakeOptions("fakeopt", CAPS))
    yield
    platforms.unregister("fakeopt")


def _yaml(inv, name, doc):
    (inv / name).write_text(yaml.safe_dump(doc, sort_keys=False))


def _read(inv, name):
    return yaml.safe_load((inv / name).read_text()) or {}


def _problems(inv) -> list[str]:
    with pytest.raises(InventoryError) as e:
        inventory.load(inv)
    return e.value.problems


def _groups(inv, **groups):
    doc = _read(inv, "groups.yaml")
    doc.update(groups)
    _yaml(inv, "groups.yaml", doc)


# (how the inventory is arranged, the origin expected in the message)
DATA_CASES = [
    ("host", "hosts.yaml: osaka.data.fake_mode"),
    ("group", "groups.yaml: g1.data.fake_mode"),
    ("group-of-group", "groups.yaml: g2.data.fake_mode"),
    ("second-group", "groups.yaml: g3.data.fake_mode"),
    ("defaults", "defaults.yaml: data.fake_mode"),
]


def _arrange(inv, how: str, key: str = "fake_mode", value="zzz") -> None:
    """osaka on fakeopt (platform set on the host), the bad ``key`` written per ``how``."""
    ipv4_only(inv)  # the platform takes IPv4 only so far (issue 22)
    edit_yaml(inv / "hosts.yaml", {"osaka.platform": "fakeopt"})
    hosts = _read(inv, "hosts.yaml")
    if how == "host":
        hosts["osaka"].setdefault("data", {})[key] = value
    elif how == "group":
        _groups(inv, g1={"data": {key: value}})
        hosts["osaka"]["groups"] = ["g1", "lab_linux"]
    elif how == "group-of-group":
        _groups(inv, g1={"groups": ["g2"]}, g2={"data": {key: value}})
        hosts["osaka"]["groups"] = ["g1", "lab_linux"]
    elif how == "second-group":  # g1 does not set it, g3 (later in the list) does
        _groups(inv, g1={"data": {"other": 1}}, g3={"data": {key: value}})
        hosts["osaka"]["groups"] = ["g1", "g3", "lab_linux"]
    elif how == "defaults":
        doc = _read(inv, "defaults.yaml")
        doc.setdefault("data", {})[key] = value
        _yaml(inv, "defaults.yaml", doc)
    _yaml(inv, "hosts.yaml", hosts)


@pytest.mark.parametrize("how,where", DATA_CASES, ids=[c[0] for c in DATA_CASES])
def test_platform_data_problem_names_where_it_is_written(inv, fake, how, where):
    _arrange(inv, how)
    problems = _problems(inv)
    assert any(p.startswith(str(inv / where.split(":")[0])) and where in p
               and "must be 'a' or 'b', not 'zzz' (platform fakeopt of 'osaka')" in p for p in problems), problems


@pytest.mark.parametrize("how,where", DATA_CASES, ids=[c[0] for c in DATA_CASES])
def test_older_hosts_form_is_mapped_too(inv, fake, how, where):
    _arrange(inv, how, key="fake_release", value="9")
    where = where.replace("fake_mode", "fake_release")
    problems = _problems(inv)
    assert any(where in p and "'9' is not a release (platform fakeopt of 'osaka')" in p for p in problems), problems


def test_earlier_group_wins_and_is_named(inv, fake):
    ipv4_only(inv)  # the platform takes IPv4 only so far (issue 22)
    edit_yaml(inv / "hosts.yaml", {"osaka.platform": "fakeopt", "osaka.groups": ["g1", "g2", "lab_linux"]})
    _groups(inv, g1={"data": {"fake_mode": "bad1"}}, g2={"data": {"fake_mode": "bad2"}})
    problems = _problems(inv)
    assert any("groups.yaml: g1.data.fake_mode: must be 'a' or 'b', not 'bad1'" in p for p in problems), problems
    assert not any("g2" in p for p in problems)


def test_host_value_overrides_a_bad_group_value(inv, fake):
    ipv4_only(inv)  # the platform takes IPv4 only so far (issue 22)
    edit_yaml(inv / "hosts.yaml", {"osaka.platform": "fakeopt", "osaka.groups": ["g1", "lab_linux"],
                                   "osaka.data.fake_mode": "b"})
    _groups(inv, g1={"data": {"fake_mode": "bad"}})
    assert inventory.load(inv).devices["osaka"].data["fake_mode"] == "b"


def test_origins_recorded_on_the_device(inv, fake):
    _arrange(inv, "group-of-group", value="a")
    dev = inventory.load(inv).devices["osaka"]
    assert dev.origins["data.fake_mode"] == f"{inv / 'groups.yaml'}: g2.data.fake_mode"
    assert dev.origins["platform"] == f"{inv / 'hosts.yaml'}: osaka.platform"
    assert dev.origins["hostname"] == f"{inv / 'hosts.yaml'}: osaka.hostname"
    assert inventory.load(inv).devices["tokyo"].origins["platform"] == f"{inv / 'groups.yaml'}: lab_linux.platform"


# ----------------------------------------------------------------- the platform itself

PLATFORM_CASES = [  # (where the platform is set, value, origin, what)
    ("group", "nxos", "groups.yaml: g1.platform", "unknown platform 'nxos' (host 'osaka')"),
    ("defaults", "nxos", "defaults.yaml: platform", "unknown platform 'nxos' (host 'osaka')"),
    ("host", "nxos", "hosts.yaml: osaka.platform", "unknown platform 'nxos' (known:"),
    ("group", "junos", "groups.yaml: g1.platform", "junos has no renderer: grectl cannot configure 'osaka'"),
    ("host", "junos", "hosts.yaml: osaka.platform", "junos has no renderer: grectl cannot configure 'osaka'"),
    ("defaults", "junos", "defaults.yaml: platform", "junos has no renderer"),
]


@pytest.mark.parametrize("how,value,where,what", PLATFORM_CASES,
                         ids=[f"{c[0]}-{c[1]}" for c in PLATFORM_CASES])
def test_platform_problem_names_where_it_is_set(inv, how, value, where, what):
    hosts = _read(inv, "hosts.yaml")
    if how == "host":
        hosts["osaka"]["platform"] = value
    elif how == "group":
        _groups(inv, g1={"platform": value})
        hosts["osaka"]["groups"] = ["g1", "lab_linux"]
    else:  # defaults: no group sets it for osaka
        hosts["osaka"]["groups"] = []
        doc = _read(inv, "defaults.yaml")
        doc["platform"] = value
        _yaml(inv, "defaults.yaml", doc)
    _yaml(inv, "hosts.yaml", hosts)
    problems = _problems(inv)
    assert any(p.startswith(f"{inv / where}:") and what in p for p in problems), problems


def test_no_renderer_refused_before_render(inv):
    """validate refuses junos: the problem is found by inventory.load, not later by render."""
    ipv4_only(inv)  # the platform takes IPv4 only so far (issue 22)
    edit_yaml(inv / "hosts.yaml", {"osaka.platform": "junos"})
    assert not platforms.get("junos").can_render
    problems = _problems(inv)
    assert len(problems) == 1 and "junos has no renderer" in problems[0] and "hosts.yaml: osaka.platform" in problems[0]


def test_host_own_value_has_no_host_suffix(inv):
    ipv4_only(inv)  # the platform takes IPv4 only so far (issue 22)
    edit_yaml(inv / "hosts.yaml", {"osaka.platform": "nxos"})
    problems = _problems(inv)
    assert any("hosts.yaml: osaka.platform: unknown platform 'nxos' (known:" in p for p in problems), problems


# ----------------------------------------------------------------- hostname

@pytest.fixture
def offline(monkeypatch):
    def getaddrinfo(host, port, *args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    monkeypatch.setattr(inventory.socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(inventory, "_resolved", {})


def test_hostname_from_a_group(inv, offline):
    hosts = _read(inv, "hosts.yaml")
    del hosts["osaka"]["hostname"]
    hosts["osaka"]["groups"] = ["g1", "lab_linux"]
    _yaml(inv, "hosts.yaml", hosts)
    _groups(inv, g1={"hostname": "osaka-mgmt.invalid"})
    problems = _problems(inv)
    assert any(p.startswith(f"{inv / 'groups.yaml'}: g1.hostname: 'osaka-mgmt.invalid' does not resolve")
               and p.endswith("(host 'osaka')") for p in problems), problems


def test_hostname_from_defaults_shared(inv, offline):
    hosts = _read(inv, "hosts.yaml")
    for h in ("osaka", "fukuoka"):
        del hosts[h]["hostname"]
    _yaml(inv, "hosts.yaml", hosts)
    doc = _read(inv, "defaults.yaml")
    doc["hostname"] = "172.31.255.50"
    _yaml(inv, "defaults.yaml", doc)
    problems = _problems(inv)
    assert any(p.startswith(f"{inv / 'defaults.yaml'}: hostname: management address 172.31.255.50 port 22 is also")
               for p in problems), problems


@pytest.mark.parametrize("value", ["bad\nname", "x\u2028", "a b", "-oProxyCommand=x", "ho$t", "fe80::1%a b",
                                   "fe80::1%eth0\n", "h\x00", "ｈｏｓｔ"])
def test_hostname_refused_in_a_group_with_file_and_field(inv, value):
    _groups(inv, lab_linux={"platform": "linux", "username": "root", "hostname": value})
    problems = _problems(inv)
    assert any(p.startswith(f"{inv / 'groups.yaml'}: lab_linux.hostname:") for p in problems), problems
    assert all("\n" not in p and "\u2028" not in p and "\x00" not in p for p in problems)
