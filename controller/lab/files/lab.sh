#!/bin/bash
# grectl lab: build the router namespaces and run their daemons.
# Runs as root in the UML root namespace (uml backend) or on the host (netns backend).
# usage: lab.sh up|status|stop      (env.sh and topo.sh next to this script describe the lab)
BIN=$(cd "$(dirname "$0")" && pwd)
. "$BIN/env.sh"
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
mark() { echo "$(cut -d' ' -f1 /proc/uptime) $*" >> "$STATE/log/timing"; }

add_internet() {
  ip netns add "${P}internet"
  ip -n "${P}internet" link set lo up
  ip netns exec "${P}internet" sysctl -qw net.ipv4.ip_forward=1
  ip link add "$BR" type bridge
  ip link set "$BR" up
  if [ "$MODE" = uml ]; then
    ip link set vec0 master "$BR"; ip link set vec0 up
  else
    ip addr add "$MGMT_HOST" dev "$BR"
  fi
}

# add_router NAME IDX WANIF WAN/LEN GW/LEN MTU MGMT/LEN INETIF
add_router() {
  local n=$P$1 gw=${5%/*}
  ip netns add "$n"
  ip -n "$n" link set lo up
  ip netns exec "$n" sysctl -qw net.ipv4.ip_forward=1
  ip link add "$3" netns "$n" mtu "$6" type veth peer name "$8" netns "${P}internet" mtu "$6"
  ip -n "$n" addr add "$4" dev "$3"; ip -n "$n" link set "$3" up
  ip -n "${P}internet" addr add "$5" dev "$8"; ip -n "${P}internet" link set "$8" up
  ip -n "$n" route add default via "$gw"
  ip link add mgmt0 netns "$n" type veth peer name "$MP$2"
  ip link set "$MP$2" master "$BR"; ip link set "$MP$2" up
  ip -n "$n" addr add "$7" dev mgmt0; ip -n "$n" link set mgmt0 up
}

# add_lan ROUTER J IFACE GW/LEN HOST/LEN
add_lan() {
  local h=${P}lan-$1-$2
  ip netns add "$h"
  ip -n "$h" link set lo up
  ip link add "$3" netns "$P$1" type veth peer name eth0 netns "$h"
  ip -n "$P$1" addr add "$4" dev "$3"; ip -n "$P$1" link set "$3" up
  ip -n "$h" addr add "$5" dev eth0; ip -n "$h" link set eth0 up
  ip -n "$h" route add default via "${4%/*}"
}

# Router R gets a persistent mount+UTS namespace (bound on $RUN/ns/R.{mnt,uts}); its private
# files live in $RUN/r/R, which becomes the router's /run (upper dirs in /run/.lab).
start_router() {
  local r=$1 d=$RUN/r/$1
  mkdir -p "$d/.lab"/{etc,etc.w,lib,lib.w,log,root,tmp,vtmp}
  cp -a "$STATE/gen/$r/etc/." "$d/.lab/etc/"
  chown -R frr:frr "$d/.lab/etc/frr"
  chmod 700 "$d/.lab/root"; chmod 1777 "$d/.lab/tmp" "$d/.lab/vtmp"
  mkdir -m 700 "$d/.lab/root/.ssh"
  install -m 600 "$STATE/id_ed25519.pub" "$d/.lab/root/.ssh/authorized_keys"
  touch "$RUN/ns/$r.mnt" "$RUN/ns/$r.uts"
  nsenter --net="/run/netns/$P$r" unshare --mount="$RUN/ns/$r.mnt" --uts="$RUN/ns/$r.uts" \
    --propagation private "$BIN/router.sh" "$r" "$d" > "$STATE/log/router-$r.log" 2>&1
}

alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null && echo 1 || echo 0; }

lab_status() {
  local r d up
  for r in $ROUTERS; do
    d=$RUN/r/$r; up=0
    [ -e "/run/netns/$P$r" ] && [ "$(stat -f -c %T "$RUN/ns/$r.mnt" 2>/dev/null)" = nsfs ] && up=1
    echo "$r up=$up sshd=$(alive "$d/sshd.pid") charon=$(alive "$d/charon.pid")" \
      "zebra=$(alive "$d/frr/zebra.pid") ospfd=$(alive "$d/frr/ospfd.pid") staticd=$(alive "$d/frr/staticd.pid")"
  done
}

lab_stop() {
  local r d
  for r in $ROUTERS; do
    d=$RUN/r/$r
    [ -e "$RUN/ns/$r.mnt" ] || continue
    "$BIN/rx" "$r" /usr/lib/frr/frrinit.sh stop >/dev/null 2>&1 &
  done
  wait
  for r in $ROUTERS; do
    d=$RUN/r/$r
    for f in "$d/charon.pid" "$d/sshd.pid"; do [ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null; done
  done
  [ "$MODE" = uml ] && return 0
  # netns backend: nothing may survive on the host
  sleep 0.5
  local n
  for n in $(ip netns list | awk '{print $1}' | grep "^$P"); do
    pids=$(ip netns pids "$n"); [ -n "$pids" ] && kill -9 $pids 2>/dev/null
  done
  for f in "$RUN"/ns/*.mnt "$RUN"/ns/*.uts; do umount "$f" 2>/dev/null; done
  umount "$RUN/ns" 2>/dev/null
  for n in $(ip netns list | awk '{print $1}' | grep "^$P"); do ip netns del "$n"; done
  ip link del "$BR" 2>/dev/null
  umount "$RUN" 2>/dev/null
  return 0
}

lab_up() {
  if [ "$MODE" = netns ]; then mkdir -p "$RUN"; mount -t tmpfs -o mode=700 lab "$RUN"; fi
  mkdir -p "$RUN/ns" "$RUN/r"
  mount --bind "$RUN/ns" "$RUN/ns"; mount --make-private "$RUN/ns"
  . "$BIN/topo.sh"
  mark "topology built"
  local r
  for r in $ROUTERS; do start_router "$r" & done
  wait
  mark "daemons started"
}

case "$1" in
  up) lab_up ;;
  status) lab_status ;;
  stop) lab_stop ;;
  *) echo "usage: $0 up|status|stop" >&2; exit 2 ;;
esac
