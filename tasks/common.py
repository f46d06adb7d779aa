"""Nornir set-up shared by deploy and verify: one Nornir over the inventory, with
napalm connection options filled in at run time (lab key, known_hosts, PSKs)."""
from __future__ import annotations

import os
from pathlib import Path

from nornir import InitNornir
from nornir.core import Nornir
from nornir.core.inventory import ConnectionOptions
from nornir.core.plugins.inventory import InventoryPluginRegister

from controller import nornir_view, paths, platforms, secrets
from controller.errors import GrectlError, InventoryError, shown
from controller.models import Overlay


def lab_state_dir(overlay: Overlay) -> Path:
    return paths.lab_state_dir(overlay.intent.lab.name)


def ssh_options(overlay: Overlay) -> dict:
    """SSH settings: the lab's key and known_hosts when this inventory's lab exists, else the environment."""
    state = lab_state_dir(overlay)
    if (state / "lab.json").exists():
        return paths.ssh_settings(state)
    return {k: v for k, v in (("key_file", os.environ.get("GRECTL_SSH_KEY")),
                              ("known_hosts", os.environ.get("GRECTL_KNOWN_HOSTS"))) if v}


class SettingError(GrectlError):
    """An environment setting grectl reads is not usable."""


# ------------------------------------------------------------------ host keys
HOST_KEY_POLICIES = ("strict", "accept-new")   # OpenSSH StrictHostKeyChecking=yes / =accept-new
DEFAULT_KNOWN_HOSTS = "~/.ssh/known_hosts"
# NAPALM drivers grectl opens through its own subclass (NAPALM's ios driver drops known_hosts
# on its way to netmiko, and does not retry): napalm_ios_grectl
DRIVER_FOR = {"ios": "ios_grectl"}


def path_problem(value) -> str | None:
    """Why ``value`` is not a usable known_hosts path, or None.

    >>> [path_problem(v) for v in ("/tmp/kh", "", "a\\nb", 3)]
    [None, 'is empty', 'holds a control character or line separator', 'must be a file path (text)']
    """
    if not isinstance(value, str):
        return "must be a file path (text)"
    if value == "":
        return "is empty"
    if not value.isprintable():
        return "holds a control character or line separator"
    if value != value.strip():
        return "starts or ends with a space"
    if len(value) > 4096:
        return "is longer than 4096 characters"
    p = Path(os.path.expanduser(value))
    if p.exists() and not p.is_file():
        return "is not a regular file"
    return None


def policy_problem(value) -> str | None:
    """
    >>> policy_problem("accept-new"), policy_problem("no"), policy_problem(True)
    (None, "is not one of strict, accept-new (got 'no')", 'is not one of strict, accept-new (got True)')
    """
    return None if isinstance(value, str) and value in HOST_KEY_POLICIES else \
        f"is not one of {', '.join(HOST_KEY_POLICIES)} (got {shown(value)})"


def yes_no(value) -> bool | None:
    """
    >>> yes_no(True), yes_no("no"), yes_no("maybe")
    (True, False, None)
    """
    if isinstance(value, bool):
        return value
    return {"yes": True, "no": False}.get(value) if isinstance(value, str) else None


def env_host_keys() -> dict:
    """GRECTL_KNOWN_HOSTS, GRECTL_HOST_KEY_POLICY, GRECTL_HASH_KNOWN_HOSTS, checked (unset: absent)."""
    out, problems = {}, []
    kh, pol, hsh = (os.environ.get(n) for n in ("GRECTL_KNOWN_HOSTS", "GRECTL_HOST_KEY_POLICY",
                                                 "GRECTL_HASH_KNOWN_HOSTS"))
    if kh is not None:
        why = path_problem(kh)
        problems += [f"environment variable GRECTL_KNOWN_HOSTS: {shown(kh)} {why}"] if why else []
        out["known_hosts"] = os.path.abspath(os.path.expanduser(kh))
    if pol is not None:
        why = policy_problem(pol)
        problems += [f"environment variable GRECTL_HOST_KEY_POLICY: {why}"] if why else []
        out["host_key_policy"] = pol
    if hsh is not None:
        if yes_no(hsh) is None:
            problems.append(f"environment variable GRECTL_HASH_KNOWN_HOSTS: {shown(hsh)} is not yes or no")
        out["hash_known_hosts"] = yes_no(hsh)
    if problems:
        raise SettingError("\n".join(problems))
    return out


