"""Kernel-side helpers of the router agent (runs ON the router, stdlib only): the agent's error,
`ip -batch`, and the multicast membership limit OSPF needs on a hub."""
from __future__ import annotations

import subprocess


class AgentError(Exception):
    pass


IGMP_MAX = "/proc/sys/net/ipv4/igmp_max_memberships"


def igmp_memberships_needed(tunnels: int) -> int:
    """ospfd joins AllSPFRouters (224.0.0.5) once per OSPF interface, all on one socket, and Linux
    allows 20 memberships per socket by default: a hub with more than about 18 tunnels silently gets
    no OSPF on the rest (the site sees the hub's hellos, state Init; the hub never sees the site's).
    Room for a DR/BDR's AllDRouters join and the LANs.

    >>> igmp_memberships_needed(50)
    132
    """
    return 2 * tunnels + 32


def ensure_igmp_memberships(tunnels: int) -> None:
    """Raise net.ipv4.igmp_max_memberships (this namespace's) to what the tunnels need; never lower it."""
    want = igmp_memberships_needed(tunnels)
    try:
        with open(IGMP_MAX) as f:
            have = int(f.read().strip())
    except (OSError, ValueError):
        return  # no such knob here (not Linux IPv4): nothing to raise
    if have < want:
        try:
            with open(IGMP_MAX, "w") as f:
                f.write(f"{want}\n")
        except OSError as e:
            raise AgentError(f"cannot raise net.ipv4.igmp_max_memberships to {want} for {tunnels} tunnels "
                             f"(OSPF would not run on all of them): {e}") from None


def ip_batch(lines: list[str]) -> None:
    p = subprocess.run(["ip", "-batch", "-"], input="\n".join(lines) + "\n", capture_output=True, text=True)
    if p.returncode != 0:
        raise AgentError(f"ip -batch: {(p.stderr or p.stdout).strip()[:400]}")
