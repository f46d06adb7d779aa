#!/bin/bash
# router.sh NAME DIR: runs in router NAME's netns, in its new (persistent) mount+UTS namespace.
# DIR becomes the router's /run; /etc and /var/lib are overlays with upper dirs in DIR/.lab,
# /var/log, /root, /tmp, /var/tmp are DIR/.lab subdirs. Nothing is written to the host's files.
set -e
R=$1 D=$2
hostname "$R"
mount -t sysfs sysfs /sys
mount --bind "$D" /run
L=/run/.lab
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$L/etc,workdir=$L/etc.w" /etc
mount -t overlay overlay -o "lowerdir=/var/lib,upperdir=$L/lib,workdir=$L/lib.w" /var/lib
mount --bind $L/log /var/log
mount --bind $L/root /root
mount --bind $L/tmp /tmp
mount --bind $L/vtmp /var/tmp
cd /
# only this router's host key; root may log in with the lab key (never a password)
for f in /etc/ssh/ssh_host_*; do
  case $f in */ssh_host_ed25519_key|*/ssh_host_ed25519_key.pub) ;; *) rm -f "$f" ;; esac
done
grep -q '^root:!' /etc/shadow && sed -i 's/^root:![^:]*:/root:*:/' /etc/shadow
mkdir -p /run/sshd /var/log/frr /etc/grectl
chown frr:frr /var/log/frr
/usr/sbin/sshd -E /var/log/sshd.log
setsid -f /usr/lib/ipsec/charon </dev/null >/var/log/charon.out 2>&1
/usr/lib/frr/frrinit.sh start </dev/null >/var/log/frrinit.log 2>&1
