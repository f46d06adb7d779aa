"""VyOS: every hostile key is refused by ``check_psk`` or reaches VyOS exactly (read back from the
wire line the way vbash reads it: ``shlex.split``), masked in every form VyOS prints it; interface
names; the vyos-1x ranges in ``validate``; no template value can add a line or leave its quotes."""
from __future__ import annotations

import shlex

import napalm
import pytest
import yaml

from controller import inventory, platforms, render
from controller.errors import InventoryError
from controller.platforms.vyos import cli_check, values
from controller.secretforms import fingerprint, placeholder
from tests.unit.platforms.hostile import KEYS
from tests.unit.platforms.mixed import VYOS_DEFS, mixed_inventory, need_defs

PLAT = platforms.get("vyos")
LINE = "set vpn ipsec authentication psk grectl-tokyo secret {}"


def vyos_driver(secrets=None, connect=None):
    cls = napalm.get_network_driver("vyos_grectl")
    return cls("osaka", "vyos", optional_args={"secrets": secrets or {}, **({"connect": connect} if connect else {})})


def vbash_show(key: str) -> str:
    """How ``show configuration commands`` prints the key: ``'value'`` with ``"`` and ``\\`` escaped
    (vyos1x-config Renderer.render_set_path + Util.escape_string)."""
    return "'" + key.replace("\\", "\\\\").replace('"', '\\"') + "'"


# ------------------------------------------------------------------ keys

ACCEPTED = [k for _, k in KEYS if values.check_psk(k) is None]


@pytest.mark.parametrize("key", [k for _, k in KEYS], ids=[i for i, _ in KEYS])
def test_key_refused_or_read_back_exactly(key):
    why = PLAT.check_psk(key)
    if why is not None:
        assert key not in why or len(key) < 2, "the reason quotes the key"
        assert why == why.strip() and "\n" not in why
        return
    rendered = LINE.format(values.vbash_quote(placeholder(key)))
    wire = vyos_driver({fingerprint(key): key}).unmask(rendered)
    assert len(wire.splitlines()) == 1 and "\r" not in wire
    assert shlex.split(wire) == shlex.split(LINE.format("x"))[:-1] + [key]


@pytest.mark.parametrize("key_id,why", [
    ("double-quote", "double quote"), ("backslash", "backslash"), ("trailing-backslash", "backslash"),
    ("question", "'?'"), ("glob", "'?'"), ("hex-prefix", "hex"), ("base64-prefix", "base64"),
    ("newline", "line-breaking"), ("trailing-newline", "white space"), ("carriage-return", "line-breaking"),
    ("nul", "control"), ("tab", "control"), ("nel", "control"), ("line-separator", "control"),
    ("paragraph-separator", "control"), ("escape", "control"), ("del", "control"),
    ("non-ascii", "non-ASCII"), ("emoji", "non-ASCII"), ("fullwidth-quote", "non-ASCII"),
    ("leading-space", "white space"), ("trailing-space", "white space"), ("empty", "empty"),
])
def test_key_refused_with_reason(key_id, why):
    key = dict(KEYS)[key_id]
    assert why in PLAT.check_psk(key)


@pytest.mark.parametrize("key_id", ["vyos-injection", "single-quote", "only-quotes", "bang", "history", "hash",
                                    "semicolon", "subshell", "backticks", "dollar-var", "pipe-amp", "braces",
                                    "netconf-end", "xml-entity", "space-inside", "long-1024", "plain"])
def test_key_vyos_takes(key_id):
    assert PLAT.check_psk(dict(KEYS)[key_id]) is None


@pytest.mark.parametrize("key", ACCEPTED)
@pytest.mark.parametrize("form", ["show-commands", "show-config", "echo", "echo-1.3"])
def test_every_printed_form_is_masked_to_the_keys_placeholder(key, form):
    text = {"show-commands": LINE.format(vbash_show(key)),
            "show-config": '        secret "' + key.replace("\\", "\\\\").replace('"', '\\"') + '"',
            "echo": LINE.format(values.vbash_quote(key)),
            "echo-1.3": "set vpn ipsec site-to-site peer 198.51.100.2 authentication pre-shared-secret "
                        + values.vbash_quote(key)}[form]
    masked = PLAT.mask("set system host-name 'osaka'\n" + text + "\nset vpn ipsec interface 'eth0'\n")
    assert key not in masked
    assert placeholder(key) in masked
    assert masked.count("\n") == 3 and "host-name 'osaka'" in masked and "interface 'eth0'" in masked


