"""Connection options: keys reach only drivers that swap placeholders themselves."""
from controller import inventory
from tasks.common import make_nornir
from tests.conftest import edit_yaml


def test_keys_only_to_drivers_that_swap_placeholders(inv):
    edit_yaml(inv / "hosts.yaml", {"osaka.platform": "ios", "osaka.data": {"ios_style": "tunnel-protection"}})
    edit_yaml(inv / "overlay.yaml", {"sites.osaka.wan.interface": "Gi0/0"})
    ov = inventory.load(inv)
    nr = make_nornir(ov, keys=inventory.psks(ov))
    try:
        args = {n: h.connection_options["napalm"].extras["optional_args"] for n, h in nr.inventory.hosts.items()}
    finally:
        nr.close_connections()
    assert "secrets" in args["tokyo"] and "secrets" in args["fukuoka"]    # linux_frr swaps them on the router
    assert "secrets" not in args["osaka"]                                 # NAPALM's ios driver never sees keys
    # NAPALM's ios driver, opened under grectl's connection policy (host keys, retries): issue 19
    from napalm import get_network_driver
    from napalm.ios.ios import IOSDriver
    assert nr.inventory.hosts["osaka"].connection_options["napalm"].platform == "ios_grectl"
    assert issubclass(get_network_driver("ios_grectl"), IOSDriver)
