"""The Linux router's containerlab node: a plain container that grectl sets up by exec."""
from ..clab import ClabKind

CLAB = (
    ClabKind("linux", "quay.io/frrouting/frr:9.1.0", setup="exec",
             services="strongSwan, sshd (lab_key.pub as root's key) and FRR installed and started by exec"),
)
