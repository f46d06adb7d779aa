"""Pre-shared keys (issue 19 parts 2 and 8, the core's side).

- ``secrets.check_psk`` keeps the universal rules; strongSwan's (swanctl quoting, 0x/0s) are
  ``secrets.swanctl_problem``, which the Linux platform's ``check_psk`` uses.
- The inventory checks each tunnel's key (global or the site's) with ``check_psk`` of BOTH ends'
  platforms: ``overlay.yaml: <field>: <where the key is>: the key <why> (platform <p> of <devices>)``,
  never quoting the key. Fake platforms (``platforms.register``) stand for the vendor rules.
- A key file group or others may read or write is refused as OpenSSH refuses such a private key,
  unless the reference says ``check_mode: false``.
"""
from __future__ import annotations

import pytest

from controller import cli, inventory, platforms, secrets
from controller.errors import InventoryError
from controller.platforms.base import Capabilities, Platform
from tests.conftest import TEST_PSK, edit_yaml, ipv4_only

CAPS = Capabilities(transforms=frozenset({"aes128gcm16"}), renders=True)


class FakeHelpKey(Platform):
    """A CLI that reads ``?`` as help and ends a word at a space."""

    def check_psk(self, key):
        if "?" in key:
            return "holds '?' (the fakehelp CLI reads it as the help key)"
        if " " in key:
            return "holds a space (the fakehelp CLI ends the key there)"
        return None


class FakeShort(Platform):
    def check_psk(self, key):
        return "is longer than 32 characters (fakeshort's limit)" if len(key) > 32 else None


class FakeLeaky(Platform):
    """A broken platform rule that quotes the key: the inventory must not pass it on."""

    def check_psk(self, key):
        return f"is not liked: {key}" if "leak" in key else None


@pytest.fixture
def fakes():
    for p in (FakeHelpKey("fakehelp", CAPS), FakeShort("fakeshort", CAPS), FakeLeaky("fakeleaky", CAPS)):
        platforms.register(p)
    yield
    for name in ("fakehelp", "fakeshort", "fakeleaky"):
        platforms.unregister(name)


def _key(inv, text, name="psk.txt", mode=0o600):
    path = inv / "secrets" / name
    path.write_text(text + "\n")
    path.chmod(mode)
    return path


def _on(inv, **where):
    ipv4_only(inv)  # the platform takes IPv4 only so far (issue 22)
    edit_yaml(inv / "hosts.yaml", {f"{d}.platform": p for d, p in where.items()})


def _problems(inv) -> list[str]:
    with pytest.raises(InventoryError) as e:
        inventory.load(inv)
    return e.value.problems


# ----------------------------------------------------------------- universal rules

UNIVERSAL_REFUSED = [
    ("", "is empty"),
    ("short-key", "is shorter than 16 characters"),
    ("k" * 1025, "is longer than 1024 characters"),
    ("%{psk:0123456789ab}", "looks like a grectl placeholder"),
    ("abcdefgh%{ijklmnop", "looks like a grectl placeholder"),
] + [(f"abcdefgh{c}ijklmnop", "holds a non-printable character at position 9")
     for c in ("\n", "\r", "\r\n", "\x00", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\t", "\x1b",
               "\x7f", "\u200b", "\ufeff", "\x1c")]


@pytest.mark.parametrize("key,why", UNIVERSAL_REFUSED, ids=[repr(k[:20]) for k, _ in UNIVERSAL_REFUSED])
def test_universal_rules(key, why):
    assert why in secrets.check_psk(key)


# what only some platforms refuse: the universal check takes it
PLATFORM_ONLY = ['abcdefgh"ijklmnop', "abcdefgh\\ijklmnop", "0x00112233445566778899", "0s" + "Q" * 20,
                 "abcdefgh?ijklmnop", "abcdefgh ijklmnop", "abcdefgh'ijklmnop", "abcdefgh`id`ijkl",
                 "abcdefgh$(reboot)ij", "abcdefgh;ijklmnop", "abcdefgh!ijklmnop", "abcdefgh#ijklmnop",
                 "abcdefgh]]>]]>ijkl", "abcdefgh&amp;ijklm", "abcdefgh</key>ijkl", "6 abcdefghijklmnop",
                 "鍵鍵鍵鍵鍵鍵鍵鍵鍵鍵鍵鍵鍵鍵鍵鍵", "k" * 1024]


