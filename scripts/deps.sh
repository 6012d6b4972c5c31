#!/bin/sh
# deps.sh - install the Debian packages virq needs, only those missing.
# Build: gcc make libc6-dev linux-libc-dev libjson-c-dev libcmocka-dev
# Fuzz:  clang (libFuzzer, clang-14 on Debian 12: make fuzz, make check)
# Lab:   qemu-system-x86 busybox-static cpio kmod xz-utils zstd (kernels
#        come from apt-get download in lab/setup.sh, never installed; zstd
#        for kernels whose modules are .ko.zst)
set -eu
pkgs="gcc clang make binutils libc6-dev linux-libc-dev libjson-c-dev libcmocka-dev \
      pkg-config qemu-system-x86 busybox-static cpio kmod xz-utils zstd ca-certificates"
need=
for p in $pkgs; do
    dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
        need="$need $p"
done
[ -n "$need" ] || exit 0
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
echo "deps: installing:$need" >&2
$SUDO apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $need >&2
