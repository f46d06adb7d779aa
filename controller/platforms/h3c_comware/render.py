"""Render one H3C Comware 7 router's grectl objects (system-view commands) and map the neutral
proposals to Comware keywords. Pure.

GRE over IPsec the way H3C documents it for Comware: a GRE tunnel interface
(``interface Tunnel<n> mode gre``), an IPsec policy whose ACL permits GRE between the two WAN
addresses, applied on the WAN interface (``ipsec apply policy``), a transform set in transport mode,
and IKEv2 (the intent's only IKE version) through a keychain, a profile and a proposal. What Comware
is asked to do is limited to AES-CBC 128/256 with SHA-1/SHA-2 and DH group 14 (templates/comware.j2
cites each line). The IKE DPD delay is the IKEv2 profile's periodic ``dpd interval`` (cited there).

>>> esp("aes256-sha256")
{'encryption': 'aes-cbc-256', 'authentication': 'sha256'}
>>> ike("aes256-sha256-modp2048")["dh"]
'group14'
"""
from __future__ import annotations

from ... import proposals as neutral
from ...models import Overlay
from .. import dualstack
from ..derived import mtu_problems
from ..templating import environment
from . import values

GROUP = "grectl"
AUTH = {"sha1": "sha1", "sha256": "sha256", "sha384": "sha384", "sha512": "sha512"}
DH = {"modp2048": "group14"}
TRANSFORMS = frozenset(f"aes{k}-{h}" for k in (128, 256) for h in AUTH)
NAME = "Comware"


def esp(transform: str) -> dict:
    e = neutral.esp(transform)
    if e.encryption != "aes-cbc" or e.key_size not in (128, 256) or e.integrity not in AUTH:
        raise neutral.ProposalError(f"H3C Comware has no grounded ESP keyword for {transform!r}")
    return {"encryption": f"aes-cbc-{e.key_size}", "authentication": AUTH[e.integrity]}


def ike(proposal: str) -> dict:
    p = neutral.ike(proposal)
    if p.encryption != "aes-cbc" or p.key_size not in (128, 256):
        raise neutral.ProposalError(f"H3C Comware: IKE cipher {p.encryption}/{p.key_size} is not grounded here")
    if p.dh not in DH:
        raise neutral.ProposalError(f"H3C Comware: DH group {p.dh} is not grounded here (only {', '.join(DH)})")
    if p.integrity not in AUTH or p.prf not in AUTH:
        raise neutral.ProposalError(f"H3C Comware: integrity {p.integrity} / prf {p.prf} not available")
    return {"encryption": f"aes-cbc-{p.key_size}", "dh": DH[p.dh], "integrity": AUTH[p.integrity],
            "prf": AUTH[p.prf]}


def problems(overlay: Overlay, device: str) -> list[str]:
    i, out = overlay.intent, []
    try:
        esp(i.ipsec.transform)
    except neutral.ProposalError as e:
        out.append(f"ipsec.transform: platform h3c_comware of {device!r}: {e}")
    try:
        ike(i.ike.proposal)
    except neutral.ProposalError as e:
        out.append(f"ike.proposal: platform h3c_comware of {device!r}: {e}")
    return out


def _env():
    env = environment(__file__)
    env.filters.setdefault("w", values.word)
    env.filters.setdefault("d", values.text)
    env.filters.setdefault("v6", lambda a: values.word(str(a).upper()))
    return env


