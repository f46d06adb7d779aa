#!/bin/bash
# grectl lab: build the router namespaces and run their daemons.
# Runs as root in the UML root namespace (uml backend) or on the host (netns backend).
# usage: lab.sh up|status|stop      (env.sh and topo/*.batch next to this script describe the lab)
# Every process start costs ~50 ms of the one UML CPU: the topology is built with `ip -batch`
# (one process for the namespaces and links, one per namespace), status uses shell builtins only.
BIN=$(cd "$(dirname "$0")" && pwd)
. "$BIN/env.sh"
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
mark() { local u; read -r u _ < /proc/uptime; echo "$u $*" >> "$STATE/log/timing"; }

build_topology() {
  ip -batch "$BIN/topo/root.batch" || return 1
  local f n
  for f in "$BIN"/topo/*.batch; do
    n=${f##*/}; n=${n%.batch}
    [ "$n" = root ] && continue
    ip -n "$P$n" -batch "$f" || return 1
  done
  nsenter --net="/run/netns/${P}internet" sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward'
}

# Router R gets a persistent mount+UTS namespace (bound on $RUN/ns/R.{mnt,uts}); its private
# files live in $RUN/r/R, which becomes the router's /run (upper dirs in /run/.lab).
start_router() {
  local r=$1 d=$RUN/r/$1
  cp -a "$STATE/gen/$r" "$d"
  : > "$RUN/ns/$r.mnt"; : > "$RUN/ns/$r.uts"
  nsenter --net="/run/netns/$P$r" unshare --mount="$RUN/ns/$r.mnt" --uts="$RUN/ns/$r.uts" \
    --propagation private "$BIN/router.sh" "$r" "$STATE/gen/$r.fstab" > "$STATE/log/router-$r.log" 2>&1
}

alive() { local p; [ -s "$1" ] && read -r p < "$1" && kill -0 "$p" 2>/dev/null && echo 1 || echo 0; }

lab_status() {
  local r d up mi
  mapfile -t mi < /proc/self/mountinfo
  mi=" ${mi[*]} "
  for r in $ROUTERS; do
    d=$RUN/r/$r; up=0
    [ -e "/run/netns/$P$r" ] && [[ $mi == *" $RUN/ns/$r.mnt "*" - nsfs "* ]] && up=1
    echo "$r up=$up sshd=$(alive "$d/sshd.pid") charon=$(alive "$d/charon.pid")" \
      "zebra=$(alive "$d/frr/zebra.pid") ospfd=$(alive "$d/frr/ospfd.pid") staticd=$(alive "$d/frr/staticd.pid")"
  done
}

lab_stop() {
  local r d f p
  for r in $ROUTERS; do
    d=$RUN/r/$r
    [ -e "$RUN/ns/$r.mnt" ] || continue
    for f in "$d/frr/watchfrr.pid" "$d"/frr/[!w]*.pid "$d/charon.pid" "$d/sshd.pid"; do
      [ -s "$f" ] && read -r p < "$f" && kill "$p" 2>/dev/null
    done
  done
  [ "$MODE" = uml ] && { sleep 0.5; return 0; }
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
  build_topology || { echo "topology failed"; return 1; }
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
