"""Nornir set-up shared by deploy and verify: one Nornir over the inventory, with
napalm connection options filled in at run time (lab key, known_hosts, PSKs)."""
from __future__ import annotations

import os
from pathlib import Path

from nornir import InitNornir
from nornir.core import Nornir
from nornir.core.inventory import ConnectionOptions

from controller import platforms, secrets
from controller.errors import GrectlError, shown
from controller.models import Overlay


def lab_state_dir(overlay: Overlay) -> Path:
    from controller.lab.runtime import default_state_dir
    return Path(os.environ.get("GRECTL_LAB_DIR") or default_state_dir(overlay.intent.lab.name))


def ssh_options(overlay: Overlay) -> dict:
    """SSH settings: the lab's key and known_hosts when this inventory's lab exists, else the environment."""
    state = lab_state_dir(overlay)
    if (state / "lab.json").exists():
        from controller.lab import ssh_settings
        return ssh_settings(state)
    return {k: v for k, v in (("key_file", os.environ.get("GRECTL_SSH_KEY")),
                              ("known_hosts", os.environ.get("GRECTL_KNOWN_HOSTS"))) if v}


class SettingError(GrectlError):
    """An environment setting grectl reads is not usable."""


def env_number(name: str, default: float, kind=float, low: float = 0, high: float = 86400):
    """A number from the environment, checked: a bad value is a clear error naming the variable.

    >>> env_number("GRECTL_TEST_UNSET_X", 3, int)
    3
    """
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = kind(raw.strip())
    except ValueError:
        value = None
    if value is None or value != value or not low <= value <= high:
        raise SettingError(f"environment variable {name}: {shown(raw)} is not "
                           f"{'a whole number' if kind is int else 'a number'} from {low:g} to {high:g}")
    return value


def connection_policy() -> dict:
    """How drivers connect (grectl's own drivers honour these): retries with backoff on transient failures
    only, and at most this many SSH handshakes at once, whatever --workers is; a device waiting
    for its turn is not timing out. Environment: GRECTL_SSH_RETRIES (3), GRECTL_SSH_BACKOFF (1.0 s),
    GRECTL_SSH_CONNECTING (8), GRECTL_SSH_TIMEOUT (20 s, per attempt),
    GRECTL_SSH_COMMAND_TIMEOUT (600 s, per command)."""
    return {"conn_retries": env_number("GRECTL_SSH_RETRIES", 3, int, 0, 20),
            "conn_backoff": env_number("GRECTL_SSH_BACKOFF", 1.0, float, 0, 300),
            "max_connecting": env_number("GRECTL_SSH_CONNECTING", 8, int, 1, 1000),
            "command_timeout": env_number("GRECTL_SSH_COMMAND_TIMEOUT", 600.0, float, 1, 86400)}


def connect_timeout() -> float:
    return env_number("GRECTL_SSH_TIMEOUT", 20.0, float, 0.1, 3600)


def make_nornir(overlay: Overlay, workers: int = 20, keys: dict[str, str] | None = None) -> Nornir:
    """One Nornir over the inventory; ``keys`` (site -> PSK, read once by the caller) lets drivers
    put real keys in place of placeholders when they write a device."""
    policy, timeout = connection_policy(), connect_timeout()  # checked before anything else happens
    inv = Path(overlay.inventory_dir)
    opts = {"host_file": str(inv / "hosts.yaml"), "group_file": str(inv / "groups.yaml"),
            "defaults_file": str(inv / "defaults.yaml")}
    nr = InitNornir(runner={"plugin": "threaded", "options": {"num_workers": workers}},
                    inventory={"plugin": "SimpleInventory", "options": opts},
                    logging={"enabled": False})
    ssh = ssh_options(overlay)
    optional = {k: ssh[k] for k in ("key_file", "known_hosts") if k in ssh}
    optional.update(policy)
    by_fp = {secrets.fingerprint(k): k for k in (keys or {}).values()}
    for name, host in nr.inventory.hosts.items():
        if name not in overlay.devices:
            continue
        caps = platforms.get(overlay.devices[name].platform).caps
        if caps.napalm_driver:
            args = dict(optional, **({"secrets": by_fp} if by_fp and caps.driver_unmasks else {}))
            host.connection_options["napalm"] = ConnectionOptions(  # keys only to drivers that swap them
                platform=caps.napalm_driver, username=ssh.get("username") or host.username,
                extras={"optional_args": args, "timeout": timeout})
        if caps.netmiko_device_type:
            host.connection_options["netmiko"] = ConnectionOptions(platform=caps.netmiko_device_type)
    return nr.filter(filter_func=lambda h: h.name in overlay.devices)


def error_text(exc: BaseException | None, fallback: str = "failed") -> str:
    if exc is None:
        return fallback
    return platforms.mask_any(f"{exc.__class__.__name__}: {exc}".strip())[:500]


def run_on(nr, names: list[str], task, **kw) -> dict[str, tuple[bool, object, BaseException | None]]:
    """Run a task on some hosts; host -> (failed, result, exception)."""
    if not names:
        return {}
    agg = nr.filter(filter_func=lambda h: h.name in names).run(task=task, **kw)
    out = {}
    for name, multi in agg.items():
        # the innermost failure (a subtask's), not the parent's "Subtask: ... (failed)"
        exc = next((r.exception for r in reversed(multi) if r.exception is not None), None)
        out[name] = (multi.failed, None if multi.failed else multi[0], exc)
    return out


def for_driver(plat, text: str, keys: dict[str, str]) -> str:
    """The text a platform's driver loads: placeholders stay for drivers that swap them themselves
    (grectl's own); the others get the keys, on the way in only."""
    if plat.caps.driver_unmasks:
        return text
    return secrets.unmask(text, {secrets.fingerprint(k): k for k in keys.values()})


def load_planned(conn, plat, text: str, replace: bool, keys: dict[str, str]) -> bool:
    """Load what a platform planned; True when the device then differs (else discarded)."""
    if not replace and not text.strip():
        return False
    text = for_driver(plat, text, keys)
    (conn.load_replace_candidate if replace else conn.load_merge_candidate)(config=text)
    if conn.compare_config():
        return True
    conn.discard_config()
    return False


def commit_confirmed(host, config, conn, confirm_timeout: int) -> None:
    """Commit with a self-rollback timer, then confirm only once the device is reached again on a
    fresh session (proof that management still works after the change)."""
    conn.commit_config(revert_in=confirm_timeout)
    host.close_connection("napalm")
    host.get_connection("napalm", config).confirm_commit()