@pytest.mark.parametrize("key", [dict(KEYS)[k] for k in ("vyos-injection", "single-quote", "subshell", "space-inside")])
def test_commit_puts_the_key_on_the_wire_shell_quoted(key):
    from tests.unit.drivers.transcript import Sessions
    s = Sessions("vyos", ("running", "commit_ok"))
    d = vyos_driver({fingerprint(key): key}, connect=s)
    d.open()
    d.load_merge_candidate(config=LINE.format(values.vbash_quote(placeholder(key))))
    assert key not in d.compare_config()
    d.commit_config(revert_in=120)
    sent = [w for w in s.wire if "secret" in w]
    assert len(sent) == 1 and shlex.split(sent[0])[-1] == key
    assert not any(key in t for t in d.transcript)


def test_scrub_catches_the_encoded_echo():
    key = dict(KEYS)["vyos-injection"]
    d = vyos_driver({fingerprint(key): key})
    out = d.scrub("% " + values.vbash_quote(key) + " is not valid\n")
    assert key not in out and "pwned" not in out


# ------------------------------------------------------------------ interface names

@pytest.mark.parametrize("name", ["eth0", "eth1", "eth0.100", "eth0.4094", "eth0.10.20", "bond0", "bond0.10", "br0",
                                  "br1.5", "pppoe0", "wwan0", "lo", "enp0s3", "ens192", "eno1", "wg0", "vti1",
                                  "tun13", "lan0", "peth0", "eth123456789012"])
def test_interface_vyos_has(name):
    assert PLAT.check_interface(name) is None


@pytest.mark.parametrize("name", ["", "Ethernetfoo", "GigabitEthernet0/0/1", "eth", "eth0.5000", "eth0.", "eth0x5",
                                  "ETH0", "eth 0", "eth0\n", "eth0\r", "eth0\x00", "eth0\u2028", "eth0;reboot",
                                  "eth0'", "eth0$(x)", "pppoe0.10", "lo0", "lo.5", "wan0", "eth1234567890123",
                                  "tun", " eth0", "eth0 ", "eth0\t", "éth0", "eth-0", "../eth0", "bond0.10.20.30"])
def test_interface_refused(name):
    why = PLAT.check_interface(name)
    assert why and "\n" not in why


@pytest.mark.parametrize("number", [0, 1, 13, 65535])
def test_a_tunnel_grectl_allocates_is_recognisable(number):
    tun = PLAT.interface_name("peer", number)
    assert PLAT.canonical_interface(tun) == PLAT.canonical_interface(f"tun{number}") == tun
    assert PLAT.check_interface(tun) is None


# ------------------------------------------------------------------ ranges in validate

@pytest.mark.parametrize("edits,field,words", [
    ({"sites.osaka.wan.mtu": 600}, "sites.osaka.wan.mtu", "adjust-mss takes 536-65535"),
    ({"hubs.tokyo.wan.mtu": 600}, "hubs.tokyo.wan.mtu", "adjust-mss takes 536-65535"),
    ({"ike.dpd_delay": 1}, "ike.dpd_delay", "dead-peer-detection interval takes 2-86400"),
    ({"ike.lifetime": 172800}, "ike.lifetime", "ike-group lifetime takes 0-86400"),
])
def test_out_of_range_names_the_field(tmp_path, edits, field, words):
    with pytest.raises(InventoryError) as e:
        inventory.load(mixed_inventory(tmp_path, **edits))
    mine = [p for p in e.value.problems if "VyOS" in p]
    assert any(f"overlay.yaml: {field}: " in p and words in p for p in mine), e.value.problems


@pytest.mark.parametrize("edits", [{"sites.osaka.wan.mtu": 9000, "hubs.tokyo.wan.mtu": 9000,
                                    "sites.fukuoka.wan.mtu": 1500},
                                   {"ospf.hello": 65534, "ospf.dead": 65535}, {"gre.key": True, "gre.ttl": 255},
                                   {"ike.dpd_delay": 3600}])
def test_in_range_validates(tmp_path, edits):
    ov = inventory.load(mixed_inventory(tmp_path, **edits))
    assert not [p for p in PLAT.check(ov, "osaka")]


