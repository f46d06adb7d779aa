"""Render one Huawei VRP router's grectl objects (system-view commands) and map the neutral
proposals to VRP keywords. Pure.

What VRP is asked to do is limited to what the cited Huawei pages show on AR routers
(templates/vrp.j2 [1]-[4]): ESP AES-CBC 128/256 with SHA-1/SHA-2 (no AES-GCM: the AR guide
retrieved here lists none), IKEv2 with AES-CBC, SHA-1/SHA-2 and DH group 14.

>>> esp("aes256-sha256")
{'encryption': 'aes-256', 'authentication': 'sha2-256'}
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
IKE_NUMBER = 99          # grectl's IKE proposal number (the AR range is 1-99)
AUTH = {"sha1": "sha1", "sha256": "sha2-256", "sha384": "sha2-384", "sha512": "sha2-512"}
INTEGRITY = {"sha1": "hmac-sha1-96", "sha256": "hmac-sha2-256", "sha384": "hmac-sha2-384", "sha512": "hmac-sha2-512"}
DH = {"modp2048": "group14"}
TRANSFORMS = frozenset(f"aes{k}-{h}" for k in (128, 256) for h in AUTH)


def esp(transform: str) -> dict:
    e = neutral.esp(transform)
    if e.encryption != "aes-cbc" or e.key_size not in (128, 256) or e.integrity not in AUTH:
        raise neutral.ProposalError(f"Huawei VRP has no grounded ESP keyword for {transform!r}")
    return {"encryption": f"aes-{e.key_size}", "authentication": AUTH[e.integrity]}


def ike(proposal: str) -> dict:
    p = neutral.ike(proposal)
    if p.encryption != "aes-cbc" or p.key_size not in (128, 256):
        raise neutral.ProposalError(f"Huawei VRP: IKE cipher {p.encryption}/{p.key_size} is not grounded here")
    if p.dh not in DH:
        raise neutral.ProposalError(f"Huawei VRP: DH group {p.dh} is not grounded here (only {', '.join(DH)})")
    if p.integrity not in AUTH or p.prf not in INTEGRITY:
        raise neutral.ProposalError(f"Huawei VRP: integrity {p.integrity} / prf {p.prf} not available")
    return {"encryption": f"aes-{p.key_size}", "dh": DH[p.dh], "authentication": AUTH[p.integrity],
            "integrity": INTEGRITY[p.integrity], "prf": INTEGRITY[p.prf].replace("-96", "")}


def problems(overlay: Overlay, device: str) -> list[str]:
    i, out = overlay.intent, []
    try:
        esp(i.ipsec.transform)
    except neutral.ProposalError as e:
        out.append(f"ipsec.transform: platform huawei_vrp of {device!r}: {e}")
    try:
        ike(i.ike.proposal)
    except neutral.ProposalError as e:
        out.append(f"ike.proposal: platform huawei_vrp of {device!r}: {e}")
    return out


def _env():
    """The platform's Jinja environment with VRP's guards: ``w`` passes one command word, ``d`` a
    description; each refuses what VRP would read differently. Every value in vrp.j2 goes through one."""
    env = environment(__file__)
    env.filters.setdefault("w", values.word)
    env.filters.setdefault("d", values.text)
    env.filters.setdefault("v6", lambda a: values.word(str(a).upper()))
    return env


def range_problems(overlay: Overlay, device: str) -> list[str]:
    """Every number the VRP rendering of ``device`` carries against the range VRP takes
    (``values.RANGES``); a derived number names the field it comes from. (The IKE DPD delay is not
    rendered on VRP: nothing to check.)"""
    i, out = overlay.intent, []
    who = f"Huawei VRP (device {device!r})"

    def check(field, what, value, command, note=""):
        why = values.out_of_range(what, value)
        if why:
            out.append(f"{field}: {who}: {command} {why}{note}")

    check("ike.lifetime", "ike_lifetime", i.ike.lifetime, "ike proposal sa duration")
    check("ipsec.lifetime", "ipsec_lifetime", i.ipsec.lifetime, "ipsec profile sa duration time-based")
    check("ospf.process", "ospf_process", i.ospf.process, "ospf")
    check("ospf.hello", "ospf_hello", i.ospf.hello, "ospf timer hello")
    check("ospf.dead", "ospf_dead", i.ospf.dead, "ospf timer dead")
    for t in overlay.tunnels_of(device):
        end = t.end(device)
        n = int(end.interface.rsplit("/", 1)[1])
        how = {"primary": "the site id", "backup": "the site id + 30000 (its backup tunnel)",
               "hubs": "60000 + the hub pair's slot"}[t.kind if end is t.site_end or t.kind == "hubs" else "primary"]
        check(f"sites.{t.site}.id" if t.kind != "hubs" else f"hubs.{t.site}.id", "tunnel_number", n,
              "interface Tunnel0/0/N", f" (N is {how})")
        if i.gre.key:
            check(f"sites.{t.site}.id", "gre_key", t.hub_end.number, "gre key", " (the GRE key is the site id)")
        out += mtu_problems(overlay, device, t, who, check, f"{end.interface} mtu", f"{end.interface} tcp adjust-mss")
    return sorted(set(out), key=out.index)


def render(overlay: Overlay, device: str, secrets: dict[str, str], site: str | None = None) -> str:
    i, dev = overlay.intent, overlay.devices[device]
    tunnels = []
    for t in overlay.tunnels_of(device, site):
        end = t.end(device)
        mtu = overlay.tunnel_mtu(t)
        tunnels.append(dict(interface=end.interface, address=end.address, subnet=end.address.network,
                            wan=end.wan, peer_wan=end.peer_wan, mtu=mtu, mss=mtu - 40,
                            key=t.hub_end.number if i.gre.key else None, name=f"{GROUP}-{end.peer}",
                            secret=secrets[t.site], description=f"grectl: {end.peer}", cost=t.cost,
                            **dualstack.end6(overlay, t, device)))
    ctx = dict(tunnels=tunnels, group=GROUP, ike_number=IKE_NUMBER, ike=i.ike, ipsec=i.ipsec, ospf=i.ospf,
               ike_p=ike(i.ike.proposal), esp_p=esp(i.ipsec.transform), nat_t=i.nat_t,
               full=site is None or dev.role == "site", router_id=dev.router_id, lans=dev.lans,
               ospf6=any(t["ipv6"] for t in tunnels) or (site is None and bool(dev.lans6)),
               lans6=dualstack.lan6_pairs(overlay, device, values.canonical_interface))
    return _env().get_template("vrp.j2").render(ctx)
