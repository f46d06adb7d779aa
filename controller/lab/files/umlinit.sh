#!/bin/bash
# PID 1 of the lab's UML kernel. The root fs is the host's / over hostfs, mounted read-only;
# only the lab state dir ($LAB_STATE, a kernel parameter) is mounted read-write, and every other
# writable path is a UML-only tmpfs. Then build the lab and serve the command queue.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# UML saves only the legacy+AVX part of each thread's XSAVE state when it switches threads that
# share an address space: keep glibc and OpenSSL off AVX-512 (zmm16-31, mask registers).
export GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX512F,-AVX512VL,-AVX512BW,-AVX512DQ,-AVX512CD
export OPENSSL_ia32cap="~0x0:~0x600d0230000"
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs -o mode=1777 shm /dev/shm
mount -t tmpfs -o mode=755 run /run
mount -t tmpfs -o mode=755 log /var/log
mount -t tmpfs -o mode=1777 tmp /tmp
mount -t tmpfs -o mode=1777 vartmp /var/tmp
mkdir -p "$LAB_STATE"
mount -t hostfs -o "$LAB_STATE" state "$LAB_STATE"
S=$LAB_STATE
exec >>"$S/log/init.log" 2>&1
echo "$(cut -d' ' -f1 /proc/uptime) init started" >> "$S/log/timing"
# modprobe wants <root>/lib/modules/<release>; the host has no /lib/modules, so use a tmpfs root
mkdir -p /run/mods/lib/modules
mount --bind /usr/lib/uml/modules /run/mods/lib/modules
echo "$S/bin/modprobe" > /proc/sys/kernel/modprobe   # crypto and other on-demand module loads
modprobe -d /run/mods -a overlay veth bridge dummy ipv6 ip_gre esp4 xfrm_user af_key gcm \
  ghash-generic ctr cbc seqiv echainiv authenc hmac sha1_generic sha256_generic sha512_generic drbg jitterentropy_rng \
  || echo "modprobe failed"
hostname uml-lab
# Socket buffers are global (the root namespace's values hold for every router's netns). ospfd
# asks for an 8 MB receive buffer on its raw socket but the default cap is 208 KB: at hub + 50
# the hub's socket overflowed (thousands of drops, hellos and DD packets lost) whenever ospfd
# waited for the CPU. The backlog holds packets queued to the one CPU's softirq.
echo 8388608 > /proc/sys/net/core/rmem_max
echo 8388608 > /proc/sys/net/core/wmem_max
echo 10000 > /proc/sys/net/core/netdev_max_backlog
ip link set lo up
echo "$(cut -d' ' -f1 /proc/uptime) modules loaded" >> "$S/log/timing"
# Packet processing first: on a real router forwarding does not queue behind management
# processes, but here one CPU runs every router's processes and the one kernel's softirqs. Under
# load (verify of hub + 50 starts hundreds of processes) ksoftirqd got a 1/26 share and DF pings
# through the hub timed out after 3 s.
for p in /proc/[0-9]*; do
  read -r c < "$p/comm" 2>/dev/null || continue
  case "$c" in ksoftirqd/*) renice -n -10 -p "${p#/proc/}" >/dev/null 2>&1 ;; esac
done
"$S/bin/lab.sh" up
echo "$(cut -d' ' -f1 /proc/uptime)" > "$S/ready"

halt_lab() {
  "$S/bin/lab.sh" stop
  sleep 0.5
  rm -f "$S/ready"
  sync
  halt -f
}
trap halt_lab INT TERM
# command queue: the host drops ctl/q/<id>.sh; results go to ctl/out/<id>.{out,rc}
Q=$S/ctl
mkdir -p "$Q/q" "$Q/out" "$Q/run"
# the poll's pause is bash's read timing out on a FIFO nobody writes: `sleep 0.2` started five
# processes a second for the lab's whole life (0.15 s of the one CPU per second, idle or not)
mkfifo /run/lab-tick && exec 9<>/run/lab-tick
pause() { read -r -t 0.2 -u 9 _ || true; }
while :; do
  for f in "$Q"/q/*.sh; do
    [ -e "$f" ] || continue
    id=${f##*/}; id=${id%.sh}
    mv "$f" "$Q/run/$id.sh"
    ( cd /; bash "$Q/run/$id.sh" >"$Q/out/$id.tmp" 2>&1; echo $? >"$Q/out/$id.rct"
      mv "$Q/out/$id.tmp" "$Q/out/$id.out"; mv "$Q/out/$id.rct" "$Q/out/$id.rc"; rm -f "$Q/run/$id.sh" ) &
  done
  [ -e "$Q/halt" ] && { rm -f "$Q/halt"; halt_lab; }
  pause
done
