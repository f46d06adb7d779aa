"""The lab's state dir, generated: keys, scripts, per-router files (sshd, strongSwan, FRR, grectl's
agent dir) from the templates in files/, and the ``ip -batch`` topology files the scripts run.
See ``runtime`` for the layout."""
from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path
from string import Template

from controller.lab import backends
from controller.lab.backends.base import run as _run
from controller.lab.topology import LabTopology

FILES = Path(__file__).resolve().parent / "files"
SCRIPTS = {"lab.sh": "lab.sh", "router.sh": "router.sh", "rx.sh": "rx", "umlinit.sh": "umlinit.sh",
           "modprobe.sh": "modprobe"}
CHARON_PLUGINS = ("random nonce openssl pem pkcs1 pkcs8 x509 pubkey revocation constraints aes sha1 sha2 hmac gcm "
                  "kdf curve25519 kernel-netlink socket-default vici updown").split()
SWANCTL_PLUGINS = "random nonce openssl pem pkcs1 pkcs8 x509 pubkey revocation constraints".split()
PLUGIN_DIR = Path("/usr/lib/ipsec/plugins")


def _keygen(path: Path, comment: str) -> None:
    if not path.exists():
        _run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)])


def _frr_daemons() -> str:
    try:
        text = Path("/etc/frr/daemons").read_text()
    except OSError:
        text = "zebra=yes\nstaticd=yes\nvtysh_enable=yes\n"
    text = re.sub(r"(?m)^ospfd=no", "ospfd=yes", text)
    if not re.search(r"(?m)^ospfd=", text):
        text += "ospfd=yes\n"
    return text


def _with_ospf6d(daemons: str) -> str:
    r"""The daemons file of a router that routes IPv6: ospf6d on (router.sh starts it then).

    >>> _with_ospf6d("ospfd=yes\nospf6d=no\n"), _with_ospf6d("ospfd=yes\n")
    ('ospfd=yes\nospf6d=yes\n', 'ospfd=yes\nospf6d=yes\n')
    """
    text = re.sub(r"(?m)^ospf6d=no", "ospf6d=yes", daemons)
    return text if re.search(r"(?m)^ospf6d=yes", text) else text + "ospf6d=yes\n"


def _installed(plugins: list[str]) -> list[str]:
    """Only plugins that exist, so charon and swanctl do not warn (Debian splits them up)."""
    return [p for p in plugins if (PLUGIN_DIR / f"libstrongswan-{p}.so").exists()]


def _chown(p: Path, user: str, group: str) -> None:
    try:
        shutil.chown(p, user, group)
    except (LookupError, PermissionError):
        pass


def _root_unlocked_shadow() -> str | None:
    """The host's /etc/shadow with a locked root ("root:!...") made key-only ("root:*"), so sshd
    lets the lab key in; None when root is not locked (the router then sees the host's file)."""
    try:
        text = Path("/etc/shadow").read_text()
    except OSError:
        return None
    new = re.sub(r"(?m)^root:![^:]*:", "root:*:", text)
    return new if new != text else None


def _template(name: str) -> Template:
    return Template((FILES / name).read_text())


