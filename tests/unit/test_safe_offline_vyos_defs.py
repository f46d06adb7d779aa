"""`grectl validate --vyos-defs DIR` on a hostile definitions directory: one clear line, exit 1, never
a traceback or "internal error", never a hang, and never a file's content from outside DIR (the
inventory's PSK file is the secret that must not show). Each case builds DIR in tmp_path."""
import os
import signal

import pytest

from controller import cli
from tests.conftest import TEST_PSK
from tests.unit.platforms.mixed import mixed_inventory

GOOD = '''<?xml version="1.0"?>
<interfaceDefinition><node name="interfaces"><children>
<tagNode name="tunnel"><properties><constraint><regex>tun[0-9]+</regex></constraint></properties>
<children><leafNode name="mtu"><properties><constraint><validator name="numeric" argument="--range 68-16000"/>
</constraint></properties></leafNode>
#include <include/description.xml.i>
</children></tagNode></children></node></interfaceDefinition>
'''
DESCRIPTION = '<leafNode name="description"><properties><constraint><regex>.{0,255}</regex></constraint></properties></leafNode>\n'


def defs(tmp_path, main=GOOD, **includes):
    d = tmp_path / "defs"
    (d / "include").mkdir(parents=True, exist_ok=True)
    (d / "interfaces_tunnel.xml.in").write_text(main)
    (d / "include" / "description.xml.i").write_text(DESCRIPTION)
    for name, text in includes.items():
        (d / "include" / name.replace("__", ".")).write_text(text)
    return d


def leaf(constraint: str) -> str:
    return GOOD.replace('<validator name="numeric" argument="--range 68-16000"/>', constraint)


def secret_file(tmp_path):
    return tmp_path / "inv" / "secrets" / "psk.txt"


def case_missing(t):
    return t / "nope", "not found"


def case_a_file(t):
    (t / "f").write_text("x")
    return t / "f", "not a directory"


def case_empty_dir(t):
    (t / "empty").mkdir()
    return t / "empty", "no VyOS interface definitions"


def case_empty_interface_definitions(t):
    (t / "vyos-1x" / "interface-definitions").mkdir(parents=True)
    return t / "vyos-1x", "no VyOS interface definitions"


def case_only_other_files(t):
    (t / "d").mkdir()
    (t / "d" / "README").write_text("hello")
    return t / "d", "no VyOS interface definitions"


def case_truncated_xml(t):
    return defs(t, GOOD[:200]), "not well-formed XML"


def case_not_xml(t):
    return defs(t, "set interfaces tunnel tun0\n"), "not well-formed XML"


def case_binary(t):
    d = defs(t)
    (d / "interfaces_tunnel.xml.in").write_bytes(b"\x00\x01\x02\xff" * 100)
    return d, "binary data"


def case_not_utf8(t):
    d = defs(t)
    (d / "interfaces_tunnel.xml.in").write_bytes(GOOD.replace("tunnel", "tunn\xe9l").encode("latin-1"))
    return d, "not UTF-8"


def case_include_loop(t):
    return defs(t, description__xml__i='#include <include/a.xml.i>\n', a__xml__i='#include <include/description.xml.i>\n'), \
        "#include loop"


def case_self_include(t):
    return defs(t, description__xml__i='#include <include/description.xml.i>\n'), "#include loop"


def case_include_too_deep(t):
    inc = {f"d{i}__xml__i": f"#include <include/d{i + 1}.xml.i>\n" for i in range(30)}
    return defs(t, description__xml__i="#include <include/d0.xml.i>\n", **inc, d30__xml__i=DESCRIPTION), "nested over 20"


def case_include_bomb(t):
    inc = {f"b{i}__xml__i": f"#include <include/b{i + 1}.xml.i>\n" * 16 for i in range(12)}
    return defs(t, description__xml__i="#include <include/b0.xml.i>\n", **inc, b12__xml__i="x" * 64 + "\n"), \
        "MiB once its #include lines are expanded"


def case_include_missing(t):
    return defs(t, description__xml__i="#include <include/nowhere.xml.i>\n"), "not found"


def case_include_absolute_secret(t):
    return defs(t, description__xml__i=f"#include <{secret_file(t)}>\n"), "only a relative path"


def case_include_absolute_in_error_message(t):
    main = GOOD.replace("<regex>tun[0-9]+</regex></constraint>",
                        f"<regex>x</regex></constraint><constraintErrorMessage>\n#include <{secret_file(t)}>\n"
                        "</constraintErrorMessage>")
    return defs(t, main), "only a relative path"


def case_include_quoted_absolute(t):
    return defs(t, description__xml__i=f'#include "{secret_file(t)}"\n'), "only a relative path"


def case_include_dotdot(t):
    return defs(t, description__xml__i="#include <../inv/secrets/psk.txt>\n"), "leaves"


def case_include_etc_passwd(t):
    return defs(t, description__xml__i="#include </etc/passwd>\n"), "only a relative path"


def case_include_home(t):
    return defs(t, description__xml__i="#include <~/.ssh/id_rsa>\n"), "only a relative path"


def case_include_symlink_out(t):
    d = defs(t)
    (d / "include" / "description.xml.i").unlink()
    (d / "include" / "description.xml.i").symlink_to(secret_file(t))
    return d, "leaves"


def case_definition_symlink_out(t):
    d = defs(t)
    (d / "secret.xml.in").symlink_to(secret_file(t))
    return d, "leaves"


def case_symlink_loop(t):
    d = defs(t)
    (d / "a.xml.in").symlink_to(d / "b.xml.in")
    (d / "b.xml.in").symlink_to(d / "a.xml.in")
    return d, "symlink loop"


