"""Connection options: keys reach only drivers that swap placeholders themselves."""
from controller import inventory
from tasks.common import make_nornir
from tests.conftest import edit_yaml, ipv4_only


def test_keys_only_to_drivers_that_swap_placeholders(inv):
    ipv4_only(inv)  # the platform takes IPv4 only so far (issue 22)
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


def test_nornir_built_from_the_inventory_already_read(inv, monkeypatch):
    """make_nornir reads no inventory file again: Nornir's hosts come from what inventory.load read,
    with Nornir's own inheritance (a group's username reaches its hosts)."""
    edit_yaml(inv / "groups.yaml", {"lab_linux.username": "from-group"})
    ov = inventory.load(inv)
    from nornir.plugins.inventory.simple import SimpleInventory

    def no_second_read(self):
        raise AssertionError("SimpleInventory read the files again")
    monkeypatch.setattr(SimpleInventory, "load", no_second_read)
    nr = make_nornir(ov)
    try:
        hosts = nr.inventory.hosts
        assert set(hosts) == set(ov.devices)
        assert {h.username for h in hosts.values()} == {"from-group"}
        assert hosts["osaka"].hostname == ov.devices["osaka"].hostname
    finally:
        nr.close_connections()