def data_origin(inv: Path, host, key: str) -> str:
    """``<file>: <field.path>`` of the inventory entry that gives ``host`` its data ``key``, the
    way Nornir inherits it: the host, then its groups in order (depth first), then defaults."""
    if key in host.data:
        return f"{inv / 'hosts.yaml'}: {host.name}.data.{key}"

    def walk(groups, seen=frozenset()):
        for g in groups:
            if g.name in seen:
                continue
            if key in g.data:
                return f"{inv / 'groups.yaml'}: {g.name}.data.{key}"
            found = walk(g.groups, seen | {g.name})
            if found:
                return found
        return None
    return walk(host.groups) or f"{inv / 'defaults.yaml'}: data.{key}"


def host_key_options(overlay: Overlay, nr: Nornir, lab_known_hosts: str | None = None) -> dict[str, dict]:
    """Each device's known_hosts file, policy and hashing: the lab's own file for lab routers, else
    inventory data (``known_hosts``, ``host_key_policy``, ``hash_known_hosts``, inherited the Nornir
    way; a relative path is relative to the inventory), else the environment, else
    ``~/.ssh/known_hosts``, ``strict``, plain. Every bad value is reported (file and field, or the
    variable) before any device is contacted."""
    env = env_host_keys()
    inv = Path(overlay.inventory_dir)
    out, problems = {}, []
    for name, host in nr.inventory.hosts.items():
        if name not in overlay.devices:
            continue
        opts = {"known_hosts": os.path.abspath(os.path.expanduser(DEFAULT_KNOWN_HOSTS)),
                "host_key_policy": "strict", "hash_known_hosts": False}
        opts.update(env)
        data = {k: host.get(k) for k in ("known_hosts", "host_key_policy", "hash_known_hosts")}
        if data["known_hosts"] is not None:
            why = path_problem(data["known_hosts"])
            if why:
                problems.append(f"{data_origin(inv, host, 'known_hosts')}: {why}")
            else:
                opts["known_hosts"] = str(inv.absolute() / os.path.expanduser(data["known_hosts"]))
        if data["host_key_policy"] is not None:
            why = policy_problem(data["host_key_policy"])
            if why:
                problems.append(f"{data_origin(inv, host, 'host_key_policy')}: {why}")
            opts["host_key_policy"] = data["host_key_policy"]
        if data["hash_known_hosts"] is not None:
            if yes_no(data["hash_known_hosts"]) is None:
                problems.append(f"{data_origin(inv, host, 'hash_known_hosts')}: is not yes or no "
                                f"(got {shown(data['hash_known_hosts'])})")
            opts["hash_known_hosts"] = yes_no(data["hash_known_hosts"])
        if lab_known_hosts:
            opts["known_hosts"] = lab_known_hosts
        opts["device"] = name
        out[name] = opts
    if problems:
        raise InventoryError(sorted(set(problems)))
    return out


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
    """How drivers connect (every transport: linux_frr, ios, vyos, huawei_vrp, iosxe NETCONF and its
    CLI): retries with backoff on transient failures only, and at most this many SSH handshakes at
    once, whatever --workers is; a device waiting for its turn is not timing out. Environment:
    GRECTL_SSH_RETRIES (3), GRECTL_SSH_BACKOFF (1.0 s), GRECTL_SSH_CONNECTING (8),
    GRECTL_SSH_TIMEOUT (20 s, per attempt), GRECTL_SSH_COMMAND_TIMEOUT (600 s, per command)."""
    return {"conn_retries": env_number("GRECTL_SSH_RETRIES", 3, int, 0, 20),
            "conn_backoff": env_number("GRECTL_SSH_BACKOFF", 1.0, float, 0, 300),
            "max_connecting": env_number("GRECTL_SSH_CONNECTING", 8, int, 1, 1000),
            "command_timeout": env_number("GRECTL_SSH_COMMAND_TIMEOUT", 600.0, float, 1, 86400)}


def connect_timeout() -> float:
    return env_number("GRECTL_SSH_TIMEOUT", 20.0, float, 0.1, 3600)


class NoDriver(GrectlError):
    """A device in scope whose platform grectl renders and parses but cannot reach yet."""


def require_drivers(overlay: Overlay, names) -> None:
    """Refuse, before any device is contacted, a scope holding a device without a driver.

    Every built-in platform has a driver, so an H3C device passes (the refusal itself is proven on a
    driverless plugin platform in ``tests/unit/test_no_driver.py``):

    >>> from types import SimpleNamespace as N
    >>> ov = N(devices={"kobe": N(platform="h3c_comware", origins={})}, inventory_dir="inv")
    >>> require_drivers(ov, ["kobe"]) is None
    True
    """
    for name in sorted(names):
        plat = platforms.get(overlay.devices[name].platform)
        if not plat.caps.napalm_driver:
            raise NoDriver(f"{name}: platform {plat.name} has no driver yet: grectl renders, plans and parses it "
                           "(render, parse), but deploy, drift, verify and rollback cannot reach it")