def case_include_symlink_loop(t):
    d = defs(t)
    (d / "include" / "description.xml.i").unlink()
    (d / "include" / "description.xml.i").symlink_to(d / "include" / "description.xml.i")
    return d, "symlink loop"


def case_dir_symlink_loop(t):
    (t / "loop").symlink_to(t / "loop")
    return t / "loop", "symlink loop"


def case_definition_fifo(t):
    d = defs(t)
    os.mkfifo(d / "fifo.xml.in")
    return d, "not a regular file (a FIFO)"


def case_include_fifo(t):
    d = defs(t)
    (d / "include" / "description.xml.i").unlink()
    os.mkfifo(d / "include" / "description.xml.i")
    return d, "not a regular file (a FIFO)"


def case_definition_directory(t):
    d = defs(t)
    (d / "dir.xml.in").mkdir()
    return d, "not a regular file (a directory)"


def case_include_dev_zero(t):
    d = defs(t)
    (d / "include" / "description.xml.i").unlink()
    (d / "include" / "description.xml.i").symlink_to("/dev/zero")
    return d, "leaves"


def case_over_size_cap(t):
    d = defs(t)
    with open(d / "big.xml.in", "wb") as f:
        f.truncate(16 * 1024 * 1024 + 1)
    return d, "over the 16 MiB limit"


def case_bad_regex(t):
    return defs(t, GOOD.replace("tun[0-9]+", "tun[0-9")), "does not compile"


def case_bad_regex_group(t):
    return defs(t, GOOD.replace("tun[0-9]+", "(?P&lt;x")), "does not compile"


def case_bad_regex_repeat(t):
    return defs(t, GOOD.replace("tun[0-9]+", "*tun")), "does not compile"


def case_catastrophic_regex(t):
    peer = ('<node name="vpn"><children><node name="ipsec"><children><node name="site-to-site"><children>'
            '<tagNode name="peer"><properties><constraint><regex>(.*.*.*.*.*.*.*.*)*Z</regex></constraint>'
            '</properties></tagNode></children></node></children></node></children></node>')
    return defs(t, GOOD.replace("</interfaceDefinition>", peer + "</interfaceDefinition>")), "catastrophic backtracking"


def case_range_words(t):
    return defs(t, leaf('<validator name="numeric" argument="--range 68-abc"/>')), "is not LOW-HIGH"


def case_range_one_number(t):
    return defs(t, leaf('<validator name="numeric" argument="--range 100"/>')), "is not LOW-HIGH"


def case_range_reversed(t):
    return defs(t, leaf('<validator name="numeric" argument="--range 9000-68"/>')), "is not LOW-HIGH"


def case_range_missing(t):
    return defs(t, leaf('<validator name="numeric" argument="--range"/>')), "is not LOW-HIGH"


def case_range_newline(t):
    return defs(t, leaf('<validator name="numeric" argument="--range 1-&#10;2"/>')), "is not LOW-HIGH"


def case_billion_laughs(t):
    ents = '<!ENTITY a "aaaaaaaaaa">' + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'
                                                for i in range(9))
    return defs(t, f'<?xml version="1.0"?><!DOCTYPE d [{ents}]>' + GOOD.split("?>", 1)[1].replace("tun[0-9]+", "&j;")), \
        "DOCTYPE or ENTITY"


def case_external_entity(t):
    return defs(t, f'<!DOCTYPE d [<!ENTITY s SYSTEM "file://{secret_file(t)}">]>'
                + GOOD.split("?>", 1)[1].replace("tun[0-9]+", "&s;")), "DOCTYPE or ENTITY"


def case_entity_in_include(t):
    return defs(t, description__xml__i='<!ENTITY x "y">\n'), "DOCTYPE or ENTITY"


def case_nodes_too_deep(t):
    deep = "".join(f'<node name="n{i}"><children>' for i in range(200)) + "".join("</children></node>" for _ in range(200))
    return defs(t, f"<interfaceDefinition>{deep}</interfaceDefinition>"), "nested over 64"


CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}
SECRET_LOOKING = [TEST_PSK, "root:x:0:0"]


@pytest.fixture(scope="module")
def inventory(tmp_path_factory):
    return mixed_inventory(tmp_path_factory.mktemp("mixed"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_definitions_directory_is_one_clear_line(tmp_path, capsys, inventory, name):
    import shutil
    shutil.copytree(inventory, tmp_path / "inv")
    where, says = CASES[name](tmp_path)

    def hung(signum, frame):
        raise AssertionError(f"validate --vyos-defs hung on {name}")
    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(60)
    try:
        with pytest.raises(SystemExit) as e:
            cli.main(["validate", "-i", str(tmp_path / "inv"), "--vyos-defs", str(where)])
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    c = capsys.readouterr()
    text = c.out + c.err
    assert e.value.code == 1, text
    assert "Traceback" not in text and "internal error" not in text, text
    lines = [ln for ln in c.err.splitlines() if ln.strip()]
    assert len(lines) == 1, c.err
    assert says in lines[0], lines[0]
    for secret in SECRET_LOOKING:
        assert secret not in text


def test_a_good_directory_still_judges_lines(tmp_path, capsys, inventory):
    with pytest.raises(SystemExit) as e:
        cli.main(["validate", "-i", str(inventory), "--vyos-defs", str(defs(tmp_path))])
    c = capsys.readouterr()
    assert e.value.code == 1  # the tiny tree lacks `vpn`: lines are judged, not crashed on
    assert "Path [] is incomplete" in c.err and "Traceback" not in c.err
