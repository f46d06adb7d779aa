"""A platform's containerlab node, as data: kind, default image, data ports, management, services.

Each platform folder lists the containerlab kinds it runs as (``lab.py``: ``CLAB``, the first is
the default) and hands them to ``Capabilities.clab``. Host data may pick another of those kinds
or another image: ``data: {clab: {kind: cisco_csr1000v, image: vrnetlab/cisco_csr1000v:17.03.08}}``.

>>> k = ClabKind("cisco_c8000v", "vrnetlab/cisco_c8000v:17.11.01a",
...              ports=tuple(f"GigabitEthernet{n}" for n in range(2, 9)), mgmt="GigabitEthernet1")
>>> k.endpoint("GigabitEthernet3"), k.endpoint("GigabitEthernet1"), k.endpoint("Dialer1")
('eth2', None, None)
>>> ClabKind("linux", "alpine:3.19").endpoint("wan0")
'wan0'
>>> override_problems((k,), {"kind": "cisco_iol"})
["kind 'cisco_iol' is not one this platform runs as (cisco_c8000v)"]
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, ValidationError

# a Docker image reference: [registry[:port]/]path[:tag][@sha256:digest], lower-case path
IMAGE_RE = re.compile(r"(?:[a-zA-Z0-9.-]+(?::[0-9]{1,5})?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
                      r"(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::\w[\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?")


@dataclass(frozen=True)
class ClabKind:
    """One containerlab kind a platform runs as.

    ``ports``: the device's names of its data ports 1..n, which containerlab wires as eth1..ethn
    (vrnetlab's mapping); empty: a plain container, whose interfaces carry the inventory's names.
    ``mgmt``: the device's name of the management port (containerlab's eth0, address = inventory
    ``hostname``). ``services``: how SSH and NETCONF come up. ``node``: extra node keys.
    ``setup``: ``exec`` when grectl brings the addresses and daemons up by containerlab exec (a
    Linux router); ``device`` when the NOS boots by itself and its WAN/LAN addresses are the
    engineer's startup configuration.
    """
    kind: str
    image: str
    ports: tuple[str, ...] = ()
    mgmt: str = "eth0"
    services: str = ""
    node: tuple[tuple[str, Any], ...] = ()
    setup: str = "device"

    def endpoint(self, name: str, canonical=lambda n: n) -> Optional[str]:
        """containerlab's name for the device port ``name``; None when it is not a data port."""
        if not self.ports:
            return name
        index = {canonical(p): i for i, p in enumerate(self.ports, 1)}
        i = index.get(canonical(name))
        return f"eth{i}" if i else None

    def spare_endpoints(self, used: set[str]):
        """Data ports not in ``used``, in order (for an interface the kind cannot place)."""
        return (f"eth{i}" for i in range(1, len(self.ports) + 1) if f"eth{i}" not in used)


class ClabOverride(BaseModel):
    """``data.clab`` in host data."""
    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Optional[str] = None
    image: Optional[str] = None


def override_problems(kinds: tuple[ClabKind, ...], value: Any) -> list[str]:
    """``data.clab`` against the kinds the platform runs as: one message per wrong key."""
    if not kinds:
        return ["this platform has no containerlab node"]
    try:
        o = ClabOverride.model_validate(value)
    except ValidationError as e:
        return [f"{'.'.join(map(str, err['loc'])) or 'value'}: {err['msg']}" for err in e.errors()]
    out = []
    if o.kind is not None and o.kind not in {k.kind for k in kinds}:
        out.append(f"kind {o.kind!r} is not one this platform runs as ({', '.join(k.kind for k in kinds)})")
    if o.image is not None and not IMAGE_RE.fullmatch(o.image):
        out.append(f"image {o.image!r} is not a container image reference")
    return out


def resolve(kinds: tuple[ClabKind, ...], data: dict) -> Optional[ClabKind]:
    """The kind a device runs as: the platform's default, or the host data's ``clab`` choice
    (validated by the inventory)."""
    if not kinds:
        return None
    o = ClabOverride.model_validate(data.get("clab") or {})
    kind = next((k for k in kinds if k.kind == o.kind), kinds[0])
    return replace(kind, image=o.image) if o.image else kind