class OverlayInventory:
    """A Nornir inventory plugin over the overlay's own reading of the inventory files
    (``controller.nornir_view``): Nornir's inheritance and host objects, without reading and parsing
    ``hosts.yaml``, ``groups.yaml`` and ``defaults.yaml`` a second time."""
    NAME = "GrectlOverlayInventory"

    def __init__(self, overlay: Overlay):
        self.overlay = overlay

    def load(self):
        return nornir_view.for_overlay(self.overlay)


def make_nornir(overlay: Overlay, workers: int = 20, keys: dict[str, str] | None = None,
                budget: float | None = None) -> Nornir:
    """One Nornir over the inventory; ``keys`` (site -> PSK, read once by the caller) lets drivers
    put real keys in place of placeholders when they write a device. Every connection setting
    (retries, timeouts, host keys) is checked here, before any device is contacted. ``budget``
    (seconds) bounds what one device may take: no retries, and neither a connect nor a command
    waits longer (a proof round must not hang on a device whose management went away mid-session)."""
    policy, timeout = connection_policy(), connect_timeout()  # checked before anything else happens
    if budget is not None:
        policy.update(conn_retries=0, command_timeout=min(policy["command_timeout"], budget))
        timeout = min(timeout, budget)
    env_host_keys()
    InventoryPluginRegister.register(OverlayInventory.NAME, OverlayInventory)
    nr = InitNornir(runner={"plugin": "threaded", "options": {"num_workers": workers}},
                    inventory={"plugin": OverlayInventory.NAME, "options": {"overlay": overlay}},
                    logging={"enabled": False})
    ssh = ssh_options(overlay)
    lab = lab_state_dir(overlay) / "lab.json"
    host_keys = host_key_options(overlay, nr, ssh.get("known_hosts") if lab.exists() else None)
    optional = {k: ssh[k] for k in ("key_file",) if k in ssh}
    optional.update(policy)
    by_fp = {secrets.fingerprint(k): k for k in (keys or {}).values()}
    for name, host in nr.inventory.hosts.items():
        if name not in overlay.devices:
            continue
        caps = platforms.get(overlay.devices[name].platform).caps
        if caps.napalm_driver:
            args = dict(optional, **host_keys[name],
                        **({"secrets": by_fp} if by_fp and caps.driver_unmasks else {}))
            host.connection_options["napalm"] = ConnectionOptions(  # keys only to drivers that swap them
                platform=DRIVER_FOR.get(caps.napalm_driver, caps.napalm_driver),
                username=ssh.get("username") or host.username,
                extras={"optional_args": args, "timeout": timeout})
        if caps.netmiko_device_type:  # strict against the same file (accept-new is the drivers')
            host.connection_options["netmiko"] = ConnectionOptions(
                platform=caps.netmiko_device_type,
                extras={"ssh_strict": True, "system_host_keys": False, "alt_host_keys": True,
                        "alt_key_file": host_keys[name]["known_hosts"]})
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


def commit_with_timer(conn, plat, text: str, replace: bool, keys: dict[str, str], revert_in: int,
                      dry_run: bool = False) -> str:
    """The one way grectl changes a device: load what its platform planned, compare, and (unless a
    dry run) commit with the device's self-rollback timer. Never confirms (``confirm_fresh``).
    Returns the masked diff; "" when the device already runs it (the candidate is discarded)."""
    if not replace and not text.strip():  # an object platform with nothing to change
        return ""
    (conn.load_replace_candidate if replace else conn.load_merge_candidate)(config=for_driver(plat, text, keys))
    diff = plat.mask(conn.compare_config() or "")
    if not diff or dry_run:
        conn.discard_config()
        return diff
    conn.commit_config(revert_in=revert_in)
    return diff


def reopen(host, config):
    """A fresh session to the device: it is reached again after the change (its management survived)."""
    host.close_connection("napalm")
    return host.get_connection("napalm", config)


def confirm_fresh(host, config) -> None:
    """Confirm a commit only on a fresh session: proof that management still works after it."""
    reopen(host, config).confirm_commit()


def commit_confirmed(host, config, conn, plat, text: str, replace: bool, keys: dict[str, str],
                     revert_in: int) -> bool:
    """Commit with a timer, then confirm on a fresh session; False when nothing differed."""
    if not commit_with_timer(conn, plat, text, replace, keys, revert_in):
        return False
    confirm_fresh(host, config)
    return True
