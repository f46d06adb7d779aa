"""NAPALM driver ``iosxe_netconf``: Cisco IOS-XE (native YANG) over NETCONF with ncclient.

Load with ``napalm.get_network_driver("iosxe_netconf")``. Transactional on the candidate
datastore, and touching only what grectl owns (``nativexml``):

- ``load_replace_candidate(config)``: ``config`` is the intended ``<config>`` of grectl's objects.
  The candidate is locked and reset to running (discard-changes). Owned entries no longer intended
  that point at others (tunnels, profiles) are removed (``operation="remove"``), the intended
  entries are written with ``operation="replace"`` (so a leaf grectl dropped disappears), then the
  remaining stale entries (keyrings, proposals, an OSPF process) are removed. Nothing else moves.
- ``load_merge_candidate(config)``: one plain merge (``--site`` on a hub).
- ``compare_config()``: the edits are made on the candidate right away; the diff is running vs
  candidate of the owned subtrees, as sorted ``path = value`` lines, PSKs masked.
- ``commit_config(revert_in=N)``: ``<commit><confirmed/><confirm-timeout>N`` with a ``<persist>``
  id, so the commit survives this session and rolls back on the server by itself unless confirmed.
- After a successful commit: ``clear crypto session remote A`` for each peer A whose negotiated
  parameters the change alters (``controller.platforms.iosxe.renegotiate``, on the running and
  candidate lines compared before the commit), on the SSH CLI session beside NETCONF: the shared
  IOS-XE YANG has no RPC for it. A clear that fails (or no CLI session) is reported in
  ``last_commit["sa_reset"]``, never fails the commit.
- ``confirm_commit()``: ``<commit><persist-id>`` (meant for a fresh session: proof that management
  still works after the change).
- ``discard_config()``: discard-changes and unlock. Any failure on the way does the same.
- rpc-errors are raised with the server's error-path and message.
- ``get_config()``: the owned subtrees of running (and candidate), PSKs as placeholders: what
  backups and drift hold.

optional_args:
  port          NETCONF over SSH port (830)
  key_file      private key for SSH
  known_hosts, host_key_policy, hash_known_hosts, conn_retries, conn_backoff, max_connecting:
                grectl's connection policy, for NETCONF and the CLI session beside it alike
                (napalm_grectl_cli.connect): the host key is checked before anything is sent
  secrets       {fingerprint: psk} to put keys in place of placeholders on the way to the device
  cli_port      SSH port of the CLI session beside NETCONF (22)
  cli_connect   factory for that CLI session (netmiko keyword arguments in, a session with
                ``send_command`` and ``disconnect`` out): the seam the unit tests use
"""
from __future__ import annotations

import logging
import re
import threading
import uuid

from lxml import etree
from napalm.base import NetworkDriver
from napalm.base.exceptions import CommitError, ConnectionException, MergeConfigException, ReplaceConfigException

from . import nativexml as nx
from . import renegotiate as rn

log = logging.getLogger(__name__)

# persist ids of confirmed commits awaiting their confirm, by (host, port): the confirm comes
# from a new driver instance on a fresh session
_PENDING: dict[tuple[str, int], str] = {}
_LOCK = threading.Lock()


class NetconfRpcError(Exception):
    pass


def rpc_error_text(e: Exception) -> str:
    """``error-path: message`` of every rpc-error in an ncclient RPCError."""
    errs = getattr(e, "errors", None) or [e]
    parts = []
    for x in errs:
        path = (getattr(x, "path", None) or "").strip()
        msg = (getattr(x, "message", None) or "").strip()
        tag = (getattr(x, "tag", None) or "").strip()
        info = getattr(x, "info", None) or ""
        bad = [b.strip() for b in re.findall(r"bad-value>([^<]*)<", info) if b.strip()] \
            if isinstance(info, str) else []
        text = f"{path}: " if path else ""
        text += msg or tag or str(x)
        if tag and msg:
            text += f" ({tag}{', bad value ' + bad[0] if bad else ''})"
        parts.append(text)
    return "; ".join(parts) or str(e)


