"""Host-key options (tasks/common.py): inventory data ``known_hosts``, ``host_key_policy``,
``hash_known_hosts`` (inherited the Nornir way) and GRECTL_KNOWN_HOSTS / GRECTL_HOST_KEY_POLICY /
GRECTL_HASH_KNOWN_HOSTS reach every driver; a bad value is one clear line naming the file and
field (or the variable) before any device is contacted."""
from __future__ import annotations

import json
import os

import pytest

from controller import inventory
from controller.errors import GrectlError
from tasks import common
from tests.conftest import edit_yaml, ipv4_only

HOSTILE = ["", " ", "x\n", "x\r", "x\x00", "x\u2028", "x\u2029", "x\x85", "x\ty", " /tmp/kh", "/tmp/kh ",
           "x" * 5000]
BAD_POLICIES = ["", "no", "off", "yes", "STRICT", "accept-new\n", "accept-new ", " strict", "strict\x00",
                "accept_new", "ask", "'strict'", "$(reboot)", "`id`", "strict;id", "\u2028", "accept-new\r"]


@pytest.fixture(autouse=True)
def no_lab_no_env(monkeypatch, tmp_path):
    monkeypatch.setenv("GRECTL_LAB_DIR", str(tmp_path / "no-lab"))
    for v in ("GRECTL_KNOWN_HOSTS", "GRECTL_HOST_KEY_POLICY", "GRECTL_HASH_KNOWN_HOSTS"):
        monkeypatch.delenv(v, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


def optional_args(inv):
    nr = common.make_nornir(inventory.load(inv))
    try:
        return {n: h.connection_options["napalm"].extras["optional_args"] for n, h in nr.inventory.hosts.items()}
    finally:
        nr.close_connections()


def refused(inv) -> str:
    with pytest.raises(GrectlError) as ei:
        common.make_nornir(inventory.load(inv))
    return str(ei.value)


def test_defaults_every_driver_gets_strict_home_known_hosts(inv, tmp_path):
    args = optional_args(inv)
    assert set(args) == {"tokyo", "osaka", "fukuoka"}
    for name, a in args.items():
        assert a["known_hosts"] == str(tmp_path / "home" / ".ssh" / "known_hosts")
        assert (a["host_key_policy"], a["hash_known_hosts"], a["device"]) == ("strict", False, name)
        assert {"conn_retries", "conn_backoff", "max_connecting"} <= set(a)


@pytest.mark.parametrize("where,key", [
    ("hosts", "osaka.data"), ("groups", "lab_linux.data"), ("defaults", "data")])
def test_data_options_are_inherited_the_nornir_way(inv, monkeypatch, where, key):
    monkeypatch.setenv("GRECTL_KNOWN_HOSTS", "/env/known_hosts")
    monkeypatch.setenv("GRECTL_HOST_KEY_POLICY", "strict")
    edit_yaml(inv / f"{where}.yaml", {f"{key}.known_hosts": "kh/site", f"{key}.host_key_policy": "accept-new",
                                      f"{key}.hash_known_hosts": True})
    args = optional_args(inv)
    got = {n: (a["known_hosts"], a["host_key_policy"], a["hash_known_hosts"]) for n, a in args.items()}
    mine = (str(inv.absolute() / "kh" / "site"), "accept-new", True)   # relative to the inventory
    env = ("/env/known_hosts", "strict", False)
    assert got["osaka"] == mine
    assert got["tokyo"] == (env if where == "hosts" else mine)


def test_environment_options(inv, monkeypatch, tmp_path):
    monkeypatch.setenv("GRECTL_KNOWN_HOSTS", "~/kh")
    monkeypatch.setenv("GRECTL_HOST_KEY_POLICY", "accept-new")
    monkeypatch.setenv("GRECTL_HASH_KNOWN_HOSTS", "yes")
    a = optional_args(inv)["tokyo"]
    assert (a["known_hosts"], a["host_key_policy"], a["hash_known_hosts"]) == \
        (str(tmp_path / "home" / "kh"), "accept-new", True)


def test_lab_routers_use_the_labs_own_known_hosts(inv, monkeypatch, tmp_path):
    lab = tmp_path / "lab"
    lab.mkdir()
    (lab / "lab.json").write_text(json.dumps({}))
    monkeypatch.setenv("GRECTL_LAB_DIR", str(lab))
    monkeypatch.setenv("GRECTL_KNOWN_HOSTS", "/env/known_hosts")
    edit_yaml(inv / "hosts.yaml", {"osaka.data.known_hosts": "/data/known_hosts"})
    for a in optional_args(inv).values():
        assert a["known_hosts"] == str(lab.resolve() / "known_hosts")


def test_ios_opens_through_grectls_driver_with_the_same_options(inv):
    ipv4_only(inv)  # the platform takes IPv4 only so far (issue 22)
    edit_yaml(inv / "hosts.yaml", {"osaka.platform": "ios", "osaka.data": {"ios_style": "tunnel-protection"},
                                   "osaka.data.host_key_policy": "accept-new"})
    edit_yaml(inv / "overlay.yaml", {"sites.osaka.wan.interface": "Gi0/0"})
    nr = common.make_nornir(inventory.load(inv))
    opt = nr.inventory.hosts["osaka"].connection_options
    assert opt["napalm"].platform == "ios_grectl"
    assert opt["napalm"].extras["optional_args"]["host_key_policy"] == "accept-new"
    assert opt["netmiko"].extras["ssh_strict"] is True and opt["netmiko"].extras["system_host_keys"] is False


# ------------------------------------------------------------------ bad values: file and field
@pytest.mark.parametrize("value", HOSTILE + [3, True, ["a"], {"a": 1}], ids=repr)
@pytest.mark.parametrize("where,key,shown", [
    ("hosts", "osaka.data", "hosts.yaml: osaka.data.known_hosts"),
    ("groups", "lab_linux.data", "groups.yaml: lab_linux.data.known_hosts"),
    ("defaults", "data", "defaults.yaml: data.known_hosts")])
def test_bad_known_hosts_in_data_names_file_and_field(inv, where, key, shown, value):
    edit_yaml(inv / f"{where}.yaml", {f"{key}.known_hosts": value})
    text = refused(inv)
    assert f"{inv / shown.split(':')[0]}:{shown.split(':', 1)[1]}: " in text
    assert "\n" not in text.strip() or all(ln.count(": ") >= 2 for ln in text.splitlines())


@pytest.mark.parametrize("value", BAD_POLICIES + [True, False, 1, None.__class__.__name__], ids=repr)
def test_bad_policy_in_data_names_file_and_field(inv, value):
    edit_yaml(inv / "groups.yaml", {"lab_linux.data.host_key_policy": value})
    text = refused(inv)
    # a control character is refused by the inventory itself, at the same file and field
    assert text.startswith(f"{inv / 'groups.yaml'}: lab_linux.data.host_key_policy: ")
    assert "is not one of strict, accept-new" in text or "control character or line break" in text


@pytest.mark.parametrize("value", ["maybe", "", 2, "true\n"], ids=repr)
def test_bad_hash_option_in_data(inv, value):
    edit_yaml(inv / "hosts.yaml", {"tokyo.data.hash_known_hosts": value})
    text = refused(inv)
    assert text.startswith(f"{inv / 'hosts.yaml'}: tokyo.data.hash_known_hosts: ")
    assert "is not yes or no" in text or "control character or line break" in text


@pytest.mark.parametrize("var,value", [("GRECTL_HOST_KEY_POLICY", v) for v in BAD_POLICIES if "\x00" not in v]
                         + [("GRECTL_KNOWN_HOSTS", v) for v in HOSTILE if "\x00" not in v]
                         + [("GRECTL_HASH_KNOWN_HOSTS", v) for v in ("", "1", "maybe", "yes\n")], ids=repr)
def test_bad_environment_names_the_variable_before_any_device(inv, monkeypatch, var, value):
    monkeypatch.setenv(var, value)
    ov = inventory.load(inv)
    with pytest.raises(GrectlError) as ei:
        common.make_nornir(ov)
    assert str(ei.value).startswith(f"environment variable {var}: ")


def test_known_hosts_that_is_a_directory_is_refused(inv, tmp_path, monkeypatch):
    monkeypatch.setenv("GRECTL_KNOWN_HOSTS", str(tmp_path))
    with pytest.raises(GrectlError, match="GRECTL_KNOWN_HOSTS: .* is not a regular file"):
        common.make_nornir(inventory.load(inv))
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    edit_yaml(inv / "hosts.yaml", {"tokyo.data.known_hosts": str(fifo)})
    monkeypatch.delenv("GRECTL_KNOWN_HOSTS")
    assert refused(inv) == f"{inv / 'hosts.yaml'}: tokyo.data.known_hosts: is not a regular file"
