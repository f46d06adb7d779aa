"""``grectl drill`` (issue 23), the pure part: which tunnel a drill takes down and what it probes,
the steady probe's log read, and the verdict. Device I/O is ``tasks.drill``.

>>> r = [Reply(1, 10.0), Reply(2, 10.2), Reply(9, 11.6), Reply(10, 11.8)]
>>> outage(r, 10.1, 0.2)
(1.5, 6)
>>> outage(r, 12.0, 0.2)
(0.0, 0)
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from ipaddress import IPv4Address

from . import allocate
from .errors import GrectlError
from .models import Overlay

INTERVAL = 0.2   # the steady probe's interval, seconds
SLACK = 3        # failover may take the OSPF dead interval plus this
_REPLY = re.compile(r"\[(\d+\.\d+)\] \d+ bytes from [0-9.]+: icmp_seq=(\d+) .*")
_SUMMARY = re.compile(r"(\d+) packets transmitted, (\d+) received.*")


@dataclass(frozen=True)
class Reply:
    seq: int
    at: float   # the router's clock when the reply came


@dataclass(frozen=True)
class Plan:
    site: str
    down_hub: str          # the hub whose tunnel goes down (the site's primary unless --hub)
    backup_hub: str
    interface: str         # on the site
    backup_interface: str
    source: IPv4Address    # the site's LAN address
    target: IPv4Address    # a remote LAN's router address, reached through the primary
    target_device: str
    bound: float           # failover must take at most this (dead interval + SLACK)
    timer: int             # the router restores the tunnel by itself after this many seconds


@dataclass
class Report:
    site: str
    down_hub: str
    backup_hub: str
    target: str
    bound_s: float
    dead_interval_s: int
    failover_s: float | None = None
    failback_s: float | None = None
    route_failover_s: float | None = None  # the site's route to the target onto the backup tunnel
    lost_failover: int = 0
    lost_failback: int = 0
    sent: int = 0
    received: int = 0
    traffic_returned: bool = False
    ospf_events: list[str] = field(default_factory=list)
    ok: bool = False
    reason: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def plan(overlay: Overlay, site: str, hub: str | None = None) -> Plan:
    """What a drill of ``site`` does; refuses a site that is not dual-homed or a hub not its own."""
    i = overlay.intent
    if site not in i.sites:
        raise GrectlError(f"unknown site {site!r} (sites: {', '.join(sorted(i.sites)) or 'none'})")
    homes = i.sites[site].homes
    if len(homes) < 2:
        raise GrectlError(f"site {site!r} is homed on one hub ({homes[0]}): a drill needs a backup path "
                          "(hubs: [primary, backup] in overlay.yaml)")
    down = homes[0] if hub is None else hub
    if down not in homes:
        raise GrectlError(f"hub {hub!r} is not one of site {site!r}'s hubs ({', '.join(homes)})")
    backup = next(h for h in homes if h != down)
    ends = {t.hub: t.site_end.interface for t in overlay.tunnels_of(site) if t.site == site}
    dev = overlay.devices[site]
    if not dev.lans:
        raise GrectlError(f"site {site!r} has no IPv4 LAN to probe from")
    others = sorted(n for n, s in i.sites.items() if n != site and overlay.devices[n].lans)
    target = (others or [backup])[0]
    dead = i.ospf.dead
    return Plan(site=site, down_hub=down, backup_hub=backup, interface=ends[down], backup_interface=ends[backup],
                source=allocate.lan_gateway(dev.lans[0]), target=allocate.lan_gateway(overlay.devices[target].lans[0]),
                target_device=target, bound=dead + SLACK, timer=2 * dead + 30)


def replies(log: str) -> list[Reply]:
    """The replies of a ``ping -D`` log, in order."""
    out = []
    for line in log.splitlines():
        m = _REPLY.fullmatch(line.strip())
        if m:
            out.append(Reply(int(m.group(2)), float(m.group(1))))
    return out


def summary(log: str) -> tuple[int, int] | None:
    """(transmitted, received) from the ping summary line, when it printed one."""
    for line in log.splitlines():
        m = _SUMMARY.fullmatch(line.strip())
        if m:
            return int(m.group(1)), int(m.group(2))
    return None


def outage(rs: list[Reply], since: float, interval: float = INTERVAL) -> tuple[float, int]:
    """(seconds from ``since`` until traffic flowed again, probes lost): the first gap in the
    sequence numbers after ``since``; (0, 0) when no probe was lost."""
    before = [r for r in rs if r.at <= since]
    after = [r for r in rs if r.at > since]
    prev = before[-1].seq if before else (after[0].seq - 1 if after else 0)
    for r in after:
        if r.seq > prev + 1:
            return round(max(0.0, r.at - since), 2), r.seq - prev - 1
        prev = r.seq
    return 0.0, 0


def lost_after(rs: list[Reply], since: float) -> bool:
    """No reply at all after ``since`` (traffic did not flow again)."""
    return not any(r.at > since for r in rs)


def verdict(rep: Report) -> Report:
    """ok unless failover exceeded the bound or traffic did not return through the primary."""
    if rep.failover_s is None:
        rep.ok, rep.reason = False, "traffic did not flow through the backup"
    elif rep.failover_s > rep.bound_s:
        rep.ok, rep.reason = False, f"failover took {rep.failover_s:.1f}s, more than dead interval + {SLACK}s"
    elif not rep.traffic_returned:
        rep.ok, rep.reason = False, "traffic did not return to the primary tunnel"
    else:
        rep.ok, rep.reason = True, ""
    return rep