class IosXeNetconfDriver(NetworkDriver):
    platform = "iosxe_netconf"

    def __init__(self, hostname, username, password=None, timeout=30, optional_args=None):
        self.hostname, self.username, self.password = hostname, username, password
        self.timeout = timeout
        o = optional_args or {}
        self.port = int(o.get("port") or 830)
        self.cli_port = int(o.get("cli_port") or 22)  # SSH CLI for verify's show commands
        self.key_file = o.get("key_file")
        from napalm_grectl_cli.connect import Policy
        self.policy = Policy.of(hostname, o)
        self.known_hosts = self.policy.guard.file
        self.secrets: dict[str, str] = dict(o.get("secrets") or {})
        self.m = None
        self._locked = False
        self._loaded = False      # edits made on the candidate
        self._intended = None     # the loaded <config> element (placeholders)
        self._replace = False
        self._running_cache = None
        self._compared = None     # (running, candidate) lines of the last compare, keys masked
        self.cli_connect = o.get("cli_connect")
        self.last_commit: dict = {}

    # ------------------------------------------------------------ connection
    def open(self):
        from napalm_grectl_cli.connect import netconf_connect, retrying
        self.m = retrying(self.policy, lambda: netconf_connect(
            self.policy.guard, self.hostname, self.port, self.username, self.password, self.key_file,
            self.timeout), label=f"{self.policy.guard.device}:{self.port}", clean=self._mask)
        caps = set(self.m.server_capabilities)
        need = {":candidate", ":confirmed-commit:1.1"}
        missing = [c for c in need if not any(c in x for x in caps)]
        if missing:
            self.m.close_session()
            raise ConnectionException(f"{self.hostname}: NETCONF server lacks {', '.join(sorted(missing))}")

    def close(self):
        if self.m is None:
            return
        try:
            if self._locked:
                self._cleanup()
            self.m.close_session()
        except Exception:
            pass
        self.m = None

    def is_alive(self):
        return {"is_alive": bool(self.m is not None and self.m.connected)}

    # ------------------------------------------------------------ helpers
    def _mask(self, text: str) -> str:
        return nx.mask_text(text, self.secrets)

    def _rpc(self, what: str, fn, *args, exc=CommitError, **kw):
        try:
            return fn(*args, **kw)
        except Exception as e:
            raise exc(f"{self.hostname}: {what} refused: {self._mask(rpc_error_text(e))}") from None

    def _get(self, source: str):
        reply = self._rpc(f"get-config {source}", self.m.get_config, source=source,
                          filter=("subtree", nx.FILTER), exc=ConnectionException)
        return nx.parse(reply.data_xml) if reply.data_xml else nx.parse("<data/>")  # no entity expansion

    def _owned(self, source: str, extra_ospf=frozenset()):
        return nx.owned(self._get(source), extra_ospf)

    def _cleanup(self):
        """discard-changes + unlock; never raises."""
        for fn in (self.m.discard_changes, lambda: self.m.unlock(target="candidate")):
            try:
                fn()
            except Exception:
                pass
        self._locked = self._loaded = False

    # ------------------------------------------------------------ getters
    def get_config(self, retrieve="all", full=False, sanitized=False, format="text"):
        out = {"running": "", "startup": "", "candidate": ""}
        if retrieve in ("all", "running"):
            out["running"] = nx.pretty(nx.mask_tree(self._owned("running")))
        if retrieve in ("all", "candidate"):
            out["candidate"] = nx.pretty(nx.mask_tree(self._owned("candidate")))
        return out

    def get_facts(self):
        return {"hostname": self.hostname, "vendor": "Cisco", "model": "IOS-XE (NETCONF)", "os_version": "",
                "serial_number": "", "uptime": -1.0, "fqdn": self.hostname, "interface_list": []}

    def cli(self, commands, encoding="text"):
        """``netconf get-config running`` (and ``candidate``): the owned subtrees, masked. Show
        commands are not answered over NETCONF."""
        out, show = {}, []
        for c in commands:
            words = c.split()
            if words[:2] == ["netconf", "get-config"] and len(words) == 3 and words[2] in ("running", "candidate"):
                out[c] = self.get_config(retrieve=words[2])[words[2]]
            else:
                show.append(c)
        if show:
            out.update(self._show(show))
        return out

    def _show(self, commands):
        """Show commands over an SSH CLI session beside NETCONF (IOS-XE answers both); masked."""
        conn = self._cli_session()
        try:
            return {c: nx.mask_text(conn.send_command(c, read_timeout=60), self.secrets) for c in commands}
        finally:
            conn.disconnect()

    def _cli_session(self):
        from napalm_grectl_cli.connect import netmiko_session, retrying
        args = dict(device_type="cisco_xe", host=self.hostname, port=self.cli_port, username=self.username,
                    password=self.password or None, key_file=self.key_file, use_keys=bool(self.key_file),
                    allow_agent=False, conn_timeout=self.timeout, banner_timeout=self.timeout,
                    auth_timeout=self.timeout, timeout=self.timeout)
        connect = self.cli_connect or (lambda **kw: netmiko_session(self.policy.guard, **kw))
        try:
            return retrying(self.policy, lambda: connect(**args),
                            label=f"{self.policy.guard.device}:{self.cli_port}", clean=self._mask)
        except ConnectionException as e:
            raise ConnectionException(f"no CLI session beside NETCONF: {e}") from None

    # ------------------------------------------------------------ candidate
    def _lock_fresh(self, exc):
        if not self._locked:
            self._rpc("lock candidate", self.m.lock, target="candidate", exc=exc)
            self._locked = True
        self._rpc("discard-changes", self.m.discard_changes, exc=exc)

    def _edit(self, xml: str, exc, what: str):
        # the keys go in as element text by lxml, at the last moment (never by text substitution)
        self._rpc(what, self.m.edit_config, target="candidate", config=nx.fill_keys(xml, self.secrets),
                  default_operation="merge", error_option="rollback-on-error", exc=exc)

    def _load(self, filename, config, replace: bool, exc):
        text = open(filename).read() if filename else config
        try:
            intended = nx.parse(text or "<config/>")
        except etree.XMLSyntaxError as e:
            raise exc(f"{self.hostname}: candidate is not XML: {e}") from None
        try:  # every placeholder has its key, and each sits where a key can go
            nx.fill_keys(etree.tostring(intended, encoding="unicode"), self.secrets)
        except KeyError as e:
            raise exc(f"{self.hostname}: {e.args[0]}") from None
        except (nx.PayloadError, ValueError) as e:
            raise exc(f"{self.hostname}: candidate: {e.__class__.__name__}: a key cannot be placed "
                      f"({e if isinstance(e, nx.PayloadError) else 'not XML text'})") from None
        try:
            self._lock_fresh(exc)
            self._intended, self._replace = intended, replace
            running = self._owned("running", nx.tunnel_ospf_ids(nx.native_of(intended))
                                  if nx.native_of(intended) is not None else set())
            self._running_cache = running
            if replace:
                want = nx.entries(nx.owned(intended, _ospf_ids(intended)))
                stale = [k for k in nx.entries(running) if k not in want]
                # what references goes first, then the intended entries, then what was referenced
                for (path, key) in [k for k in stale if k[0] in nx.REFERENCING]:
                    self._edit(nx.removal(path, key, running), exc, f"remove {path} {'/'.join(key)}")
                if want:
                    self._edit(nx.to_config(nx.with_operation(intended, "replace")), exc, "edit-config")
                for (path, key) in [k for k in stale if k[0] not in nx.REFERENCING]:
                    self._edit(nx.removal(path, key, running), exc, f"remove {path} {'/'.join(key)}")
            elif nx.native_of(intended) is not None and len(nx.native_of(intended)):
                self._edit(nx.to_config(intended), exc, "edit-config")
            self._loaded = True
        except Exception:
            self._cleanup()
            raise

    def load_replace_candidate(self, filename=None, config=None):
        self._load(filename, config, True, ReplaceConfigException)

    def load_merge_candidate(self, filename=None, config=None):
        self._load(filename, config, False, MergeConfigException)

    def compare_config(self):
        if not self._loaded:
            return ""
        extra = _ospf_ids(self._intended)
        try:
            before = nx.lines(nx.mask_tree(nx.owned(self._get("running"), extra)))
            after = nx.lines(nx.mask_tree(nx.owned(self._get("candidate"), extra)))
        except Exception:
            self._cleanup()
            raise
        self._compared = (before, after)
        import difflib
        return "\n".join(difflib.unified_diff(before, after, "running", "candidate", lineterm="", n=0))

    def discard_config(self):
        if self.m is not None and self._locked:
            self._cleanup()
        self._intended = None

    def commit_config(self, message="", revert_in=None):
        if not self._loaded:
            raise CommitError(f"{self.hostname}: no candidate loaded")
        compared, self._compared = self._compared or self._lines_now(), None
        try:
            if revert_in:
                pid = f"grectl-{uuid.uuid4().hex[:12]}"
                self._rpc("commit confirmed", self.m.commit, confirmed=True, timeout=str(int(revert_in)),
                          persist=pid)
                with _LOCK:
                    _PENDING[(self.hostname, self.port)] = pid
            else:
                self._rpc("commit", self.m.commit)
        except Exception:
            self._cleanup()
            raise
        self._loaded = False
        try:
            self.m.unlock(target="candidate")
        finally:
            self._locked = False
        self.last_commit = {"sa_reset": self._reset_sas(compared)}

    def _lines_now(self):
        """Running and candidate lines (keys masked) when no compare came before the commit."""
        try:
            extra = _ospf_ids(self._intended)
            return (nx.lines(nx.mask_tree(nx.owned(self._get("running"), extra))),
                    nx.lines(nx.mask_tree(nx.owned(self._get("candidate"), extra))))
        except Exception:
            return None

    def _reset_sas(self, compared) -> dict:
        """``clear crypto session remote A`` for each peer A the commit re-negotiates, on the CLI
        session beside NETCONF (no RPC for it in the YANG). Never raises; no session is opened
        when nothing is to be cleared."""
        if compared is None:
            return {"peers": [], "failed": ["running and candidate could not be read: no SA reset"]}
        peers = rn.renegotiated(*compared)
        failed: list[str] = []
        if peers:
            try:
                conn = self._cli_session()
            except Exception as e:
                failed.append(self._mask(f"{e.__class__.__name__}: {e}"))
            else:
                try:
                    for cmd in rn.reset_commands(peers):
                        try:
                            problem = rn.reset_error(cmd, conn.send_command(cmd))
                        except Exception as e:
                            problem = self._mask(f"{cmd}: {e.__class__.__name__}: {e}")
                        if problem:
                            failed.append(problem)
                finally:
                    try:
                        conn.disconnect()
                    except Exception:
                        pass
        for f in failed:
            log.warning("%s: crypto session clear: %s", self.hostname, f)
        return {"peers": peers, "failed": failed}

    def _pending_id(self) -> str | None:
        with _LOCK:
            return _PENDING.get((self.hostname, self.port))

    def confirm_commit(self):
        pid = self._pending_id()
        if pid is None:
            raise CommitError(f"{self.hostname}: no confirmed commit of this controller is pending")
        self._rpc("confirming commit", self.m.commit, persist_id=pid)
        with _LOCK:
            _PENDING.pop((self.hostname, self.port), None)

    def has_pending_commit(self):
        return self._pending_id() is not None

    def rollback(self):
        """Cancel this controller's pending confirmed commit (running goes back at once)."""
        pid = self._pending_id()
        if pid is None:
            raise CommitError(f"{self.hostname}: nothing to roll back: no pending confirmed commit "
                              "(restore a backup with load_replace_candidate)")
        self._rpc("cancel-commit", self.m.cancel_commit, persist_id=pid)
        with _LOCK:
            _PENDING.pop((self.hostname, self.port), None)


def _ospf_ids(intended) -> set[str]:
    """OSPF processes an intended document names (on tunnels or under router ospf)."""
    nat = nx.native_of(intended) if intended is not None else None
    if nat is None:
        return set()
    return nx.tunnel_ospf_ids(nat) | {nx._text(p, "id") for p in nx.walk(nat, "router/router-ospf/ospf/process-id")}