def range_problems(overlay: Overlay, device: str) -> list[str]:
    """Every number and name the Comware rendering of ``device`` carries against what Comware
    takes (``values.RANGES``, ``values.check_name``); a derived value names the field it comes from."""
    i, out = overlay.intent, []
    who = f"H3C Comware (device {device!r})"

    def check(field, what, value, command, note=""):
        why = values.out_of_range(what, value)
        if why:
            out.append(f"{field}: {who}: {command} {why}{note}")

    check("ike.lifetime", "ike_lifetime", i.ike.lifetime, "ikev2 profile sa duration")
    check("ike.dpd_delay", "dpd_interval", i.ike.dpd_delay, "ikev2 profile dpd interval")
    check("ipsec.lifetime", "ipsec_lifetime", i.ipsec.lifetime, "ipsec policy sa duration time-based")
    check("ospf.process", "ospf_process", i.ospf.process, "ospf")
    check("ospf.hello", "ospf_hello", i.ospf.hello, "ospf timer hello")
    check("ospf.dead", "ospf_dead", i.ospf.dead, "ospf timer dead")
    taken: dict[int, tuple[str, str]] = {}
    for t in overlay.tunnels_of(device):
        if t.cost is not None:
            field = "ospf.backup_cost" if t.kind == "backup" else "ospf.cost"
            check(field, "ospf_cost", t.cost, "ospf cost / ospfv3 cost")
        if "ipv6" in t.families:
            check(f"sites.{t.site}", "ipv6_mtu", overlay.tunnel_mtu(t), f"{t.end(device).interface} ipv6 mtu",
                  " (the tunnel MTU)")
        end = t.end(device)
        n, field = values.interface_number(end.interface), _field(t)
        what = " (N is the site id)" if n == end.number else f" (N is {device!r}'s {t.kind} tunnel number)"
        check(field, "tunnel_number", n, "interface Tunnel N mode gre", what)
        check(field, "policy_seq", n, "ipsec policy grectl N isakmp", what)
        if n in taken:
            other, other_field = taken[n]
            at = other_field if t.kind == "hubs" else field     # the site's id is what to change
            out.append(f"{at}: {who}: interface Tunnel{n} would carry both the tunnel to {end.peer} and the "
                       f"one to {other}: give the site another id")
        taken[n] = (end.peer, field)
        if i.gre.key:
            check(field, "gre_key", t.hub_end.number, "gre key", " (the GRE key is the site id)")
        why = values.check_name(f"{GROUP}-{end.peer}")
        if why:
            out.append(f"sites.{t.site}: {who}: object name {GROUP}-{end.peer} {why}")
        out += mtu_problems(overlay, device, t, who, check, f"{end.interface} mtu", f"{end.interface} tcp mss")
    return sorted(set(out), key=out.index)


def _field(t) -> str:
    """The intent field a tunnel's number comes from: the site's id, or the hubs' ids."""
    return f"hubs.{t.site}.id" if t.kind == "hubs" else f"sites.{t.site}.id"


def render(overlay: Overlay, device: str, secrets: dict[str, str], site: str | None = None) -> str:
    i, dev = overlay.intent, overlay.devices[device]
    tunnels = []
    for t in sorted(overlay.tunnels_of(device, site), key=lambda t: values.interface_number(t.end(device).interface)):
        end = t.end(device)
        mtu = overlay.tunnel_mtu(t)
        tunnels.append(dict(interface=end.interface, address=end.address, subnet=end.address.network,
                            wan=end.wan, peer_wan=end.peer_wan, mtu=mtu, mss=mtu - 40,
                            seq=values.interface_number(end.interface),
                            key=t.hub_end.number if i.gre.key else None, name=f"{GROUP}-{end.peer}",
                            secret=secrets[t.site], description=f"grectl: {end.peer}", cost=t.cost,
                            **dualstack.end6(overlay, t, device)))
    ctx = dict(tunnels=tunnels, group=GROUP, ike=i.ike, ipsec=i.ipsec, ospf=i.ospf,
               ike_p=ike(i.ike.proposal), esp_p=esp(i.ipsec.transform), wan_interface=dev.wan.interface,
               full=site is None or dev.role == "site", router_id=dev.router_id, lans=dev.lans,
               ospf6=any(t["ipv6"] for t in tunnels) or (site is None and bool(dev.lans6)),
               lans6=dualstack.lan6_pairs(overlay, device, values.canonical_interface))
    return _env().get_template("comware.j2").render(ctx)
