"""render --show-secrets --out: files are 0600 from creation, in a 0700 directory, and no symlink is followed."""
import os
import stat

import pytest

from controller import cli, render
from controller.errors import GrectlError
from tests.conftest import TEST_PSK


def _render(capsys, inv, out, *extra):
    with pytest.raises(SystemExit) as e:
        cli.main(["render", "--show-secrets", "--out", str(out), "-i", str(inv), *extra])
    c = capsys.readouterr()
    return e.value.code, c.out + c.err


def _mode(p):
    return stat.S_IMODE(os.lstat(p).st_mode)


def test_files_0600_dir_0700(inv, tmp_path, capsys):
    out = tmp_path / "new" / "configs"
    rc, text = _render(capsys, inv, out)
    assert rc == 0, text
    assert _mode(out) == 0o700
    files = sorted(out.iterdir())
    assert [f.name for f in files] == ["fukuoka.conf", "osaka.conf", "tokyo.conf"]
    assert all(_mode(f) == 0o600 for f in files)
    assert TEST_PSK in (out / "tokyo.conf").read_text()


def test_mode_is_0600_at_creation_not_after(inv, tmp_path, monkeypatch, capsys):
    """Every file descriptor the writer opens for a config is already 0600 when it exists."""
    real_open, seen = os.open, []

    def spy(path, flags, mode=0o777, *, dir_fd=None):
        fd = real_open(path, flags, mode, dir_fd=dir_fd)
        if flags & os.O_CREAT:
            seen.append((str(path), stat.S_IMODE(os.fstat(fd).st_mode), bool(flags & os.O_EXCL)))
        return fd

    monkeypatch.setattr(os, "open", spy)
    monkeypatch.setattr(os, "umask", os.umask)
    old = os.umask(0)  # a permissive umask must not widen anything
    try:
        rc, text = _render(capsys, inv, tmp_path / "o")
    finally:
        os.umask(old)
    assert rc == 0, text
    assert len(seen) == 3 and all(mode == 0o600 and excl for _, mode, excl in seen), seen


def test_existing_symlink_is_replaced_not_followed(inv, tmp_path, capsys):
    out = tmp_path / "o"
    out.mkdir(mode=0o700)
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched\n")
    (out / "tokyo.conf").symlink_to(victim)
    rc, text = _render(capsys, inv, out)
    assert rc == 0, text
    assert victim.read_text() == "untouched\n"
    assert not (out / "tokyo.conf").is_symlink() and _mode(out / "tokyo.conf") == 0o600


def test_existing_wider_file_becomes_0600(inv, tmp_path, capsys):
    out = tmp_path / "o"
    out.mkdir(mode=0o700)
    (out / "osaka.conf").write_text("old\n")
    (out / "osaka.conf").chmod(0o644)
    assert _render(capsys, inv, out)[0] == 0
    assert _mode(out / "osaka.conf") == 0o600 and TEST_PSK in (out / "osaka.conf").read_text()


def test_out_dir_symlink_refused_with_secrets(inv, tmp_path, capsys):
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    (tmp_path / "link").symlink_to(real)
    rc, text = _render(capsys, inv, tmp_path / "link")
    assert rc == 1 and "is a symlink" in text and "Traceback" not in text
    assert list(real.iterdir()) == []


def test_shared_out_dir_refused_with_secrets(inv, tmp_path, capsys):
    out = tmp_path / "shared"
    out.mkdir()
    out.chmod(0o755)
    rc, text = _render(capsys, inv, out)
    assert rc == 1 and "directory mode is 0755" in text and "Traceback" not in text
    assert list(out.iterdir()) == []


def test_out_is_a_file(inv, tmp_path, capsys):
    (tmp_path / "f").write_text("x")
    rc, text = _render(capsys, inv, tmp_path / "f")
    assert rc == 1 and "Traceback" not in text and str(tmp_path / "f") in text


def test_masked_render_holds_no_key(inv, tmp_path):
    from controller import inventory
    configs = render.render_all(inventory.load(inv))
    paths = render.write(configs, tmp_path / "m")
    assert all(TEST_PSK not in p.read_text() for p in paths)
    assert all(_mode(p) == 0o644 & ~_umask() for p in paths)


def _umask() -> int:
    old = os.umask(0)
    os.umask(old)
    return old


def test_write_errors_are_grectl_errors(tmp_path):
    with pytest.raises(GrectlError):
        render.write({"x": "y"}, tmp_path / "no" / "\0bad", secret=True)
