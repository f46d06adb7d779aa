"""The agent re-establishes exactly the IKE SAs whose negotiated parameters a commit changes."""
import pytest

from napalm_linux_frr import agent, linuxconf


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
