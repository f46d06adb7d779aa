"""`grectl validate --yang DIR`."""
from typer.testing import CliRunner

from controller import cli

from .conftest import libyang_dir, need_libyang


def test_validate_yang_option(xe_inv, tmp_path):
    runner = CliRunner()
    r = runner.invoke(cli.app, ["validate", "-i", str(xe_inv)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli.app, ["validate", "-i", str(xe_inv), "--yang", str(tmp_path)])
    assert r.exit_code == 1 and "no Cisco-IOS-XE-native.yang" in r.output
    need_libyang()
    r = runner.invoke(cli.app, ["validate", "-i", str(xe_inv), "--yang", str(libyang_dir())])
    assert r.exit_code == 0, r.output
    assert "rendered configs accepted by YANG" in r.output
