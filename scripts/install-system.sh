#!/usr/bin/env bash
# Debian packages grectl's lab needs. Installs without starting any system-wide daemon.
set -euo pipefail
# gcc/libc6-dev: the lab builds a small ptrace shim UML needs on CPUs with AVX-512/AMX state
PKGS="user-mode-linux uml-utilities kmod iproute2 iputils-ping fping frr frr-pythontools
      strongswan-charon strongswan-swanctl libstrongswan-standard-plugins openssh-server openssh-client
      openssl procps gcc libc6-dev python3 python3-venv"
# iosxe: yuma123 netconfd (the lab's NETCONF targets) and libyang's yanglint (offline YANG checks)
PKGS="$PKGS netconfd libyang2-tools"
# watch: the shipped units and compose file are checked by the tests (no engine, no daemon started)
PKGS="$PKGS systemd docker-compose"
# graph: Graphviz's layout programs (dot, twopi, sfdp); the status page's lab test loads it in headless chromium
PKGS="$PKGS graphviz chromium chromium-driver"
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
