"""FRR's own reload, driven from the agent's process with fewer vtysh starts (runs ON the router).

What to add and what to remove, and in which `no` form, stays FRR's call: the candidate and the
running config are parsed by vtysh's own marker (`vtysh -m`) and diffed by frr-reload.py's own
Config and compare_context_objects, and its own retry for `no` lines OSPF refuses. That is what
guarantees the result equals the file, so it is kept. What is cut (each vtysh start under UML
costs about 0.2-0.6 s of the router's one CPU):
  - frr-reload.py is compiled once per version of the file, not on every commit (86 kB);
  - the first pass marks the running config the agent has just read (no second `show running`);
  - the second pass runs only when the first deleted something: it exists to put back what a
    deletion took with it (FRR's comment: a `no neighbor ... remote-as` drops the neighbour's
    other lines); after pure additions it only re-applies the same lines.
"""
from __future__ import annotations

import logging
import marshal
import os
import re
import subprocess
import sys
import tempfile

FRR_RELOAD = "/usr/lib/frr/frr-reload.py"
# Applied before every other added line: the file's order (linuxconf's natural order) puts
# "network" before "ospf router-id", so ospfd started the tunnels under the router-id zebra picked
# (the WAN address), sent hellos and LSAs with it, then switched: its neighbours saw a second
# neighbour on the link until its dead interval, and the first LSAs were under the wrong id.
ROUTER_ID = re.compile(r"ospf6? router-id \S+")
VTYSH_DIR = "/usr/bin"
CONF_DIR = "/etc/frr"


class ReloadError(Exception):
    pass


def module(cache_dir: str) -> dict:
    """frr-reload.py's namespace (not run as __main__); its code cached per file version and Python."""
    st = os.stat(FRR_RELOAD)
    cache = os.path.join(cache_dir, f"frr-reload-{st.st_mtime_ns}-{st.st_size}-{sys.hexversion:x}.code")
    try:
        with open(cache, "rb") as f:
            code = marshal.load(f)
    except (OSError, ValueError, EOFError, TypeError):
        with open(FRR_RELOAD) as f:
            code = compile(f.read(), FRR_RELOAD, "exec")
        try:
            with open(cache + ".tmp", "wb") as f:
                marshal.dump(code, f)
            os.replace(cache + ".tmp", cache)
        except OSError:
            pass  # no cache: compiled again next time
    ns = {"__name__": "grectl_frr_reload", "__file__": FRR_RELOAD}
    exec(code, ns)
    return ns


def reload(conf: str, running_text: str | None, cache_dir: str) -> None:
    """Make FRR run ``conf``. ``running_text``: `show running-config no-header`, read just before."""
    fr = module(cache_dir)
    with tempfile.TemporaryFile("w+") as out:
        # fd level: vtysh children would write to this process's stdout, which carries the agent's JSON
        class Vtysh(fr["Vtysh"]):
            def _call(self, args, stdin=None, stdout=None, stderr=None):
                return super()._call(args, stdin, stdout if stdout is not None else out,
                                     stderr if stderr is not None else out)

        handler = logging.StreamHandler(out)
        handler.setLevel(logging.ERROR)
        fr["log"].addHandler(handler)
        try:
            ok = _reload(fr, Vtysh(VTYSH_DIR), conf, running_text)
        except fr["VtyshException"] as e:
            out.write(f"{e}\n")
            ok = False
        finally:
            fr["log"].removeHandler(handler)
        if not ok:
            out.flush()
            out.seek(0)
            raise ReloadError(f"frr reload: {out.read().strip()[-400:]}")


def _marked(fr: dict, vtysh, text: str):
    """A running Config from text already read: vtysh marks it, as frr-reload's own read does."""
    p = vtysh._call(["-m", "-f", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    stdout, _ = p.communicate(text.encode())
    if p.returncode != 0:
        raise fr["VtyshException"](f"vtysh (mark running-config) exited with status {p.returncode}")
    running = fr["Config"](vtysh)
    running.lines = [ln.strip() for ln in stdout.decode().split("\n")
                     if ln.strip() and ln.strip() not in ("Building configuration...", "Current configuration:")]
    running.load_contexts()
    return running


def _reload(fr: dict, vtysh, conf: str, running_text: str | None) -> bool:
    """frr-reload.py --reload's loop (FRR 8-10), with the cuts listed above."""
    new = fr["Config"](vtysh)
    new.load_from_file(conf)
    if not vtysh.is_config_available():   # another VTY holds the configuration lock
        return False
    ok, first_adds = True, []
    for x in range(2):
        if x == 0 and running_text is not None:
            running = _marked(fr, vtysh, running_text)
        else:
            running = fr["Config"](vtysh)
            running.load_from_show_running(None)
        adds, dels = fr["compare_context_objects"](new, running)
        if x == 0:
            adds = first_adds = sorted(adds, key=lambda a: not ROUTER_ID.fullmatch(a[1] or ""))
        else:
            adds = adds + first_adds
        if x == 0:
            for ctx_keys, line in dels:
                if line != "!":
                    ok = _delete(fr, vtysh, fr["lines_to_config"](ctx_keys, line, True)) and ok
        lines = ["\n".join(fr["lines_to_config"](k, line, False) + _leave(k, line)) + "\n" for k, line in adds
                 if line != "!" and not (x == 1 and k[0].startswith("no "))]
        if lines:
            fd, name = tempfile.mkstemp(prefix="grectl-reload-", suffix=".txt")
            with os.fdopen(fd, "w") as fh:
                fh.write("".join(ln + "\n" for ln in lines))
            try:
                vtysh.exec_file(name)
            except fr["VtyshException"] as e:
                fr["log"].error("%s", e)
                ok = False
            finally:
                os.unlink(name)
        if x == 0 and not dels:
            break
    if conf != os.path.join(CONF_DIR, "frr.conf"):   # as frr-reload.py: keep what runs across a restart
        vtysh("write")
    return ok


def _leave(ctx_keys: list[str], line: str | None) -> list[str]:
    """``exit`` after a router-id moved to the front: the next line is read in the router's node
    first, and ``router ospf6`` has an ``interface IFNAME area`` command, so an ``interface lan0``
    following there is "Command incomplete" instead of falling back to the config node as vtysh
    does for a command the node does not know.

    >>> _leave(["router ospf6"], "ospf6 router-id 10.1.1.1"), _leave(["interface lan0"], "ip ospf passive")
    (['exit'], [])
    """
    return ["exit"] if line and len(ctx_keys) == 1 and ROUTER_ID.fullmatch(line) else []


def _delete(fr: dict, vtysh, cmd: list[str]) -> bool:
    """One `no` command; on refusal, drop its last word and try again (frr-reload.py's own rule:
    OSPF takes `no ip ospf authentication`, not the whole line)."""
    while True:
        try:
            vtysh(["configure"] + cmd, [])
            return True
        except fr["VtyshException"]:
            last = cmd[-1].split(" ")
            if len(last) <= 2:
                fr["log"].error('"%s" we failed to remove this command', " -- ".join(cmd))
                return False
            cmd[-1] = " ".join(last[:-1])
