#!/usr/bin/env bash
# Debian packages grectl's lab needs. Installs without starting any system-wide daemon.
set -euo pipefail
PKGS="user-mode-linux uml-utilities kmod iproute2 iputils-ping frr frr-pythontools
      strongswan-charon strongswan-swanctl openssh-server openssh-client openssl procps"
missing=$(for p in $PKGS; do dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'ok installed' || echo "$p"; done)
[ -z "$missing" ] && exit 0
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
# keep package scripts from starting frr/charon/sshd on the host
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
fi
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
