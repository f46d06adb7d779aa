#!/usr/bin/python3
"""grectl router agent: runs ON the Linux router (stdlib only, next to linuxconf.py, links.py,
frrreload.py and getters.py). The driver imports it (`python3 -S -c ... import agent`), so its
compiled form is cached; run as a script it works the same.

It owns three things: kernel GRE links, /etc/swanctl/conf.d/grectl.conf and
/etc/frr/frr.conf. Configs it stores are masked (``%{psk:<fp>}``); real keys live
only in the swanctl file and in STATE/secrets/<fp> (mode 600).

  agent.py running                 print the running config document (masked)
  agent.py facts|interfaces|ips    JSON getters
  agent.py commit FILE|- [--revert-in N]   (-: JSON {"candidate", "secrets"} on stdin)
                                   checkpoint, apply FILE; with N, roll back by
                                   itself unless `confirm` comes within N seconds
  agent.py confirm | pending | rollback | restore
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemons  # noqa: E402
import linuxconf  # noqa: E402
from links import AgentError, ensure_igmp_memberships, ip_batch, ipv6_tunnels  # noqa: E402,F401

STATE = os.environ.get("GRECTL_STATE", os.path.dirname(os.path.abspath(__file__)))
SWANCTL_FILE = os.environ.get("GRECTL_SWANCTL_FILE", "/etc/swanctl/conf.d/grectl.conf")
FRR_FILE = os.environ.get("GRECTL_FRR_FILE", "/etc/frr/frr.conf")
KEEP = 10


def sh(*argv: str, check: bool = True) -> str:
    p = subprocess.run(argv, capture_output=True, text=True)
    if check and p.returncode != 0:
        raise AgentError(f"{' '.join(argv)}: {(p.stderr or p.stdout).strip()[:400]}")
    return p.stdout


def path(*parts: str) -> str:
    return os.path.join(STATE, *parts)


def write_private(p: str, text: str, mode: int = 0o600) -> None:
    os.makedirs(os.path.dirname(p), exist_ok=True)
    tmp = p + ".tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(tmp, mode)
    os.replace(tmp, p)


# ------------------------------------------------------------------ secrets

mask = linuxconf.mask


def unmask(text: str) -> str:
    def lookup(fp: str) -> str:
        p = path("secrets", fp)
        if not os.path.exists(p):
            raise AgentError(f"no key stored for PSK fingerprint {fp}")
        with open(p) as f:
            return f.read().strip()
    return linuxconf.unmask(text, lookup)


# ------------------------------------------------------------------ running state

def gre_links() -> dict[str, dict[str, str]]:
    return linuxconf.gre_links(sh("ip", "-d", "-j", "addr", "show"))


FRR_READ: dict[str, str] = {}  # the last `show running-config no-header` (frr-reload's first pass marks it)


def running_doc() -> linuxconf.Doc:
    swanctl_file = None
    if os.path.exists(SWANCTL_FILE):
        with open(SWANCTL_FILE) as f:
            swanctl_file = f.read()
    FRR_READ["text"] = frr = daemons.frr_text(sh)  # over the daemons' sockets, vtysh the fallback
    return linuxconf.running_doc(sh("ip", "-d", "-j", "addr", "show"), swanctl_file, daemons.conns(sh), frr)


def running_text() -> str:
    return linuxconf.dump(running_doc())


# ------------------------------------------------------------------ apply

def _link_sets(name: str, a: dict[str, str], h: dict[str, str], sets: list[str], done: list[str]) -> None:
    """The `ip` lines that bring an existing or new link's MTU and addresses to the intended ones."""
    if h.get("mtu") != a["mtu"]:
        sets.append(f"link set {name} mtu {a['mtu']}")
        done.append(f"{name} mtu {a['mtu']}")
    if any(h.get(k) != a.get(k) for k in ("address", "link_local", "address6")):
        sets.append(f"addr flush dev {name}")
        for k in ("address", "link_local", "address6"):
            if a.get(k):  # IPv6 "nodad": no DAD on a point-to-point link, and linuxconf.gre_links knows ours
                sets.append(f"addr add {a[k]} dev {name}{'' if k == 'address' else ' nodad'}")
        done.append(f"{name} address {' '.join(a[k] for k in ('address', 'link_local', 'address6') if a.get(k))}")


