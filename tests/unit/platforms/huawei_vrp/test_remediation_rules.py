"""VRP remediation runs on hier_config's Huawei VRP driver (issue 21, point 4): the rules grectl
adds to it, each against what the stock driver does on the same input (asserted as it is today, so
a hier_config release that changes it shows here)."""
import pytest
from hier_config import Platform, get_hconfig
from hier_config.exceptions import DuplicateChildError

from controller.platforms.huawei_vrp.remediation import remediation

TUN = "interface Tunnel0/0/2\n description grectl: tokyo\n ip address 172.16.0.6 255.255.255.252\n mtu {mtu}\n#\n"
OSPF = "ospf 1 router-id {rid}\n area 0.0.0.0\n  network 10.1.3.0 0.0.0.255\n{extra}#\n"


def stock(running: str, intended: str) -> list[str]:
    rem = get_hconfig(Platform.HUAWEI_VRP, running).config_to_get_to(get_hconfig(Platform.HUAWEI_VRP, intended))
    return [" " * (c.depth() - 1) + c.text for c in rem.all_children_sorted()]


CASES = {
    # VRP overrides a single-valued line in place: no undo first (the stock driver undoes it)
    "override in place": (TUN.format(mtu=1434), TUN.format(mtu=1400),
                          ["interface Tunnel0/0/2", " mtu 1400", "quit"],
                          ["interface Tunnel0/0/2", " undo mtu 1434", " mtu 1400"]),
    # VRP prints the key in its own cipher form: not a change (the stock driver replaces it each deploy)
    "cipher-form key": ("ike peer grectl-a\n pre-shared-key cipher %^%#abc\n#\n",
                        "ike peer grectl-a\n pre-shared-key cipher %{psk:0123456789ab}\n#\n",
                        [],
                        ["ike peer grectl-a", " undo pre-shared-key cipher %^%#abc",
                         " pre-shared-key cipher %{psk:0123456789ab}"]),
    # the OSPF process is `ospf 1`; its router-id is no object of grectl's (stock: undo the whole process)
    "ospf header": (OSPF.format(rid="10.1.3.9", extra=""), OSPF.format(rid="10.1.3.1", extra=""),
                    [],
                    ["undo ospf 1 router-id 10.1.3.9", "ospf 1 router-id 10.1.3.1", " area 0.0.0.0",
                     "  network 10.1.3.0 0.0.0.255"]),
    # ownership: a LAN network grectl does not render stays (stock: undone)
    "someone's network": (OSPF.format(rid="10.1.3.1", extra="  network 10.9.0.0 0.0.0.255\n"),
                          OSPF.format(rid="10.1.3.1", extra=""),
                          [],
                          ["ospf 1 router-id 10.1.3.1", " area 0.0.0.0", "  undo network 10.9.0.0 0.0.0.255"]),
    # ownership: someone's tunnel stays (stock: undone)
    "someone's tunnel": ("interface Tunnel0/0/9\n description customer\n#\n" + TUN.format(mtu=1400),
                         TUN.format(mtu=1400),
                         [],
                         ["undo interface Tunnel0/0/9"]),
}


@pytest.mark.parametrize("name", CASES)
def test_grectl_rules_over_the_stock_driver(name):
    running, intended, ours, theirs = CASES[name]
    assert remediation(running, intended) == ours
    assert stock(running, intended) == theirs


def test_a_block_printed_twice_is_read_not_refused():
    running = "ike peer grectl-a\n version 1\n#\nike peer grectl-a\n version 2\n#\n"
    with pytest.raises(DuplicateChildError):
        get_hconfig(Platform.HUAWEI_VRP, running)
    assert remediation(running, "ike peer grectl-a\n version 2\n#\n") == []
    assert remediation(running, "") == ["undo ike peer grectl-a", "undo ike peer grectl-a"]   # as printed
