"""`grectl validate --yang DIR` on a hostile or broken DIR: one clear line, exit 1, never a traceback,
never a hang, never a file's content from outside DIR (the inventory's PSK file is the secret)."""
import os
import shutil
import signal

import pytest

from controller import cli
from tests.conftest import TEST_PSK, copy_inventory
from tests.unit.platforms.iosxe.conftest import add_iosxe_site, libyang_dir, need_libyang

MODULES = ("Cisco-IOS-XE-native", "Cisco-IOS-XE-tunnel", "Cisco-IOS-XE-crypto", "Cisco-IOS-XE-ospf")


def fake_modules(t, *skip):
    d = t / "yang"
    d.mkdir()
    for m in MODULES:
        if m not in skip:
            (d / f"{m}.yang").write_text(f"module {m} {{ }}\n")
    return d


def secret(t):
    return t / "inv" / "secrets" / "psk.txt"


def case_missing(t):
    return t / "nope", "YANG directory not found"


def case_a_file(t):
    (t / "f").write_text("x")
    return t / "f", "not a directory"


def case_empty(t):
    (t / "e").mkdir()
    return t / "e", "no Cisco-IOS-XE-native.yang"


def case_no_yang_files(t):
    (t / "e").mkdir()
    (t / "e" / "README.md").write_text("models")
    return t / "e", "no Cisco-IOS-XE-native.yang"


def case_modules_missing(t):
    return fake_modules(t, "Cisco-IOS-XE-ospf", "Cisco-IOS-XE-crypto"), "missing Cisco-IOS-XE-crypto"


def case_native_missing(t):
    return fake_modules(t, "Cisco-IOS-XE-native"), "no Cisco-IOS-XE-native.yang"


def case_native_symlink_to_secret(t):
    d = fake_modules(t, "Cisco-IOS-XE-native")
    (d / "Cisco-IOS-XE-native.yang").symlink_to(secret(t))
    return d, "leaves"


def case_extra_module_symlink_to_secret(t):
    d = fake_modules(t)
    (d / "extra.yang").symlink_to(secret(t))
    return d, "leaves"


def case_module_symlink_dotdot(t):
    d = fake_modules(t)
    (d / "up.yang").symlink_to("../inv/secrets/psk.txt")
    return d, "leaves"


def case_module_symlink_loop(t):
    d = fake_modules(t)
    (d / "loop.yang").symlink_to(d / "loop.yang")
    return d, "symlink loop"


def case_module_dangling_symlink(t):
    d = fake_modules(t)
    (d / "gone.yang").symlink_to(d / "nowhere")
    return d, "not found"


def case_module_fifo(t):
    d = fake_modules(t)
    os.mkfifo(d / "fifo.yang")
    return d, "not a regular file (a FIFO)"


def case_module_directory(t):
    d = fake_modules(t)
    (d / "sub.yang").mkdir()
    return d, "not a regular file (a directory)"


def case_module_dev_zero(t):
    d = fake_modules(t)
    (d / "zero.yang").symlink_to("/dev/zero")
    return d, "leaves"


def case_module_binary(t):
    d = fake_modules(t)
    (d / "bin.yang").write_bytes(b"\x7fELF\x00\x00\x01")
    return d, "binary data"


def case_module_not_utf8(t):
    d = fake_modules(t)
    (d / "latin.yang").write_bytes(b"module latin { description \"caf\xe9\"; }")
    return d, "not UTF-8"


def case_module_over_cap(t):
    d = fake_modules(t)
    with open(d / "big.yang", "wb") as f:
        f.truncate(16 * 1024 * 1024 + 1)
    return d, "over the 16 MiB limit"


def case_dir_symlink_loop(t):
    (t / "loop").symlink_to(t / "loop")
    return t / "loop", "symlink loop"


def case_dir_newline_name(t):
    return t / "a\nb", "not found"


CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}


@pytest.fixture(scope="module")
def xe_inventory(tmp_path_factory):
    return add_iosxe_site(copy_inventory(tmp_path_factory.mktemp("xe")))


def run(argv, capsys, timeout=120):
    def hung(signum, frame):
        raise AssertionError("validate --yang hung")
    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(timeout)
    try:
        with pytest.raises(SystemExit) as e:
            cli.main(argv)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    c = capsys.readouterr()
    return e.value.code, c.out, c.err


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_yang_dir_is_one_clear_line(tmp_path, capsys, xe_inventory, name):
    shutil.copytree(xe_inventory, tmp_path / "inv")
    where, says = CASES[name](tmp_path)
    code, out, err = run(["validate", "-i", str(tmp_path / "inv"), "--yang", str(where)], capsys)
    assert code == 1, out + err
    assert "Traceback" not in out + err and "internal error" not in out + err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert says in lines[0], lines[0]
    assert TEST_PSK not in out + err


def test_a_bad_yang_dir_is_refused_even_without_iosxe_devices(tmp_path, capsys):
    inv = copy_inventory(tmp_path / "inv")
    code, out, err = run(["validate", "-i", str(inv), "--yang", str(tmp_path / "nope")], capsys)
    assert code == 1 and "YANG directory not found" in err and "Traceback" not in err


def test_yanglint_missing_is_one_clear_line(tmp_path, capsys, xe_inventory, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    code, out, err = run(["validate", "-i", str(xe_inventory), "--yang", str(fake_modules(tmp_path))], capsys)
    assert code == 1
    assert [ln for ln in err.splitlines() if ln.strip()] == [
        "error: yanglint not found: install Debian's libyang2-tools (scripts/install-system.sh)"]


# with yanglint and Cisco's modules: broken modules inside DIR are yanglint's problems, masked

def _copy_models(t):
    need_libyang()
    d = t / "yang"
    shutil.copytree(libyang_dir(), d)
    for f in d.iterdir():
        f.chmod(0o644)
    return d


BROKEN = {
    "psk_as_a_module": lambda d, t: (d / "Cisco-IOS-XE-ospf.yang").write_text(secret(t).read_text()),
    "psk_inside_a_module": lambda d, t: (d / "Cisco-IOS-XE-ospf.yang").write_text(
        "module Cisco-IOS-XE-ospf { " + secret(t).read_text().strip() + " }"),
    "truncated_native": lambda d, t: (d / "Cisco-IOS-XE-native.yang").write_text(
        (d / "Cisco-IOS-XE-native.yang").read_text()[:5000]),
    "empty_tunnel_module": lambda d, t: (d / "Cisco-IOS-XE-tunnel.yang").write_text(""),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_module_inside_dir_is_an_error_without_the_key(tmp_path, capsys, xe_inventory, name):
    shutil.copytree(xe_inventory, tmp_path / "inv")
    d = _copy_models(tmp_path)
    BROKEN[name](d, tmp_path)
    code, out, err = run(["validate", "-i", str(tmp_path / "inv"), "--yang", str(d)], capsys, timeout=300)
    assert code == 1, out + err
    assert "Traceback" not in out + err and "internal error" not in out + err
    assert TEST_PSK not in out + err
    assert "grectl-yang-models-" not in out + err  # the private copy is named as DIR
