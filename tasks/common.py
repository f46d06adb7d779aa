"""Nornir set-up shared by deploy and verify: one Nornir over the inventory, with
napalm connection options filled in at run time (lab key, known_hosts, PSKs)."""
from __future__ import annotations

import os
from pathlib import Path

from nornir import InitNornir
from nornir.core import Nornir
from nornir.core.inventory import ConnectionOptions

from controller import inventory, secrets
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


def make_nornir(overlay: Overlay, workers: int = 20, with_secrets: bool = False) -> Nornir:
    inv = Path(overlay.inventory_dir)
    opts = {"host_file": str(inv / "hosts.yaml"), "group_file": str(inv / "groups.yaml"),
            "defaults_file": str(inv / "defaults.yaml")}
    nr = InitNornir(runner={"plugin": "threaded", "options": {"num_workers": workers}},
                    inventory={"plugin": "SimpleInventory", "options": opts},
                    logging={"enabled": False})
    ssh = ssh_options(overlay)
    optional = {k: ssh[k] for k in ("key_file", "known_hosts") if k in ssh}
    if with_secrets:
        optional["secrets"] = {secrets.fingerprint(k): k for k in inventory.psks(overlay).values()}
    for name, host in nr.inventory.hosts.items():
        if name not in overlay.devices:
            continue
        host.connection_options["napalm"] = ConnectionOptions(
            platform="linux_frr", username=ssh.get("username") or host.username,
            extras={"optional_args": dict(optional), "timeout": 20})
        host.connection_options["netmiko"] = ConnectionOptions(platform="linux")
    return nr.filter(filter_func=lambda h: h.name in overlay.devices)
