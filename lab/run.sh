#!/bin/sh
# run.sh - run one command inside the lab: setup.sh + mkinitrd.sh + boot.sh.
#
# usage: run.sh [--kernel K [--modules M]] [--timeout S] [--qemu-extra ARGS]
#               [--qemu QEMU] --log LOG --outdir DIR --cmd CMD FILE...
#   --kernel K    as setup.sh --kernel (default 6.1): 5.10, 6.1, 6.12, 7.2,
#                 linux-image-PKG, a cached version or a kernel file
#   --modules M   as setup.sh --modules (with --kernel FILE)
#   --timeout S   as boot.sh -t (host hard limit, default 660)
#   --qemu-extra  as boot.sh --qemu-extra
#   --qemu QEMU   a QEMU for L2 guests in the initramfs (mkinitrd.sh -q:
#                 host, a binary, a directory, a .deb or sid), run as
#                 qemu-system-x86_64 inside; L1 then has one CPU (LAB_SMP=1)
#   --cmd CMD     shell command run in /lab inside the guest, where FILE...
#                 are (e.g. "./virq run scenario.json"); $LAB_OUT=/lab-out
#                 there is shipped back into DIR
# Env: as setup.sh and boot.sh (VIRQ_LAB_CACHE, LAB_SMP, LAB_MEM,
#   LAB_APPEND, LAB_VERBOSE, LAB_VFIO_IDS, LAB_MODULES, LAB_QEMU_L2 as --qemu).
# Exit: as boot.sh (the command's status, 124 timeout, 125 no result);
#   2 usage; 3 setup failed (packages, kernel fetch or initrd).
set -eu
LAB_DIR=$(cd "$(dirname "$0")" && pwd)
CACHE=${VIRQ_LAB_CACHE:-$LAB_DIR/../build/lab-cache}
KERNEL=6.1 MODS='' TIMEOUT='' LOG='' OUTDIR='' CMD='' QEXTRA='' INITRD='' QEMU_L2=${LAB_QEMU_L2:-}

usage() { sed -n '/^set -eu/q;2,$p' "$0" >&2; exit 2; }
trap '[ -z "$INITRD" ] || rm -f "$INITRD"' EXIT
trap 'exit 125' INT TERM HUP

while [ $# -gt 0 ]; do
    case $1 in
        --kernel|--modules|--timeout|--log|--outdir|--cmd|--qemu-extra|--qemu)
            [ $# -ge 2 ] || usage
            case $1 in
                --kernel) KERNEL=$2 ;; --modules) MODS=$2 ;; --timeout) TIMEOUT=$2 ;;
                --log) LOG=$2 ;; --outdir) OUTDIR=$2 ;; --cmd) CMD=$2 ;;
                --qemu-extra) QEXTRA=$2 ;; --qemu) QEMU_L2=$2 ;;
            esac
            shift 2 ;;
        -h|--help) usage ;;
        --) shift; break ;;
        -*) echo "lab: run.sh: unknown option '$1'" >&2; usage ;;
        *) break ;;
    esac
done
{ [ -n "$LOG" ] && [ -n "$OUTDIR" ] && [ -n "$CMD" ]; } || usage
for f in "$@"; do
    [ -e "$f" ] || { echo "lab: run.sh: no such file: $f" >&2; exit 2; }
done

# setup's usage errors (an unknown --kernel) stay usage errors
if [ "$KERNEL" = all ]; then echo "lab: run.sh: --kernel all is for setup.sh" >&2; exit 2; fi
rc=0
out=$("$LAB_DIR/setup.sh" --kernel "$KERNEL" ${MODS:+--modules "$MODS"}) || rc=$?
[ $rc = 0 ] || { [ $rc = 2 ] && exit 2; exit 3; }
kver=$(echo "$out" | sed -n 's/^LAB_KVER=//p' | tail -n1)
[ -n "$kver" ] || { echo "lab: setup.sh printed no LAB_KVER" >&2; exit 3; }

mkdir -p "$CACHE"
INITRD=$(mktemp "$CACHE/initrd.XXXXXX")
LAB_QEMU_L2=$QEMU_L2 "$LAB_DIR/mkinitrd.sh" -o "$INITRD" -c "$CMD" -k "$kver" "$@" || exit 3
# An L2 under nested SVM in a TCG L1: with L1 -smp 2 an SMP L2 Linux
# deadlocked in 6 of 6 tries, with -smp 1 11 of 11 completed (issue 10).
# LAB_QEMU_SMP=1 keeps LAB_SMP: the test guest is no Linux, and 8 x 65
# passed-through vectors need more host vectors than one CPU has (ENOSPC)
if [ -n "$QEMU_L2" ] && [ "${LAB_SMP:-1}" != 1 ] && [ "${LAB_QEMU_SMP:-0}" != 1 ]; then
    echo "lab: run.sh: QEMU inside L1: LAB_SMP=$LAB_SMP overridden to 1" >&2
    export LAB_SMP=1
fi

set +e
if [ -n "$TIMEOUT" ]; then
    "$LAB_DIR/boot.sh" -k "$kver" -t "$TIMEOUT" --qemu-extra "$QEXTRA" \
        "$INITRD" "$LOG" "$OUTDIR"
else
    "$LAB_DIR/boot.sh" -k "$kver" --qemu-extra "$QEXTRA" \
        "$INITRD" "$LOG" "$OUTDIR"
fi
rc=$?
exit $rc