@pytest.mark.parametrize("key", PLATFORM_ONLY, ids=[repr(k[:20]) for k in PLATFORM_ONLY])
def test_universal_rules_leave_platform_rules_to_platforms(key):
    assert secrets.check_psk(key) is None


# ----------------------------------------------------------------- strongSwan (Linux, VyOS)

SWANCTL = [
    ('abcdefgh"ijklmnop', "holds a double quote"),
    ('"abcdefghijklmnop', "holds a double quote"),
    ("abcdefgh\\ijklmnop", "holds a backslash"),
    ("abcdefghijklmnop\\", "holds a backslash"),
    ("0x00112233445566778899", "starts with '0x' (strongSwan would decode it as hex)"),
    ("0X00112233445566778899", "starts with '0X' (strongSwan would decode it as hex)"),
    ("0sQUJDREVGR0hJSktMTU5PUFFS", "starts with '0s' (strongSwan would decode it as base64)"),
    ("0SQUJDREVGR0hJSktMTU5PUFFS", "starts with '0S' (strongSwan would decode it as base64)"),
]
SWANCTL_OK = ["abcdefgh'ijklmnop", "abcdefgh?ijklmnop", "abcdefgh ijklmnop", "abcdefgh$(id)ijkl",
              "abcdefgh`id`ijklm", "abcdefgh;ijklmnop", "abcdefgh#ijklmnop", "10x0011223344556677",
              "x0011223344556677", "鍵鍵鍵鍵鍵鍵鍵鍵鍵鍵鍵鍵鍵鍵鍵鍵"]


@pytest.mark.parametrize("key,why", SWANCTL, ids=[k for k, _ in SWANCTL])
def test_swanctl_rules_and_linux_uses_them(key, why):
    assert why in secrets.swanctl_problem(key)
    assert platforms.get("linux").check_psk(key) == secrets.swanctl_problem(key)
    assert key not in secrets.swanctl_problem(key)


@pytest.mark.parametrize("key", SWANCTL_OK)
def test_swanctl_takes_the_rest(key):
    assert secrets.swanctl_problem(key) is None
    assert platforms.get("linux").check_psk(key) is None


# ----------------------------------------------------------------- both ends of each tunnel

def test_key_checked_on_a_site_platform(inv, fakes):
    _on(inv, osaka="fakehelp")
    path = _key(inv, "abcdefgh?ijklmnopqr")
    problems = _problems(inv)
    assert problems == [f"{inv / 'overlay.yaml'}: psk: PSK file {path}: the key holds '?' (the fakehelp CLI "
                        "reads it as the help key) (platform fakehelp of 'osaka')"]


def test_key_checked_on_the_hub_platform(inv, fakes):
    _on(inv, tokyo="fakehelp")
    _key(inv, "abcdefgh ijklmnopqr")
    problems = _problems(inv)
    assert len(problems) == 1 and "(platform fakehelp of 'tokyo')" in problems[0], problems
    assert "the key holds a space" in problems[0]


def test_one_line_per_key_platform_and_rule_naming_devices(inv, fakes):
    _key(inv, 'abcdefgh"ijklmnopqr')
    problems = _problems(inv)
    assert len(problems) == 1, problems
    assert problems[0].endswith("the key holds a double quote (the swanctl config quotes the key) "
                                "(platform linux of 'tokyo', 'osaka', 'fukuoka')")


def test_a_rule_of_one_platform_does_not_bind_another(inv, fakes):
    """A double quote is strongSwan's problem: on platforms that take it, the key validates."""
    _on(inv, tokyo="fakehelp", osaka="fakeshort", fukuoka="fakehelp")
    _key(inv, 'abcdefgh"ijklmnopqr')
    assert inventory.load(inv).tunnels


def test_each_platform_of_a_tunnel_says_its_own_rule(inv, fakes):
    _on(inv, tokyo="fakehelp", osaka="fakeshort")
    _key(inv, "abcdefgh?ijklmnopqr" + "x" * 20)
    text = "\n".join(_problems(inv))
    assert "holds '?' (the fakehelp CLI reads it as the help key) (platform fakehelp of 'tokyo')" in text
    assert "is longer than 32 characters (fakeshort's limit) (platform fakeshort of 'osaka')" in text


