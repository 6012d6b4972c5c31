#!/bin/sh
# mkinitrd.sh - build the lab's busybox initramfs.
#
# usage: mkinitrd.sh -o OUT -c CMD [-k ID] [-q QEMU] FILE...
#   FILE...  copied into /lab/ (binaries must be static: there is no libc)
#   -c CMD   shell command /init runs in /lab, e.g. "./mytest -v"
#   -k ID    cached kernel whose modules go in (default: the last setup.sh
#            prepared; ID is its directory in the cache, see setup.sh)
#   -o OUT   the gzip'd newc cpio to write
#   -q QEMU  also a QEMU for L2 guests (lab/qemu.sh): "host" (the host's
#            /usr/bin/qemu-system-x86_64), a binary, a directory, a .deb or
#            "sid"; it runs as qemu-system-x86_64 on /init's PATH
# Env: VIRQ_LAB_CACHE (as setup.sh), LAB_VFIO_IDS (vendor:device list bound
#   to vfio-pci, default "1234:11e8 8086:10d3" = QEMU edu and e1000e),
#   LAB_MODULES (extra modules to load, after the KVM/VFIO ones),
#   LAB_BASE_MODULES (instead of the KVM/VFIO ones: "e1000e" for the Linux
#   L2 guest of lab/linux-move-run.sh), LAB_QEMU_L2 (as -q).
# A module the kernel has neither as a module nor built in goes to
# /lib/modules/missing, which /init reports (LAB-MODULE m missing: ...).
# Exit: 0 ok, 2 usage, 3 failure.
set -eu
LAB_DIR=$(cd "$(dirname "$0")" && pwd)
CACHE=${VIRQ_LAB_CACHE:-$LAB_DIR/../build/lab-cache}
# kvm_intel cannot load under TCG (no VMX); /init reports it and goes on
MODULES="${LAB_BASE_MODULES:-kvm kvm_amd kvm_intel irqbypass vfio vfio_iommu_type1 vfio_pci} ${LAB_MODULES:-}"
OUT='' CMD='' ID='' ST='' QEMU_L2=${LAB_QEMU_L2:-}

die() { echo "lab: mkinitrd: $*" >&2; exit 3; }
usage() { sed -n '/^set -eu/q;2,$p' "$0" >&2; exit 2; }
trap 'rc=$?; trap - EXIT; [ -z "$ST" ] || rm -rf "$ST"
      [ $rc = 0 ] || [ $rc = 2 ] || exit 3' EXIT
trap 'exit 3' INT TERM HUP

while getopts o:c:k:q:h opt; do
    case $opt in
        o) OUT=$OPTARG ;; c) CMD=$OPTARG ;; k) ID=$OPTARG ;; q) QEMU_L2=$OPTARG ;;
        *) usage ;;
    esac
done
shift $((OPTIND - 1))
{ [ -n "$OUT" ] && [ -n "$CMD" ]; } || usage
for f in "$@"; do [ -e "$f" ] || die "no such file: $f"; done
[ -n "$ID" ] || ID=$(cat "$CACHE/kernels/last" 2>/dev/null) ||
    die "no kernel chosen: run lab/setup.sh first or pass -k"
# the cache id is the kernel's version, or local-<version> for a user's own
KV=$(cat "$CACHE/kernels/$ID/kver" 2>/dev/null || echo "$ID")
MDIR=$CACHE/kernels/$ID/lib/modules/$KV
[ -f "$MDIR/modules.dep" ] || die "kernel $ID is not in $CACHE (run lab/setup.sh)"
[ -f "$LAB_DIR/init" ] || die "$LAB_DIR/init missing"

ST=$(mktemp -d "${TMPDIR:-/tmp}/lab-initrd.XXXXXX")
mkdir -p "$ST/bin" "$ST/dev" "$ST/proc" "$ST/sys" "$ST/tmp" "$ST/lab" \
         "$ST/lab-out" "$ST/lib/modules"
cp /bin/busybox "$ST/bin/busybox"
for a in $(/bin/busybox --list); do
    [ "$a" = busybox ] || ln -s busybox "$ST/bin/$a"
done
ln -s bin "$ST/sbin"

# Modules: dependencies are resolved here from modules.dep (listed
# last-needed-first) into a load-order list, so /init needs only insmod and
# no depmod data; .ko.xz etc. are unpacked since insmod may lack xz.
ORDER=$ST/lib/modules/order
: > "$ORDER"
add_mod() {  # $1 = path relative to $MDIR
    n=$(basename "$1"); n=${n%%.ko*}; n=$(echo "$n" | tr - _)
    ! grep -qx "$n" "$ORDER" || return 0
    case $1 in
        *.ko.xz)  xz -dc "$MDIR/$1" ;;
        *.ko.zst) command -v zstd >/dev/null || die "$1 needs zstd (package zstd)"
                  zstd -qdc "$MDIR/$1" ;;
        *.ko.gz)  gzip -dc "$MDIR/$1" ;;
        *.ko)     cat "$MDIR/$1" ;;
        *)        die "module $1: unknown compression" ;;
    esac > "$ST/lib/modules/$n.ko" || die "cannot unpack module $1"
    echo "$n" >> "$ORDER"
}
: > "$ST/lib/modules/missing"
for m in $MODULES; do
    pat=$(echo "$m" | sed 's/[-_]/[-_]/g')
    line=$(grep -E "(^|/)$pat\.ko(\.[a-z]+)?:" "$MDIR/modules.dep" | head -n1) || true
    if [ -z "$line" ]; then
        # built into this kernel: nothing to load
        if grep -qE "(^|/)$pat\.ko\$" "$MDIR/modules.builtin" 2>/dev/null; then
            echo "$m built-in" >> "$ST/lib/modules/missing"
        else
            echo "lab: mkinitrd: warning: module $m not in kernel $ID" >&2
            echo "$m absent" >> "$ST/lib/modules/missing"
        fi
        continue
    fi
    for d in $(echo "${line#*:}" | tr ' ' '\n' | sed '/^$/d' | tac); do
        add_mod "$d"
    done
    add_mod "${line%%:*}"
done

for f in "$@"; do cp -L "$f" "$ST/lab/"; done
printf '%s\n' "$CMD" > "$ST/lab/.cmd"
printf '%s\n' "${LAB_VFIO_IDS:-1234:11e8 8086:10d3 1b36:0010}" > "$ST/lab/.vfio_ids"
cp "$LAB_DIR/init" "$ST/init"
if [ -n "$QEMU_L2" ]; then
    # shellcheck source=lab/qemu.sh
    . "$LAB_DIR/qemu.sh"
    qemu_stage "$QEMU_L2" "$ST"
fi
chmod 755 "$ST/init"

# No device nodes in the archive: /init mounts devtmpfs and reopens the
# console, so the cpio can be built without root (owners forced to 0).
mkdir -p "$(dirname "$OUT")"
(cd "$ST" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -1) \
    > "$OUT.tmp.$$" || die "cpio/gzip failed"
mv "$OUT.tmp.$$" "$OUT"