def _generate(topo: LabTopology, state_dir: Path, backend: backends.Backend) -> None:
    for d in ("bin", "gen", "log", "ctl/q", "ctl/out", "ctl/run", "uml"):
        (state_dir / d).mkdir(parents=True, exist_ok=True)
    for src, dst in SCRIPTS.items():
        shutil.copy(FILES / src, state_dir / "bin" / dst)
        (state_dir / "bin" / dst).chmod(0o755)
    _keygen(state_dir / "id_ed25519", f"grectl-lab-{topo.name}")
    known = []
    daemons = _frr_daemons()
    strongswan_conf = _template("strongswan.conf.in").substitute(
        charon=" ".join(_installed(CHARON_PLUGINS)), swanctl=" ".join(_installed(SWANCTL_PLUGINS)))
    sshd_config = _template("sshd_config.in")
    senv = backend.script_env(topo, state_dir)
    P, RUN = senv["P"], senv["RUN"]
    shadow = _root_unlocked_shadow()
    for r in topo.routers:
        # the router's private files, laid out as they are copied to $RUN/r/<router> (its /run)
        # by one `cp -a`: .lab/etc is the upper dir of /etc, the rest are private dirs
        skel = state_dir / "gen" / r.name
        lab_dir = skel / ".lab"
        etc = lab_dir / "etc"
        for d in ("ssh", "frr", "swanctl/conf.d", "grectl"):
            (etc / d).mkdir(parents=True, exist_ok=True)
        for d in ("etc.w", "lib", "lib.w", "log"):
            (lab_dir / d).mkdir(exist_ok=True)
        for d, mode in (("root", 0o700), ("tmp", 0o1777), ("vtmp", 0o1777)):
            (lab_dir / d).mkdir(exist_ok=True)
            (lab_dir / d).chmod(mode)
        (lab_dir / "root" / ".ssh").mkdir(mode=0o700, exist_ok=True)
        auth = lab_dir / "root" / ".ssh" / "authorized_keys"
        shutil.copy(state_dir / "id_ed25519.pub", auth)
        auth.chmod(0o600)
        key = etc / "ssh" / "ssh_host_ed25519_key"
        _keygen(key, r.name)
        key.chmod(0o600)
        pub = (etc / "ssh" / "ssh_host_ed25519_key.pub").read_text().split()
        known.append(f"{r.mgmt_ip} {pub[0]} {pub[1]}")
        (etc / "ssh" / "sshd_config").write_text(sshd_config.substitute(name=r.name, mgmt_ip=r.mgmt_ip))
        (etc / "strongswan.conf").write_text(strongswan_conf)
        (etc / "frr" / "daemons").write_text(_with_ospf6d(daemons) if r.ipv6 else daemons)
        (etc / "frr" / "vtysh.conf").write_text("service integrated-vtysh-config\n")
        (etc / "frr" / "frr.conf").write_text(f"hostname {r.name}\n")
        for f in [etc / "frr", *(etc / "frr").iterdir()]:
            f.chmod(0o750 if f.is_dir() else 0o640)
            _chown(f, "frr", "frr")
        (etc / "hostname").write_text(r.name + "\n")
        if shadow is not None:
            (etc / "shadow").write_text(shadow)
            (etc / "shadow").chmod(0o640)
            _chown(etc / "shadow", "root", "shadow")
        # every mount of the router in one `mount -a --fstab` (see router.sh); in order: once
        # its dir is bound on /run, its private files are under /run/.lab
        d = f"{RUN}/r/{r.name}"
        (state_dir / "gen" / f"{r.name}.fstab").write_text("\n".join([
            "lab-sysfs /sys sysfs defaults 0 0",
            f"{d} /run none bind 0 0",
            "lab-etc /etc overlay lowerdir=/etc,upperdir=/run/.lab/etc,workdir=/run/.lab/etc.w 0 0",
            "lab-varlib /var/lib overlay lowerdir=/var/lib,upperdir=/run/.lab/lib,workdir=/run/.lab/lib.w 0 0",
            *(f"/run/.lab/{src} {dst} none bind 0 0"
              for src, dst in (("log", "/var/log"), ("root", "/root"), ("tmp", "/tmp"), ("vtmp", "/var/tmp")))]) + "\n")
    (state_dir / "known_hosts").write_text("\n".join(known) + "\n")

    env = {
        "MODE": backend.name,
        "STATE": str(state_dir),
        **senv,
        "BR": f"gl{topo.name}-br",
        "MP": f"gl{topo.name}-m",
        "MGMT_HOST": str(topo.mgmt_host),
        "ROUTERS": " ".join(r.name for r in topo.routers),
    }
    (state_dir / "bin" / "env.sh").write_text("".join(f"{k}={shlex.quote(v)}\n" for k, v in env.items()))
    _topology_batches(topo, state_dir, backend.name, P, env)


def _topology_batches(topo: LabTopology, state_dir: Path, mode: str, P: str, env: dict) -> None:
    """The whole topology as `ip -batch` files: one for the namespace that holds the lab (namespaces,
    veth pairs, the management bridge) and one per namespace (addresses, links up, routes), so
    building it starts a few processes per router instead of ~25 (each costs ~50 ms under UML)."""
    plen = topo.mgmt_network.prefixlen
    br, inet = env["BR"], f"{P}internet"
    root = [f"netns add {inet}", f"link add {br} type bridge", f"link set {br} up"]
    root += ["link set vec0 master " + br, "link set vec0 up"] if mode == "uml" else [
        f"addr add {topo.mgmt_host} dev {br}"]
    per_ns: dict[str, list[str]] = {"internet": ["link set lo up"]}
    for i, r in enumerate(topo.routers, 1):
        inet_if = f"to-{r.name}" if len(r.name) <= 12 else f"w{i}"
        ns = f"{P}{r.name}"
        mp = f"{env['MP']}{i}"
        root += [f"netns add {ns}",
                 f"link add {r.wan_interface} netns {ns} mtu {r.underlay_mtu} type veth peer name {inet_if} "
                 f"netns {inet} mtu {r.underlay_mtu}",
                 f"link add mgmt0 netns {ns} type veth peer name {mp}",
                 f"link set {mp} master {br} up"]
        per_ns["internet"] += [f"addr add {r.wan_gateway}/{r.wan.network.prefixlen} dev {inet_if}",
                               f"link set {inet_if} up"]
        rl = ["link set lo up", f"addr add {r.wan} dev {r.wan_interface}", f"link set {r.wan_interface} up",
              f"route add default via {r.wan_gateway}",
              f"addr add {r.mgmt_ip}/{plen} dev mgmt0", "link set mgmt0 up"]
        for j, lan in enumerate(r.lans):
            h = f"lan-{r.name}-{j}"
            root += [f"netns add {P}{h}", f"link add {lan.interface} netns {ns} type veth peer name eth0 netns {P}{h}"]
            rl += [f"addr add {a} dev {lan.interface}{' nodad' if a.version == 6 else ''}"
                   for a in (lan.gateway, lan.gateway6) if a is not None] + [f"link set {lan.interface} up"]
            per_ns[h] = ["link set lo up",
                         *(f"addr add {a} dev eth0{' nodad' if a.version == 6 else ''}"
                           for a in (lan.host, lan.host6) if a is not None), "link set eth0 up",
                         *([f"route add default via {lan.gateway.ip}"] if lan.gateway is not None else []),
                         *([f"route add ::/0 via {lan.gateway6.ip}"] if lan.gateway6 is not None else [])]
        per_ns[r.name] = rl
    topo_dir = state_dir / "bin" / "topo"
    topo_dir.mkdir(exist_ok=True)
    (topo_dir / "root.batch").write_text("\n".join(root) + "\n")
    for ns, lines in per_ns.items():
        (topo_dir / f"{ns}.batch").write_text("\n".join(lines) + "\n")