def test_site_key_checked_on_its_tunnel_only(inv, fakes):
    _on(inv, fukuoka="fakeshort", osaka="fakehelp")
    path = _key(inv, "fukuoka-site-key-" + "y" * 30, name="fukuoka.txt")
    edit_yaml(inv / "overlay.yaml", {"sites.fukuoka.psk": {"file": "secrets/fukuoka.txt"}})
    problems = _problems(inv)
    assert problems == [f"{inv / 'overlay.yaml'}: sites.fukuoka.psk: PSK file {path}: the key is longer than 32 "
                        "characters (fakeshort's limit) (platform fakeshort of 'fukuoka')"]


def test_env_key_named_by_its_variable(inv, fakes, monkeypatch):
    _on(inv, osaka="fakehelp")
    monkeypatch.setenv("GRECTL_SAFE_CORE_ENV", "abcdefgh?ijklmnopqr")
    edit_yaml(inv / "overlay.yaml", {"psk": {"env": "GRECTL_SAFE_CORE_ENV"}})
    problems = _problems(inv)
    assert any("overlay.yaml: psk: environment variable GRECTL_SAFE_CORE_ENV: the key holds '?'" in p
               for p in problems), problems


def test_a_platform_rule_that_quotes_the_key_is_not_passed_on(inv, fakes):
    _on(inv, osaka="fakeleaky")
    key = "do-not-leak-this-key-0123"
    _key(inv, key)
    problems = _problems(inv)
    assert problems and all(key not in p and "leak-this" not in p for p in problems), problems
    assert "the key is read differently by this platform (platform fakeleaky of 'osaka')" in problems[0]


HOSTILE_KEYS = ["abcdefgh'; sudo reboot; echo 'pwned", "abcdefgh</key><injected>yes</injected><key>x",
                "abcdefgh]]>]]>ijklmnop", "abcdefgh&amp;ijklmnop", "6 abcdefghijklmnopqr",
                "abcdefgh?ijklmnop", "abcdefgh ijklmnop", "鍵鍵鍵鍵鍵鍵鍵鍵鍵鍵鍵鍵鍵鍵鍵鍵", 'abcdefgh"ijklmnop',
                "abcdefgh\\ijklmnop", "0x00112233445566778899", "abcdefgh$(reboot)ijk", "abcdefgh`id`ijklmn"]


@pytest.mark.parametrize("key", HOSTILE_KEYS, ids=[repr(k[:16]) for k in HOSTILE_KEYS])
def test_the_key_never_appears_in_any_output(inv, fakes, capsys, key):
    """Whatever the platform says of a key, neither the problem lines nor the CLI quote it."""
    _on(inv, osaka="fakehelp", fukuoka="fakeleaky")
    _key(inv, key)
    try:
        problems = inventory.load(inv) and []
    except InventoryError as e:
        problems = e.problems
    assert all(key not in p for p in problems)
    with pytest.raises(SystemExit):
        cli.main(["validate", "-i", str(inv), "--json"])
    out = capsys.readouterr()
    assert key not in out.out + out.err


# ----------------------------------------------------------------- file permissions

@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660, 0o620, 0o602, 0o666, 0o777, 0o610, 0o601,
                                  0o670, 0o607])
def test_open_key_file_refused_like_openssh(inv, mode):
    path = _key(inv, TEST_PSK, mode=mode)
    problems = _problems(inv)
    assert problems == [f"{inv / 'overlay.yaml'}: psk: PSK file {path}: permissions {mode:04o} for '{path}' "
                        "are too open: a key file must not be readable or writable by group or others "
                        "(chmod 600 it, or set check_mode: false beside file: to allow it)"]


@pytest.mark.parametrize("mode", [0o600, 0o400, 0o700, 0o500, 0o200])
def test_private_key_file_accepted(inv, mode):
    _key(inv, TEST_PSK, mode=mode)
    assert inventory.load(inv).tunnels


def test_symlink_judged_by_its_target(inv):
    target = inv / "secrets" / "real.txt"
    target.write_text(TEST_PSK + "\n")
    link = inv / "secrets" / "psk.txt"
    link.unlink()
    link.symlink_to(target)
    target.chmod(0o644)
    assert any("permissions 0644 for" in p and str(link) in p for p in _problems(inv))
    target.chmod(0o600)  # the link itself is 0777: only the target counts
    assert inventory.load(inv).tunnels