def apply_tunnels(want: dict[str, dict[str, str]], have: dict[str, dict[str, str]] | None = None) -> list[str]:
    """All link changes in one `ip -batch` (one process, not six per tunnel); IPv6 off through /proc.
    ``have``: the links as just read (the running document's tunnels), else read here."""
    have, done = (gre_links() if have is None else have), []
    dels, adds, sets = [], [], []
    for name in sorted(set(have) - set(want)):
        dels.append(f"link del {name}")
        done.append(f"deleted {name}")
    created = []
    for name, a in sorted(want.items()):
        h = have.get(name)
        same_link = h is not None and all(h.get(k) == a.get(k) for k in ("local", "remote", "ttl", "key"))
        if not same_link:
            if h is not None:
                dels.append(f"link del {name}")
            cmd = f"link add {name} type gre local {a['local']} remote {a['remote']} ttl {a['ttl']}"
            if a.get("key", "0") != "0":
                cmd += f" key {a['key']}"
            adds.append(cmd)
            created.append(name)
            h = {}
            done.append(f"created {name}")
        _link_sets(name, a, h, sets, done)
        sets.append(f"link set {name} up")
    ensure_igmp_memberships(len(want))
    if dels or adds:
        ip_batch(dels + adds)
    for name in created:  # before the link comes up (its IPv6 chatter upset the IKE trap policy)
        with open(f"/proc/sys/net/ipv6/conf/{name}/disable_ipv6", "w") as f:
            f.write("1\n")
    ipv6_tunnels(want, have, created)
    if sets:
        ip_batch(sets)
    write_private(path("tunnels.conf"), linuxconf.dump(linuxconf.Doc(tunnels=want)), 0o644)
    return done


def renegotiated(cur: linuxconf.Doc, doc: linuxconf.Doc) -> list[str]:
    """Connections that exist before and after whose negotiated parameters change: the connection
    block (proposals, lifetimes, mode, endpoints) or its key (the placeholder names the key's
    fingerprint). An established IKE SA outlives such a change, so it is re-established: the
    proof after a commit then exercises the new parameters, not the old SA."""
    return sorted(n for n in doc.connections if n in cur.connections and (
        cur.connections[n] != doc.connections[n] or cur.secrets.get(f"ike-{n}") != doc.secrets.get(f"ike-{n}")))


def apply_swanctl(doc: linuxconf.Doc, cur: linuxconf.Doc | None = None) -> None:
    text = unmask(linuxconf.dump_swanctl(doc.connections, doc.secrets)) + "\n"
    write_private(SWANCTL_FILE, text, 0o600)
    sh("swanctl", "--load-all", "--noprompt")
    again = renegotiated(cur, doc) if cur is not None else []
    for name in again:
        sh("swanctl", "--terminate", "--ike", name, "--force", "--timeout", "3", check=False)
    initiate_missing(doc, set(again))


def initiate_missing(doc: linuxconf.Doc, renegotiate: set[str] = frozenset()) -> None:
    """Connections whose IKE SA is gone start again, in the background: every initiator (a site),
    and a responder (a hub's trap) whose SA this apply terminated. The hub's own initiation matters
    when it reverts a key change by its timer: its sites' IKE SAs failed against the new key while
    it ran, strongSwan does not retry an authentication failure, and a trap waits for traffic that
    a site without an SA never sends, so without it the tunnels stayed down (measured: 90 s and
    more after a controller killed mid-rotation). An initiation the peer refuses (it still runs the
    other key) costs one IKE exchange; the peer's own initiation brings the tunnel up later."""
    wanted = {}
    for name, block in doc.connections.items():
        child = re.search(r"children \{\s*([\w.-]+) \{", block)
        if child and ("start_action = start" in block or name in renegotiate):
            wanted[name] = child.group(1)
    raw = daemons.sas(sh) if wanted else ""  # a hub's traps: no read
    for name, child in wanted.items():
        if f"event {{{name} {{" not in raw:
            subprocess.Popen(["swanctl", "--initiate", "--child", child, "--timeout", "15"],
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)


