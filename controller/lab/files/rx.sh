#!/bin/bash
# rx TARGET CMD [ARG...]: run CMD on a lab node.
#   TARGET = a router name (its netns + private mount/UTS namespace), "lan-<router>-<n>" (LAN host),
#   "internet", or "root" (the namespace that holds the lab: UML root or the host).
BIN=$(cd "$(dirname "$0")" && pwd)
. "$BIN/env.sh"
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
T=$1; shift
if [ "$T" = root ]; then
  exec "$@"
elif [ -e "$RUN/ns/$T.mnt" ] && [ -e "/run/netns/$P$T" ]; then
  exec nsenter --net="/run/netns/$P$T" --mount="$RUN/ns/$T.mnt" --uts="$RUN/ns/$T.uts" --wd=/ -- "$@"
elif [ -e "/run/netns/$P$T" ]; then
  exec ip netns exec "$P$T" "$@"
fi
echo "rx: no such lab node: $T" >&2
exit 127
