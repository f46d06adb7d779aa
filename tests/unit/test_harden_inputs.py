"""Hostile-input hardening that is not a single bad case: YAML merge keys, secret masking in every
form, and no per-host traceback from Nornir when devices are unreachable."""
import os
import subprocess
import sys

import pytest

from controller import inventory, secrets
from controller.platforms.linux.proposals import check_ike_proposal
from controller.platforms.linux.router import linuxconf
from tests.conftest import ROOT, edit_yaml

KEY = "merge-key-test-psk-0123456789"


def test_yaml_merge_keys_work(inv):
    (inv / "hosts.yaml").write_text(
        "tokyo: &router\n  hostname: 172.31.255.11\n  groups: [lab_linux]\n  data: {role: hub}\n"
        "osaka:\n  <<: *router\n  hostname: 172.31.255.12\n  data: {role: site}\n"
        "fukuoka: {<<: *router, hostname: 172.31.255.13, data: {role: site}}\n")
    text = (inv / "overlay.yaml").read_text()
    for old, new in (("wan: {interface: wan0, address: 198.51.100.2/30, mtu: 1500}",
                      "wan: &wan {interface: wan0, address: 198.51.100.2/30, mtu: 1400}"),
                     ("wan: {interface: wan0, address: 198.51.100.6/30, mtu: 1500}",
                      "wan: {<<: *wan, address: 198.51.100.6/30}")):
        assert old in text
        text = text.replace(old, new)
    (inv / "overlay.yaml").write_text(text)
    ov = inventory.load(inv)  # includes Nornir's own reading of the same files
    osaka = ov.devices["osaka"]
    assert (osaka.hostname, osaka.platform, osaka.wan.mtu, str(osaka.wan.address)) == \
        ("172.31.255.12", "linux", 1400, "198.51.100.6/30")
    assert ov.devices["fukuoka"].hostname == "172.31.255.13"


def test_merge_does_not_hide_a_duplicate_key(inv):
    (inv / "hosts.yaml").write_text(
        "tokyo: &router {hostname: 172.31.255.11, groups: [lab_linux]}\n"
        "osaka:\n  <<: *router\n  hostname: 172.31.255.12\n  hostname: 172.31.255.14\n")
    with pytest.raises(inventory.InventoryError) as e:
        inventory.load(inv)
    assert "hosts.yaml: line 5: duplicate key 'hostname' (first at line 4)" in "\n".join(e.value.problems)


@pytest.mark.parametrize("text", [
    f'secret = "{KEY}"', f"secret = {KEY}", f"secret={KEY}", f"secret = '{KEY}'", f'"secret": "{KEY}"',
    f"{{'secret': '{KEY}'}}", f'  ike-osaka {{ secret = "{KEY}" }}', f"secret =\t{KEY}\n",
])
def test_mask_every_form(text):
    masked = linuxconf.mask(text)
    assert KEY not in masked
    assert secrets.placeholder(KEY) in masked
    assert linuxconf.mask(masked) == masked  # idempotent: a placeholder stays itself
    assert linuxconf.clear_secrets(text) == {linuxconf.fingerprint(KEY): KEY}


def test_mask_keeps_a_document_parseable():
    doc = ("[swanctl]\nconnections {\n}\nsecrets {\n  ike-osaka {\n    id-a = 1.1.1.1\n    id-b = 2.2.2.2\n"
           f"    secret = {KEY}\n  }}\n}}\n")
    parsed = linuxconf.parse(linuxconf.mask(doc))
    assert KEY not in linuxconf.dump(parsed) and secrets.placeholder(KEY) in linuxconf.dump(parsed)


@pytest.mark.parametrize("proposal", ["aes256-sha256-x25519", "aes128gcm16-prfsha256-ecp256",
                                      "aes256-sha384-modp3072,aes128-sha256-ecp256", "default",
                                      "chacha20poly1305-prfsha256-x25519"])
def test_good_proposals_pass(inv, proposal):
    assert check_ike_proposal(proposal) is None
    edit_yaml(inv / "overlay.yaml", {"ike.proposal": proposal})
    ov = inventory.load(inv)
    assert ov.intent.ike.proposal == proposal


def test_env_psk_is_stripped_like_a_file(inv, monkeypatch):
    monkeypatch.setenv("GRECTL_TEST_ENV_PSK", "\t  env-psk-0123456789abcdef  \n")
    edit_yaml(inv / "overlay.yaml", {"psk": {"env": "GRECTL_TEST_ENV_PSK"}})
    assert set(inventory.psks(inventory.load(inv)).values()) == {"env-psk-0123456789abcdef"}


def test_unreachable_devices_print_no_traceback(inv, tmp_path):
    """Nornir logs each failed host with a traceback; none reaches the terminal (table and JSON say it)."""
    edit_yaml(inv / "hosts.yaml", {"tokyo.hostname": "127.0.0.1", "osaka.hostname": "127.0.0.2",
                                   "fukuoka.hostname": "127.0.0.3"})
    edit_yaml(inv / "defaults.yaml", {"port": 9})  # loopback, nothing listens: refused at once
    r = subprocess.run([sys.executable, "-m", "controller", "verify", "-i", str(inv)], capture_output=True,
                       text=True, cwd=ROOT, timeout=120, env={**os.environ, "GRECTL_DEBUG": ""})
    assert r.returncode == 1
    assert "Traceback" not in r.stdout + r.stderr, r.stderr[-3000:]
    assert "tokyo" in r.stdout