def apply_frr(doc: linuxconf.Doc) -> None:
    text = linuxconf.dump_frr(doc.frr) + "\n"
    write_private(FRR_FILE, text, 0o640)
    try:
        import grp
        import pwd
        os.chown(FRR_FILE, pwd.getpwnam("frr").pw_uid, grp.getgrnam("frr").gr_gid)
    except (KeyError, PermissionError):
        pass
    import frrreload  # here: its imports (logging, tempfile) cost a start-up that changes no FRR
    try:
        frrreload.reload(FRR_FILE, FRR_READ.pop("text", None), STATE)
    except frrreload.ReloadError as e:
        raise AgentError(str(e)) from None


def apply(doc: linuxconf.Doc, cur: linuxconf.Doc | None = None) -> list[str]:
    """Change only the sections that differ (idempotent: an unchanged section is not touched)."""
    cur = cur if cur is not None else running_doc()
    changed = []
    unmask(linuxconf.dump_swanctl(doc.connections, doc.secrets))  # every key must be known before any change
    if linuxconf.section_text(cur, "tunnels") != linuxconf.section_text(doc, "tunnels"):
        changed += apply_tunnels(doc.tunnels, cur.tunnels)
    if linuxconf.section_text(cur, "swanctl") != linuxconf.section_text(doc, "swanctl"):
        apply_swanctl(doc, cur)
        changed.append("swanctl")
    if linuxconf.section_text(cur, "frr") != linuxconf.section_text(doc, "frr"):
        apply_frr(doc)
        changed.append("frr")
    return changed


# ------------------------------------------------------------------ commit / confirm / rollback

def checkpoint(cur: linuxconf.Doc) -> str:
    d = path("rollback")
    os.makedirs(d, exist_ok=True)
    name = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}.conf"
    write_private(os.path.join(d, name), linuxconf.dump(cur))
    for old in sorted(os.listdir(d))[:-KEEP]:
        os.remove(os.path.join(d, old))
    return os.path.join(d, name)


def latest_checkpoint() -> str:
    d = path("rollback")
    files = sorted(os.listdir(d)) if os.path.isdir(d) else []
    if not files:
        raise AgentError("no checkpoint to roll back to")
    return os.path.join(d, files[-1])


def load_doc(p: str) -> linuxconf.Doc:
    with open(p) as f:
        return linuxconf.parse(f.read())