def test_range_table_matches_the_definitions():
    """Each row's range is the one the vyos-1x definitions give (the numeric validator of the leaf)."""
    if not VYOS_DEFS.is_dir():
        pytest.skip(f"VyOS CLI definitions absent ({VYOS_DEFS})")
    c = cli_check.Checker(VYOS_DEFS)
    leaf = {"ike_lifetime": "vpn ipsec ike-group g lifetime", "esp_lifetime": "vpn ipsec esp-group g lifetime",
            "dpd_interval": "vpn ipsec ike-group g dead-peer-detection interval",
            "dpd_timeout": "vpn ipsec ike-group g dead-peer-detection timeout",
            "tunnel_mtu": "interfaces tunnel tun1 mtu", "adjust_mss": "interfaces tunnel tun1 ip adjust-mss",
            "ospf_hello": "protocols ospf interface tun1 hello-interval",
            "ospf_dead": "protocols ospf interface tun1 dead-interval",
            "gre_key": "interfaces tunnel tun1 parameters ip key", "gre_ttl": "interfaces tunnel tun1 parameters ip ttl"}
    for what, (lo, hi, _src) in values.RANGES.items():
        path = leaf[what]
        assert c.check_line(f"set {path} '{lo}'") is None and c.check_line(f"set {path} '{hi}'") is None, what
        assert c.check_line(f"set {path} '{lo - 1}'") and c.check_line(f"set {path} '{hi + 1}'"), what


# ------------------------------------------------------------------ encoders of the template

@pytest.mark.parametrize("value", ["it's", "a\nb", "a\rb", "x\x00", "a\u2028b", "a\x85b", "tab\there", "what?"])
def test_config_value_refuses(value):
    with pytest.raises(ValueError):
        values.config_value(value)


@pytest.mark.parametrize("value", ["grectl osaka", "tun1\n", "a'b", "", "x;y", "-x", "a$b"])
def test_node_name_refuses(value):
    with pytest.raises(ValueError):
        values.node_name(value)


@pytest.mark.parametrize("value", ["a\nb", "x\x00", "a\u2028b", "a\rb"])
def test_vbash_quote_refuses_line_breaks(value):
    with pytest.raises(ValueError):
        values.vbash_quote(value)


# ------------------------------------------------------------------ a mixed inventory, hostile but valid

def hostile_inventory(tmp_path, vyos_key, vrp_key="Vrp-k3y!#;$(x)`y`&amp;]]>]]>'"):
    inv = mixed_inventory(tmp_path / "inv", **{"sites.osaka.wan.interface": "eth0.100", "gre.key": True})
    ov = yaml.safe_load((inv / "overlay.yaml").read_text())
    for site, key in (("osaka", vyos_key), ("fukuoka", vrp_key)):
        (inv / "secrets" / f"{site}.txt").write_text(key + "\n")
        (inv / "secrets" / f"{site}.txt").chmod(0o600)
        ov["sites"][site]["psk"] = {"file": f"secrets/{site}.txt"}
    (inv / "secrets" / "psk.txt").write_text("hub-default-key-0123456789\n")
    (inv / "secrets" / "psk.txt").chmod(0o600)
    (inv / "overlay.yaml").write_text(yaml.safe_dump(ov, sort_keys=False))
    return inv


@pytest.mark.parametrize("key_id", ["vyos-injection", "single-quote", "subshell", "space-inside", "hash", "bang"])
def test_mixed_hostile_renders_line_for_line(tmp_path, key_id):
    key = dict(KEYS)[key_id]
    ov = inventory.load(hostile_inventory(tmp_path / "h", key))
    base = inventory.load(hostile_inventory(tmp_path / "b", "benign-key-0123456789ab", "benign-key-0123456789cd"))
    got, want = render.render_all(ov), render.render_all(base)
    for dev in got:
        assert len(got[dev].splitlines()) == len(want[dev].splitlines()), dev
    osaka = got["osaka"]
    secret_lines = [ln for ln in osaka.splitlines() if " secret " in ln]
    wire = vyos_driver({fingerprint(key): key}).unmask(secret_lines[0])
    assert shlex.split(wire)[-1] == key and len(wire.splitlines()) == 1
    for ln in osaka.splitlines():
        assert shlex.split(ln), ln


@need_defs
@pytest.mark.parametrize("release_intent", [{}, {"nat_t": True, "ipsec.mode": "tunnel"}])
def test_real_names_validate_render_and_pass_the_definitions(tmp_path, release_intent):
    inv = hostile_inventory(tmp_path, dict(KEYS)["vyos-injection"])
    ov = inventory.load(inv)
    c = cli_check.Checker(VYOS_DEFS)
    text = render.render_device(ov, "osaka")
    assert "set vpn ipsec interface 'eth0.100'" in text
    assert c.check(text) == [] and not c.unjudged
    key = dict(KEYS)["vyos-injection"]
    live = vyos_driver({fingerprint(key): key}).unmask(text)
    assert c.check(live) == []   # the key as vbash hands it to VyOS is a value VyOS takes
