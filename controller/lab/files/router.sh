#!/bin/bash
# router.sh NAME FSTAB: runs in router NAME's netns, in its new (persistent) mount+UTS namespace.
# FSTAB mounts (in one `mount -a`) the router's dir as /run; /etc and /var/lib as overlays with
# upper dirs in /run/.lab; /var/log, /root, /tmp, /var/tmp from /run/.lab. Nothing is written to
# the host's files. Builtins where they do (each process start is ~50 ms of the one UML CPU).
set -e
R=$1
echo "$R" > /proc/sys/kernel/hostname
echo 1 > /proc/sys/net/ipv4/ip_forward
mount -a --fstab "$2"
cd /
# only this router's host key (sshd_config names it; the host's others are hidden anyway)
keys=()
for f in /etc/ssh/ssh_host_*; do
  case $f in */ssh_host_ed25519_key|*/ssh_host_ed25519_key.pub) ;; *) keys+=("$f") ;; esac
done
[ ${#keys[@]} -eq 0 ] || rm -f "${keys[@]}"
mkdir -p /run/sshd /var/log/frr /run/frr
chown frr:frr /var/log/frr /run/frr
# -r: no re-exec of sshd for each login (one exec less per SSH session: ~0.3 s of UML CPU).
# Not under nice: with sshd at nice 10 (tried for hub + 50's starved ospfd) a controller killed
# after its first confirm left the hub unconfirmed twice in CI (its confirm's channel was not yet
# open), so the hub reverted under confirmed sites: a mix. The confirms need sshd's CPU at once.
/usr/sbin/sshd -r -E /var/log/sshd.log
setsid -f /usr/lib/ipsec/charon </dev/null >/var/log/charon.out 2>&1
# FRR daemons started directly, without frrinit.sh and watchfrr: frrinit runs ~40 processes and a
# vtysh -b per daemon, and watchfrr restarted everything when a daemon was slow to answer (as all
# are when 50 routers start at once on one CPU), then kept polling every daemon. The config at
# this point is only the hostname. (`frrinit.sh start|stop` still work on a lab router.)
F="-d -F traditional -A 127.0.0.1"
/usr/lib/frr/zebra $F -s 90000000 </dev/null >>/var/log/frrinit.log 2>&1
/usr/lib/frr/staticd $F </dev/null >>/var/log/frrinit.log 2>&1
/usr/lib/frr/ospfd $F </dev/null >>/var/log/frrinit.log 2>&1
# a router that routes IPv6 (generate.py turned ospf6d on in its daemons file): OSPFv3 too
if grep -q '^ospf6d=yes' /etc/frr/daemons; then
  /usr/lib/frr/ospf6d $F </dev/null >>/var/log/frrinit.log 2>&1
fi
