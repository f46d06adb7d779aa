"""``grectl drill`` (issue 23), the device part: prove the backup path green, take the site's tunnel to
its primary hub down ON THE SITE behind a router-side restore timer, measure with a steady probe
from the site's LAN address to a remote LAN how long traffic stops, restore, measure the fail-back.

Hubs are never touched. If the controller dies or loses the router mid-drill, the router's own timer
(controller/platforms/linux/router/drill.py) brings the tunnel back."""
from __future__ import annotations

import time
from typing import Callable

from controller import drill as d
from controller import platforms
from controller import verify as checks_mod
from controller.errors import GrectlError
from controller.models import Overlay
from controller.platforms.linux import parsers
from controller.platforms.linux.router import drill as router

from .common import make_nornir
from .verify import collect

BACKUP_GROUPS = ("gre", "ike", "ipsec", "ospf", "ospf6")


def backup_red(overlay: Overlay, p: d.Plan, checks) -> list[str]:
    """The backup tunnel's checks (both ends, ``ospf.backup`` among them) and the hub-to-hub link's
    between the site's two hubs (it carries the down hub's LAN) that are not green: a drill needs
    them all green."""
    ends = {(p.site, p.backup_hub), (p.backup_hub, p.site), (p.down_hub, p.backup_hub), (p.backup_hub, p.down_hub)}
    return [f"{c.device} {c.check} {c.reason or c.status}: {c.observed}" for c in checks
            if (c.device, c.peer) in ends and c.group in BACKUP_GROUPS and c.status != "pass"]


def _neighbors(conn, p: d.Plan, t0: float, label: str) -> str:
    cmd = parsers.OSPF_NEIGHBORS_CMD
    states = parsers.ospf_states(conn.cli([cmd])[cmd])
    seen = ", ".join(f"{i} {states.get(i, 'none')}" for i in (p.interface, p.backup_interface))
    return f"+{time.monotonic() - t0:.1f}s {label}: {seen}"


def _clock(text: str) -> float:
    lines = [ln for ln in text.split() if ln.replace(".", "", 1).isdigit()]
    if not lines:
        raise GrectlError(f"the router did not answer as expected: {text.strip()[:200]!r}")
    return float(lines[-1])


def drill(overlay: Overlay, site: str, hub: str | None = None, workers: int = 20,
          progress: Callable[[str], None] = lambda m: None) -> d.Report:
    p = d.plan(overlay, site, hub)
    plat = platforms.get(overlay.devices[site].platform)
    if not plat.caps.multi_hub or plat.caps.transport != "agent":
        raise GrectlError(f"drill runs on Linux sites only ({site!r} is {plat.name})")
    progress(f"checking the backup path {site} <-> {p.backup_hub}")
    checks = checks_mod.evaluate(overlay, collect(overlay, site, workers, config=False), site)
    red = backup_red(overlay, p, checks)
    if red:
        raise GrectlError(f"refused: the backup path {site} <-> {p.backup_hub} is not green ("
                          + "; ".join(red[:4]) + (" ..." if len(red) > 4 else "") + ")")
    dead = overlay.intent.ospf.dead
    rep = d.Report(site=site, down_hub=p.down_hub, backup_hub=p.backup_hub, target=f"{p.target} ({p.target_device})",
                   bound_s=p.bound, dead_interval_s=dead)
    nr = make_nornir(overlay, workers=1).filter(filter_func=lambda h: h.name == site)
    conn = nr.inventory.hosts[site].get_connection("napalm", nr.config)
    agent_dir = getattr(conn, "agent_dir", "/etc/grectl")
    t0 = time.monotonic()
    armed = False
    try:
        conn.run_script(router.probe_start(p.source, p.target, d.INTERVAL, agent_dir, p.timer + 60))
        time.sleep(2.0)  # a baseline of replies through the primary
        rep.ospf_events.append(_neighbors(conn, p, t0, "before"))
        progress(f"{site}: {p.interface} down (the router restores it by itself in {p.timer}s)")
        down_at = _clock(conn.run_script(router.arm(p.interface, p.timer, agent_dir)))
        armed = True
        progress(f"{site}: {p.interface} is down; measuring the failover")
        moved = conn.run_script(router.route_wait(p.target, p.backup_interface, p.bound + 5), timeout=p.bound + 30)
        if "timeout" not in moved:  # the site's own route to the target, onto the backup tunnel
            rep.route_failover_s = round(max(0.0, _clock(moved) - down_at), 2)
        deadline = time.monotonic() + p.bound + 10
        while time.monotonic() < deadline:  # until replies flow again (through the backup)
            time.sleep(1.0)
            rs = d.replies(conn.run_script(router.probe_read(agent_dir)))
            took, lost = d.outage(rs, down_at)
            recent = [r for r in rs if r.at > down_at + took]
            if rs and rs[-1].at > down_at + 1 and len(recent) >= 5:
                rep.failover_s, rep.lost_failover = (took, lost)
                break
        rep.ospf_events.append(_neighbors(conn, p, t0, "after failover"))
        progress(f"{site}: {p.interface} up again")
        up_at = _clock(conn.run_script(router.disarm(p.interface, agent_dir)))
        armed = False
        back = conn.run_script(router.route_wait(p.target, p.interface, 2 * dead + 20), timeout=2 * dead + 40)
        if "timeout" not in back:
            rep.failback_s = round(max(0.0, _clock(back) - up_at), 2)
        time.sleep(2.0)  # replies after the fail-back
        rep.ospf_events.append(_neighbors(conn, p, t0, "after fail-back"))
        log = conn.run_script(router.probe_stop(agent_dir))
        rs = d.replies(log)
        rep.lost_failback = d.outage(rs, up_at)[1]
        total = d.summary(log)
        rep.sent, rep.received = total if total else (max((r.seq for r in rs), default=0), len(rs))
        rep.traffic_returned = rep.failback_s is not None and any(r.at > up_at + rep.failback_s + 1 for r in rs)
    finally:
        if armed:  # the controller's own early restore; the router's timer stays the safety net
            try:
                conn.run_script(router.disarm(p.interface, agent_dir))
            except Exception:
                pass
        nr.close_connections()
    return d.verdict(rep)
