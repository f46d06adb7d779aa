"""Installs from the lock: the lock files themselves, the Makefile and Dockerfile using them, and
the image's install script run for real into a temporary venv (a wheel of this checkout)."""
import re
import subprocess
import sys
import tomllib

import pytest
from packaging.requirements import Requirement

from tests.conftest import ROOT

LOCKS = ("requirements.lock", "requirements-test.lock")


def pins(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text()
    return {m.group(1).lower(): m.group(2) for m in re.finditer(r"(?m)^([A-Za-z0-9_.-]+)==(\S+) \\$", text)}


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@pytest.mark.parametrize("lock", LOCKS)
def test_lock_pins_every_declared_dependency_within_its_bounds(lock):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = list(project["dependencies"])
    if lock == "requirements-test.lock":
        declared += project["optional-dependencies"]["test"]
    locked = {norm(k): v for k, v in pins(lock).items()}
    for spec in map(Requirement, declared):
        assert norm(spec.name) in locked, f"{lock} lacks {spec.name}"
        assert spec.specifier.contains(locked[norm(spec.name)]), f"{lock}: {spec.name} {locked[norm(spec.name)]} " \
                                                                  f"outside {spec.specifier}"


@pytest.mark.parametrize("lock", LOCKS)
def test_lock_has_hashes_and_no_index(lock):
    text = (ROOT / lock).read_text()
    blocks = re.findall(r"(?m)^[A-Za-z0-9_.-]+==\S+ \\\n(?:    --hash=sha256:[0-9a-f]{64}(?: \\)?\n)+", text)
    assert len(blocks) == len(pins(lock)) > 20   # every pin has its hashes
    for word in ("--index-url", "--extra-index-url", "--find-links", "file://", "-e "):
        assert word not in text


def test_runtime_and_test_locks_agree():
    run, test = pins("requirements.lock"), pins("requirements-test.lock")
    assert {k: test.get(k) for k in run} == run
    assert "pytest" in test and "pytest" not in run


def test_make_and_dockerfile_install_through_the_script():
    make = (ROOT / "Makefile").read_text()
    assert "scripts/install-python.sh $(VENV) requirements-test.lock" in make
    assert re.search(r"(?m)^lock:", make) and "pip-compile" in make
    assert "pip install -q -e" not in make   # nothing resolved outside the lock
    docker = (ROOT / "Dockerfile").read_text()
    assert "scripts/install-python.sh /opt/grectl requirements.lock" in docker
    assert len(re.findall(r"(?m)^FROM ", docker)) == 2                 # build stage + runtime stage
    user = re.findall(r"(?m)^USER (\S+)", docker)
    assert user and user[-1].split(":")[0] not in ("root", "0")
    assert re.search(r'(?m)^ENTRYPOINT \["grectl"\]$', docker)
    assert "libyang2-tools" in docker and "openssh-client" in docker
    script = (ROOT / "scripts" / "install-python.sh").read_text()
    assert "--require-hashes" in script and "--no-deps" in script


def test_the_image_install_script_in_a_venv(tmp_path):
    """What the Dockerfile's build stage runs: a wheel, the lock, the script; then grectl from the
    venv, away from the checkout, validates the example inventory (templates shipped in the wheel)."""
    wheels = tmp_path / "wheels"
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(ROOT)],
                       capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-2000:]
    wheel = next(wheels.glob("grectl-*.whl"))
    venv = tmp_path / "venv"
    r = subprocess.run(["bash", str(ROOT / "scripts" / "install-python.sh"), str(venv),
                        str(ROOT / "requirements.lock"), str(wheel)],
                       capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    frozen = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "freeze"], capture_output=True,
                            text=True, timeout=120).stdout
    got = {norm(k): v for k, v in re.findall(r"(?m)^([A-Za-z0-9_.-]+)==(\S+)$", frozen)}
    want = {norm(k): v for k, v in pins("requirements.lock").items()}
    assert {k: got.get(k) for k in want} == want
    assert set(got) - set(want) <= {"grectl", "pip", "setuptools", "wheel"}
    from tests.conftest import copy_inventory
    inv = copy_inventory(tmp_path)
    env = {"PATH": "/usr/bin:/bin", "COLUMNS": "120", "HOME": str(tmp_path)}
    v = subprocess.run([str(venv / "bin" / "grectl"), "--version"], capture_output=True, text=True,
                       timeout=60, cwd=tmp_path, env=env)
    assert v.returncode == 0 and re.fullmatch(r"grectl \d+\.\d+\.\d+\S*\n", v.stdout), v.stdout + v.stderr
    ok = subprocess.run([str(venv / "bin" / "grectl"), "validate", "-i", str(inv)], capture_output=True,
                        text=True, timeout=120, cwd=tmp_path, env=env)
    assert ok.returncode == 0 and "valid (3 devices" in ok.stdout, ok.stdout + ok.stderr
