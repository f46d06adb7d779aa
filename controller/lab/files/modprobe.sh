#!/bin/sh
# kernel.modprobe inside UML: the modules are under /run/mods/lib/modules (see umlinit.sh)
exec /sbin/modprobe -d /run/mods "$@"
