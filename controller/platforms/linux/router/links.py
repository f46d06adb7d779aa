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


def ipv6_tunnels(want: dict[str, dict[str, str]], have: dict[str, dict[str, str]], created: list[str]) -> None:
    """Dual-stack tunnels (a ``link_local`` address): IPv6 on, only the addresses grectl gives
    (addrgenmode none: no kernel-made link-local beside OSPFv3's), and IPv6 forwarding on. Others
    keep IPv6 off (a tunnel that goes back to IPv4 only gets it turned off again)."""
    six = {n for n, a in want.items() if a.get("link_local")}
    if six:
        ip_batch([f"link set {n} addrgenmode none" for n in sorted(six)])
        with open("/proc/sys/net/ipv6/conf/all/forwarding", "w") as f:
            f.write("1\n")
    for name in sorted(want):
        if name in six or (name not in created and have.get(name, {}).get("link_local")):
            with open(f"/proc/sys/net/ipv6/conf/{name}/disable_ipv6", "w") as f:
                f.write("0\n" if name in six else "1\n")