def pending() -> dict | None:
    try:
        with open(path("pending.json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def commit(candidate: str, revert_in: int | None) -> dict:
    if pending():
        raise AgentError("a commit is pending confirmation: confirm or roll back first")
    doc = load_doc(candidate)
    cur = running_doc()
    cp = checkpoint(cur)
    try:
        changed = apply(doc, cur)
    except Exception:
        apply(load_doc(cp))  # leave the router in its last good state
        raise
    if revert_in and changed:
        deadline = time.time() + revert_in
        write_private(path("pending.json"), json.dumps({"checkpoint": cp, "deadline": deadline}))
        spawn_revert_timer(revert_in)
    return {"changed": changed, "checkpoint": os.path.basename(cp), "pending": bool(revert_in and changed)}


def spawn_revert_timer(seconds: int) -> None:
    """Detach a grandchild in its own session: it survives the SSH session and the controller.
    Its pid is in pending.pid, newline-terminated, before commit returns (the grandchild sends it
    up a pipe). Before, the grandchild wrote it itself, late and without a newline, so the
    confirm's `read p` never succeeded: no timer was ever stopped, and every one left a stale pid
    file behind (PIDs are global across a lab's routers, and they wrap)."""
    r, w = os.pipe()
    child = os.fork()
    if child:
        os.close(w)
        pid = os.read(r, 32).decode().strip()
        os.close(r)
        os.waitpid(child, 0)
        if pid.isdigit():  # with its newline: the confirm's `read p` fails on a line without one
            write_private(path("pending.pid"), pid + "\n", 0o644)
        return
    os.close(r)
    os.setsid()
    if os.fork():
        os._exit(0)
    os.write(w, str(os.getpid()).encode())
    os.close(w)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    time.sleep(seconds)
    p = pending()
    if p and time.time() >= p["deadline"] - 0.5:
        try:
            apply(load_doc(p["checkpoint"]))
            with open(path("revert.log"), "a") as f:
                f.write(f"{time.strftime('%FT%T')} commit not confirmed: rolled back to {p['checkpoint']}\n")
        finally:
            for n in ("pending.json", "pending.pid"):
                if os.path.exists(path(n)):
                    os.remove(path(n))
    os._exit(0)


def confirm() -> dict:
    p = pending()
    if not p:
        raise AgentError("no commit is pending")
    try:
        with open(path("pending.pid")) as f:
            os.kill(int(f.read().strip()), signal.SIGTERM)
    except (OSError, ValueError):
        pass
    for n in ("pending.json", "pending.pid"):
        if os.path.exists(path(n)):
            os.remove(path(n))
    return {"confirmed": True}


def rollback() -> dict:
    p = pending()
    target = p["checkpoint"] if p else latest_checkpoint()
    if p:
        confirm()
    return {"changed": apply(load_doc(target)), "restored": os.path.basename(target)}


# ------------------------------------------------------------------ commands

def diff(candidate: str) -> str:
    import difflib
    with open(candidate) as f:
        want = linuxconf.dump(linuxconf.parse(f.read())).splitlines()
    have = running_text().splitlines()
    return "\n".join(difflib.unified_diff(have, want, "running", "candidate", lineterm="", n=2))


def commit_cmd(args: list[str]) -> dict:
    revert = int(args[args.index("--revert-in") + 1]) if "--revert-in" in args else None
    src = args[0]
    if src == "-":  # {"candidate": masked text, "secrets": {fingerprint: key}} on stdin
        doc = json.load(sys.stdin)
        for fp, key in (doc.get("secrets") or {}).items():
            if not re.fullmatch(r"[0-9a-f]{4,64}", fp):
                raise AgentError(f"bad key fingerprint {fp!r}")
            write_private(path("secrets", fp), key + "\n", 0o600)
        src = path("candidate.conf")
        write_private(src, doc["candidate"], 0o600)
    return commit(src, revert)


def restore() -> dict:
    """At boot: re-create the tunnels from the stored definition."""
    return {"changed": apply_tunnels(load_doc(path("tunnels.conf")).tunnels)
            if os.path.exists(path("tunnels.conf")) else []}


def getter(name: str):
    def run(args: list[str]) -> dict:
        import getters
        return getattr(getters, name)()
    return run


# command -> function of its arguments: a dict is printed as JSON, a string as it is
COMMANDS = {
    "running": lambda args: running_text(),
    "diff": lambda args: diff(args[0]) + "\n",
    "commit": commit_cmd,
    "confirm": lambda args: confirm(),
    "pending": lambda args: {"pending": pending() is not None},
    "rollback": lambda args: rollback(),
    "restore": lambda args: restore(),
    "facts": getter("facts"),
    "interfaces": getter("interfaces"),
    "ips": getter("ips"),
}


def main(argv: list[str]) -> int:
    cmd, args = (argv[0] if argv else "help"), argv[1:]
    if cmd not in COMMANDS:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        result = COMMANDS[cmd](args)
    except (AgentError, ValueError, OSError) as e:
        print(f"agent: {mask(str(e))}", file=sys.stderr)
        return 1
    sys.stdout.write(result if isinstance(result, str) else json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
