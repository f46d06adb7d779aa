"""The shipped unit runs unprivileged and sandboxed: systemd's own rating (systemd-analyze security,
offline) is at most 4.0, and the key and known_hosts paths are set."""
import re
import shutil
import subprocess

import pytest

from tests.unit.test_watch_files import UNITS, unit

SERVICE = UNITS / "grectl-watch.service"


def exposure() -> float:
    r = subprocess.run(["systemd-analyze", "security", "--offline=true", "--no-pager", str(SERVICE)],
                       capture_output=True, text=True, timeout=60)
    m = re.search(r"Overall exposure level for grectl-watch\.service: (\d+\.\d+)", r.stdout)
    if m is None and "offline" in r.stderr:
        pytest.skip(f"this systemd-analyze has no --offline: {r.stderr.strip()[:200]}")
    assert m, r.stdout[-2000:] + r.stderr[-2000:]
    return float(m.group(1))


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
def test_systemd_security_exposure_is_at_most_4():
    level = exposure()
    print(f"systemd-analyze security grectl-watch.service: {level}")
    assert level <= 4.0


def test_unit_runs_as_an_unprivileged_user_with_its_key_and_known_hosts():
    svc = unit("grectl-watch.service")["Service"]
    assert svc.get("User") not in (None, "", "root", "0") or svc.get("DynamicUser") == "yes"
    sysusers = (UNITS / "grectl.sysusers").read_text()
    assert re.search(rf"(?m)^u {re.escape(svc['User'])} ", sysusers)
    for key, want in (("NoNewPrivileges", "yes"), ("ProtectSystem", "strict"), ("PrivateTmp", "yes"),
                      ("CapabilityBoundingSet", ""), ("ProtectHome", "yes")):
        assert svc.get(key) == want, key
    env = dict(line.removeprefix("Environment=").split("=", 1) for line in SERVICE.read_text().splitlines()
               if line.startswith("Environment="))
    assert env["GRECTL_SSH_KEY"] == "%d/ssh-key"
    assert svc["LoadCredential"].startswith("ssh-key:/")
    assert env["GRECTL_KNOWN_HOSTS"].startswith("/etc/grectl/")
    assert "/var/lib/grectl" in env["GRECTL_STATE_DIR"] and svc["StateDirectory"].split()[0] == "grectl"
