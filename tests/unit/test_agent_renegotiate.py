"""The agent re-establishes exactly the IKE SAs whose negotiated parameters a commit changes."""
import pytest

from controller.platforms.linux.router import agent, linuxconf


def doc(conns: dict[str, str], secrets: dict[str, str]) -> linuxconf.Doc:
    d = linuxconf.Doc()
    d.connections, d.secrets = dict(conns), dict(secrets)
    return d


BASE = doc({"osaka": "proposals = aes256-sha256-x25519", "fukuoka": "proposals = aes256-sha256-x25519"},
           {"ike-osaka": 'secret = "%{psk:aaaaaaaaaaaa}"', "ike-fukuoka": 'secret = "%{psk:aaaaaaaaaaaa}"'})


@pytest.mark.parametrize("after, expected", [
    (BASE, []),                                                             # nothing changed: nothing touched
    (doc(BASE.connections, {**BASE.secrets, "ike-osaka": 'secret = "%{psk:bbbbbbbbbbbb}"'}), ["osaka"]),  # key
    (doc({**BASE.connections, "fukuoka": "proposals = aes128-sha256-modp2048"}, BASE.secrets), ["fukuoka"]),
    (doc(BASE.connections, {k: 'secret = "%{psk:cccccccccccc}"' for k in BASE.secrets}), ["fukuoka", "osaka"]),
    (doc({**BASE.connections, "kobe": "x"}, {**BASE.secrets, "ike-kobe": "y"}), []),  # a new one: nothing to reset
    (doc({"osaka": BASE.connections["osaka"]}, {"ike-osaka": BASE.secrets["ike-osaka"]}), []),  # one removed
])
def test_renegotiated(after, expected):
    assert agent.renegotiated(BASE, after) == expected


HUB = "children {\n gre-{p} {\n start_action = trap\n }\n}"
SITE = "children {\n gre-{p} {\n start_action = start\n }\n}"


@pytest.mark.parametrize("conns, up, renegotiate, expected", [
    ({"osaka": SITE}, "", set(), ["gre-osaka"]),                        # an initiator without its SA
    ({"osaka": SITE}, "event {osaka {", set(), []),                      # its SA is up: nothing
    ({"osaka": HUB, "fukuoka": HUB}, "", set(), []),                     # a hub's traps wait for traffic
    ({"osaka": HUB, "fukuoka": HUB}, "", {"osaka"}, ["gre-osaka"]),      # ...but restart what it terminated
    ({"osaka": HUB}, "event {osaka {", {"osaka"}, []),                   # (already back up: nothing)
])
def test_initiate_missing(monkeypatch, conns, up, renegotiate, expected):
    started = []
    monkeypatch.setattr(agent, "sh", lambda *a, **k: up)
    monkeypatch.setattr(agent.subprocess, "Popen", lambda argv, **k: started.append(argv[argv.index("--child") + 1]))
    agent.initiate_missing(doc({n: b.replace("{p}", n) for n, b in conns.items()}, {}), renegotiate)
    assert started == expected
