"""FRR's running config read from each daemon's vty socket, merged as vtysh merges it.

``vtysh -c 'show running-config'`` builds its whole command tree before it asks the daemons:
0.3-0.6 s of CPU per read on a lab router (one UML CPU for every router), the largest part of a
0-change deploy. The read here asks each daemon itself (``enable`` + ``show running-config`` over
its vty socket, the protocol vtysh speaks, through the small perl client the state reads use:
``collect.VTY_CLIENT``) and merges the answers the way vtysh does for what linuxconf compares:

- one-liners once each, in the order the daemons print them (each daemon repeats ``frr version``,
  ``frr defaults`` and ``hostname``);
- blocks with the same header (``interface X`` from zebra and from ospfd) as one block, their
  lines in order, each once;
- the ``service integrated-vtysh-config`` line that vtysh prints from its own vtysh.conf, after
  the hostname.

Daemons are asked in vtysh's order (zebra first, ospfd before ospf6d), so ``router ospf`` comes
before ``router ospf6`` as in vtysh's answer. Without perl or a socket, or on any error, the read
falls back to vtysh (``read_script``).

>>> t = "frr version 8\\nhostname a\\ninterface x\\n ip ospf passive\\nexit\\n"
>>> z = "frr version 8\\nhostname a\\ninterface x\\n description d\\nexit\\n"
>>> print(merge(z + t, "service integrated-vtysh-config"))
hostname a
service integrated-vtysh-config
!
interface x
 description d
 ip ospf passive
exit
!
"""
from __future__ import annotations

import shlex

from .router.daemons import DAEMONS, merge  # noqa: F401  (the merge the agent uses too)

# charon's loaded connections over its vici socket (what `swanctl --list-conns --raw` asks, in
# the same perl as the vty reads: no swanctl process). vici: each packet a 4-byte length, a type
# byte (0 request, 1 response, 3 event register, 5 event confirm, 7 event) and a length-prefixed
# name; each list-conn event's message opens with a section (1) named after the connection.
# Printed in swanctl's raw form (the names are all linuxconf reads); on any failure swanctl answers.
# The socket without perl's Socket module, as collect.VTY_CLIENT opens it.
VICI_CLIENT = (
    "$|=1; my $m=shift; my $vp=shift; sub rd { my ($s,$n)=@_; my $b=q(); while (length($b)<$n) "
    "{ sysread($s,$b,$n-length($b),length($b)) or die } $b } print qq($m conns\\n); "
    "if (!eval { my $s; socket($s,1,1,0) && connect($s,pack(q(S Z*),1,$vp)) or die; "
    "for my $p (pack(q(CC/a*),3,q(list-conn)), pack(q(CC/a*),0,q(list-conns))) "
    "{ syswrite($s,pack(q(N),length $p).$p) or die } "
    "while (1) { my $p=rd($s,unpack(q(N),rd($s,4))); my $t=ord $p; "
    "if ($t==7) { my (undef,$n,$x)=unpack(q(C C/a* a*),$p); my ($k,$c)=unpack(q(C C/a*),$x); "
    "print qq(list-conn event {).$c.qq( {\\n) if $k==1 } elsif ($t==1) { last } elsif ($t!=5) { die } } "
    "close $s; 1 }) { system(q(swanctl),q(--list-conns),q(--raw)) } print qq($m frrd\\n); @ARGV or exit 1; ")


def read_script(marker: str, vty_dir: str, vtysh_conf: str = "/etc/frr/vtysh.conf",
                vici: str = "/var/run/charon.vici") -> str:
    """Shell lines (builtins but for one perl; swanctl and vtysh only as fallbacks): section
    ``conns`` holds charon's loaded connections, ``frrd`` the daemons' answers and ``vtyshconf``
    the service line of vtysh.conf; when the daemons cannot be read, section ``frr`` holds
    vtysh's answer."""
    from .collect import VTY_CLIENT
    d = shlex.quote(vty_dir)
    fallback = (f"{{ echo; echo '{marker} conns'; swanctl --list-conns --raw 2>/dev/null; "
                f"echo '{marker} frr'; vtysh -c 'show running-config' 2>/dev/null; }}")
    return (f"set --; for d in {' '.join(DAEMONS)}; do [ -S {d}/$d.vty ] && "
            f"set -- \"$@\" \"{vty_dir}/$d.vty|enable|show running-config\"; done\n"
            f"echo; echo '{marker} vtyshconf'\n"
            f"while IFS= read -r l; do case \"$l\" in *service\\ integrated-vtysh-config*) "
            f"printf '%s\\n' \"$l\";; esac; done < {shlex.quote(vtysh_conf)} 2>/dev/null\n"
            f"perl -e '{VICI_CLIENT}{VTY_CLIENT}' '{marker}' {shlex.quote(vici)} \"$@\" 2>/dev/null "
            f"|| {fallback}\n")
