"""The Linux renderer writes linuxconf's canonical form directly (issue 26: no second parse of
every rendered config). Each shape below must come out as ``linuxconf.dump(linuxconf.parse(text))``
would write it: tunnels and swanctl blocks by name, FRR one-liners, interfaces, router ospf lines in
natural order."""
from pathlib import Path

import pytest
import yaml

from controller import inventory, render
from controller.platforms.linux.router import linuxconf
from tests.gen_inventory import generate


def _edit(inv: Path, change) -> Path:
    ov = yaml.safe_load((inv / "overlay.yaml").read_text())
    change(ov)
    (inv / "overlay.yaml").write_text(yaml.safe_dump(ov, sort_keys=False))
    hosts = yaml.safe_load((inv / "hosts.yaml").read_text())
    for k, name in enumerate([*ov["hubs"], *ov["sites"]]):
        hosts.setdefault(name, {"hostname": f"172.31.253.{k + 2}", "groups": ["linux"]})
    (inv / "hosts.yaml").write_text(yaml.safe_dump(hosts, sort_keys=False))
    return inv


def _many_lans(ov):  # lan10 sorts before lan2; networks in numeric order, not as written
    ov["hubs"]["hq"]["lans"] = [f"10.200.{k}.0/24" for k in range(12)]
    ov["sites"]["br3"]["lans"] = ["10.250.9.0/24", "10.250.1.0/25", "10.250.10.0/24"]
    ov["sites"]["br3"]["router_id"] = "1.2.3.4"
    ov["ospf"]["area"] = "0.0.0.7"


def _nat_t_and_key(ov):
    ov["nat_t"] = True
    ov["gre"] = {"key": True, "ttl": 32}


def _two_hubs(ov):
    ov["hubs"]["hq2"] = {k: v for k, v in ov["sites"].pop("br11").items() if k not in ("id", "hub")}
    for name in ("br2", "br10", "br7"):
        ov["sites"][name]["hub"] = "hq2"


def _lonely_hub(ov):
    ov["hubs"]["zz"] = {"wan": {"interface": "wan0", "address": "198.19.200.2/30"}, "lans": ["10.99.0.0/24"]}


SHAPES = [  # (id, overlay change, render_all arguments)
    ("plain", None, {}),
    ("many_lans", _many_lans, {}),
    ("nat_t_gre_key", _nat_t_and_key, {}),
    ("two_hubs", _two_hubs, {}),
    ("hub_without_sites", _lonely_hub, {}),
    ("site_scope", None, {"site": "br10"}),
    ("hub_only_site_scope", None, {"site": "br2", "device": "hq"}),
    ("keys_shown", None, {"show_secrets": True}),
]


@pytest.mark.parametrize("change, kwargs", [s[1:] for s in SHAPES], ids=[s[0] for s in SHAPES])
def test_rendered_text_is_canonical(tmp_path, change, kwargs):
    inv = generate(tmp_path / "inv", 12)
    if change is not None:
        _edit(inv, change)
    configs = render.render_all(inventory.load(inv), **kwargs)
    assert configs
    for device, text in configs.items():
        assert linuxconf.dump(linuxconf.parse(text)) == text, device


@pytest.mark.parametrize("key, outcome", [
    ("bench{ps}k-0123456789abcdef", "canonical"),      # balanced: a plain line to the block parser
    ("bench}psk-0123456789abcdef", "swanctl: expected"),  # as before: the parser refuses the text
])
def test_keys_with_braces_take_the_parsing_way(tmp_path, key, outcome):
    inv = generate(tmp_path / "inv", 2, psk=key)
    ov = inventory.load(inv)
    if outcome == "canonical":
        for text in render.render_all(ov, show_secrets=True).values():
            assert f'secret = "{key}"' in text
            assert linuxconf.dump(linuxconf.parse(text)) == text
    else:
        with pytest.raises(ValueError, match=outcome):
            render.render_all(ov, show_secrets=True)