def test_site_key_file_too_open(inv):
    path = _key(inv, "fukuoka-site-key-0123456789", name="fukuoka.txt", mode=0o640)
    edit_yaml(inv / "overlay.yaml", {"sites.fukuoka.psk": {"file": "secrets/fukuoka.txt"}})
    assert any(p.startswith(f"{inv / 'overlay.yaml'}: sites.fukuoka.psk: PSK file {path}: permissions 0640")
               for p in _problems(inv))


def test_opt_out(inv):
    _key(inv, TEST_PSK, mode=0o644)
    edit_yaml(inv / "overlay.yaml", {"psk": {"file": "secrets/psk.txt", "check_mode": False}})
    assert inventory.load(inv).tunnels
    assert inventory.psks(inventory.load(inv))["osaka"] == TEST_PSK


@pytest.mark.parametrize("value", ["no", "false", 0, None, "False\n"])
def test_opt_out_takes_only_a_boolean(inv, value):
    edit_yaml(inv / "overlay.yaml", {"psk": {"file": "secrets/psk.txt", "check_mode": value}})
    assert any("overlay.yaml: psk.check_mode:" in p for p in _problems(inv))


def test_env_key_has_no_mode(inv, monkeypatch):
    monkeypatch.setenv("GRECTL_SAFE_CORE_ENV", TEST_PSK)
    edit_yaml(inv / "overlay.yaml", {"psk": {"env": "GRECTL_SAFE_CORE_ENV"}})
    assert inventory.load(inv).tunnels


def test_psks_refuses_a_file_opened_after_load(inv):
    """Device I/O reads keys again (inventory.psks): a file opened up since validate is refused there too."""
    path = _key(inv, TEST_PSK)
    ov = inventory.load(inv)
    path.chmod(0o644)
    with pytest.raises(InventoryError, match="permissions 0644"):
        inventory.psks(ov)


def test_cli_validate_says_it_once_exit_1(inv, capsys):
    path = _key(inv, TEST_PSK, mode=0o644)
    with pytest.raises(SystemExit) as e:
        cli.main(["validate", "-i", str(inv)])
    out = capsys.readouterr()
    assert e.value.code == 1
    assert f"permissions 0644 for '{path}' are too open" in out.err
    assert "Traceback" not in out.out + out.err and TEST_PSK not in out.out + out.err



BREAKS = ["\n", "\r", "\r\n", "\x00", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\t", "\x1b", "\x7f"]


@pytest.mark.parametrize("source,brk", [
    pytest.param(source, brk, id=f"{source}-{brk!r}") for source in ("file", "env", "site-file") for brk in BREAKS
    if not (source == "env" and brk == "\x00")])  # an environment variable cannot hold NUL
def test_key_with_a_break_inside_refused_at_its_field(inv, monkeypatch, capsys, brk, source):
    key = f"abcdefgh{brk}ijklmnopqr"
    if source == "env":
        monkeypatch.setenv("GRECTL_SAFE_CORE_ENV", key)
        edit_yaml(inv / "overlay.yaml", {"psk": {"env": "GRECTL_SAFE_CORE_ENV"}})
        field, where = "psk", "environment variable GRECTL_SAFE_CORE_ENV"
    elif source == "file":
        (inv / "secrets" / "psk.txt").write_bytes(key.encode() + b"\n")
        field, where = "psk", f"PSK file {inv / 'secrets' / 'psk.txt'}"
    else:
        path = inv / "secrets" / "osaka.txt"
        path.write_bytes(key.encode() + b"\n")
        path.chmod(0o600)
        edit_yaml(inv / "overlay.yaml", {"sites.osaka.psk": {"file": "secrets/osaka.txt"}})
        field, where = "sites.osaka.psk", f"PSK file {path}"
    problems = _problems(inv)
    assert f"{inv / 'overlay.yaml'}: {field}: {where}: the key holds a non-printable character at position 9" \
        in problems, problems
    assert all("ijklmnopqr" not in p for p in problems)
    with pytest.raises(SystemExit) as e:
        cli.main(["validate", "-i", str(inv)])
    out = capsys.readouterr()
    assert e.value.code == 1 and "ijklmnopqr" not in out.out + out.err and "Traceback" not in out.err
