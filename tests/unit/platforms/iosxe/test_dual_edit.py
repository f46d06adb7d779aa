"""The iosxe_netconf driver's edit computation for dual-stack (issue 22): going dual-stack writes the
IPv6 objects (the tunnel's ipv6, ``ipv6 router ospf``, the LAN interface's ``ipv6 ospf`` entry and no
more of that interface); going back to IPv4 only removes them, the LAN interface's entry alone
(never the interface, whose own configuration stays)."""
from lxml import etree

from controller import inventory, render, secrets
from controller.platforms.iosxe import nativexml as nx
from controller.platforms.iosxe.driver import IosXeNetconfDriver
from tests.conftest import TEST_PSK

from .dual import dual_stack, v4_only

KEYS = {secrets.fingerprint(TEST_PSK): TEST_PSK}
OPERATOR_LAN = (f'<GigabitEthernet xmlns="{nx.NATIVE}"><name>2</name><description>LAN</description>'
                '<ip><address><primary><address>10.1.4.1</address><mask>255.255.255.0</mask></primary></address></ip>'
                '</GigabitEthernet>')


class Manager:
    """ncclient's manager as the driver's load uses it: running for get-config, every edit recorded."""

    def __init__(self, running: str):
        self.running, self.edits = running, []

    def lock(self, target):
        pass

    def unlock(self, target):
        pass

    def discard_changes(self):
        pass

    def get_config(self, source, filter=None):
        from types import SimpleNamespace
        return SimpleNamespace(data_xml=self.running)

    def edit_config(self, target, config, **kw):
        self.edits.append(config)


def running_of(payload: str, operator_lan=True) -> str:
    """A router's running datastore holding ``payload`` (keys in clear) and the operator's LAN interface."""
    root = nx.parse(nx.fill_keys(payload, KEYS))
    native = nx.native_of(root)
    if operator_lan:
        iface = next(c for c in native if nx.local(c) == "interface")
        lan = next((c for c in iface if nx.local(c) == "GigabitEthernet"), None)
        extra = etree.fromstring(OPERATOR_LAN)
        if lan is None:
            iface.append(extra)
        else:
            for c in list(extra)[1:]:
                lan.append(c)
    data = etree.Element(f"{{{nx.NC}}}data")
    data.append(native)
    return etree.tostring(data, encoding="unicode")


def load(running: str, intended: str) -> list[str]:
    d = IosXeNetconfDriver("kagoshima", "u", optional_args={"secrets": KEYS})
    d.m = Manager(running)
    d.load_replace_candidate(config=intended)
    return d.m.edits


def ops(edit: str) -> list[tuple[str, str]]:
    """(path of local names, operation) of each element of one edit that carries an operation."""
    root = etree.fromstring(edit.encode())
    out = []
    for el in root.iter():
        op = el.get(f"{{{nx.NC}}}operation") if isinstance(el.tag, str) else None
        if op:
            path = "/".join(nx.local(a) for a in reversed(list(el.iterancestors())) if nx.local(a) not in ("config",))
            out.append((f"{path}/{nx.local(el)}", op))
    return out


def payloads(tmp_path):
    inv = dual_stack(tmp_path)
    six = render.render_all(inventory.load(inv), device="kagoshima")["kagoshima"]
    four = render.render_all(inventory.load(v4_only(inv)), device="kagoshima")["kagoshima"]
    return four, six


def test_going_dual_stack_writes_the_ipv6_objects(tmp_path):
    four, six = payloads(tmp_path)
    edits = load(running_of(four), six)
    assert len(edits) == 1                                            # nothing stale: one replace edit
    done = ops(edits[0])
    assert ("native/interface/Tunnel", "replace") in done
    assert ("native/ipv6/router/ospf", "replace") in done
    assert ("native/interface/GigabitEthernet/ipv6/ospf/process", "replace") in done
    assert not any(p == "native/interface/GigabitEthernet" for p, _ in done)   # never the LAN interface
    lan = nx.lines(nx.parse(edits[0]))
    assert "native/interface/GigabitEthernet[name=2]/ipv6/ospf/process[id=1]/area = 0" in lan
    assert not any("GigabitEthernet[name=2]/description" in x or "GigabitEthernet[name=2]/ip/" in x for x in lan)
    assert "native/ipv6/unicast-routing" in lan


def test_back_to_ipv4_only_removes_them(tmp_path):
    four, six = payloads(tmp_path)
    edits = load(running_of(six), four)
    removed = [o for e in edits for o in ops(e) if o[1] == "remove"]
    assert sorted(removed) == [("native/interface/GigabitEthernet/ipv6/ospf/process", "remove"),
                               ("native/ipv6/router/ospf", "remove")]
    lan_rm = next(e for e in edits if "GigabitEthernet" in e and "remove" in e)
    assert nx.lines(nx.parse(lan_rm)) == ["native/interface/GigabitEthernet[name=2]/ipv6/ospf/process[id=1]"]
    replace = next(e for e in edits if "replace" in e)
    assert "ipv6" not in "\n".join(nx.lines(nx.parse(replace)))       # the tunnel replaced without its IPv6


def test_owned_reads_the_lan_entry_not_the_interface(tmp_path):
    _four, six = payloads(tmp_path)
    ls = nx.lines(nx.owned(nx.parse(running_of(six))))
    assert "native/interface/GigabitEthernet[name=2]/ipv6/ospf/process[id=1]/area = 0" in ls
    assert not any("description = LAN" in x or "10.1.4.1" in x and "GigabitEthernet" in x for x in ls)


def test_site_back_to_one_hub_removes_its_backup_tunnel(tmp_path):
    """osaka dual-homed (iosxe) -> homed on tokyo alone: the backup tunnel and its crypto objects go,
    the primary is replaced, nothing else is removed."""
    from tests.conftest import edit_yaml

    from .dual import dual_homed_xe
    inv = dual_homed_xe(tmp_path)
    homed = render.render_all(inventory.load(inv), device="osaka")["osaka"]
    edit_yaml(inv / "overlay.yaml", {"sites.osaka.hub": "tokyo"}, deletes=["sites.osaka.hubs"])
    single = render.render_all(inventory.load(inv), device="osaka")["osaka"]
    assert "<name>100001</name>" in homed and "100001" not in single
    edits = load(running_of(homed, operator_lan=False), single)
    removed = sorted(nx.lines(nx.parse(e))[0] for e in edits if "remove" in e)
    assert removed == ["native/crypto/ikev2/keyring[name=grectl-nagoya]", "native/crypto/ikev2/profile[name=grectl-nagoya]",
                       "native/crypto/ipsec/profile[name=grectl-nagoya]", "native/interface/Tunnel[name=100001]"]
