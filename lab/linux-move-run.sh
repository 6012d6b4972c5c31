#!/bin/sh
# linux-move-run.sh - the seed's experiment with real QEMU and a real Linux
# guest, from the host: the lab boots (L1, one CPU) with a QEMU, the L2
# kernel and its initramfs, and runs lab/linux-move.sh there, which runs
# virq's seed-affinity scenario and then the Linux L2 guest that moves one
# of its e1000e's MSI-X vectors (lab/linux-move-l2.sh). 'virq lab
# linux-move' (tools/lab-linux.c) runs this and compares the two traces.
#
# usage: linux-move-run.sh [--kernel K] [--l2-kernel PKG] [--qemu QEMU]
#                          [--timeout S] --virq EXE --scenario FILE --out DIR
#   --kernel K      L1's kernel, as run.sh (default 6.1)
#   --l2-kernel PKG the L2 guest's kernel, as setup.sh --kernel; default the
#                   Debian generic image of L1's release (L1
#                   6.1.0-57-cloud-amd64: linux-image-6.1.0-57-amd64): the
#                   cloud images have no e1000e.ko
#   --qemu QEMU     as run.sh --qemu (default host)
#   --timeout S     as run.sh (default 420; a run takes 1-4 min here). When
#                   the lab gives no result in that time (run.sh 124: L1 hung,
#                   seen twice in about 20 runs, both with other lab work on
#                   the two cores) it is booted once more, and says so
#   --virq EXE      the static virq to run in L1
#   --scenario FILE virq's scenario (scenarios/seed-affinity.virq)
#   --out DIR       the lab's output (see lab/linux-move.sh), console.log,
#                   linux-move-host.txt (kernels, timings, key=value); L1's
#                   key=value lines also go to stderr ("lab: linux-move: ")
# The L2 kernel is fetched once into the cache like the lab's own
# (setup.sh: apt-get download, unpacked, depmod); its initramfs is
# mkinitrd.sh's busybox with e1000e and its dependencies, lab/init as
# /init (no devices for vfio-pci) running linux-move-l2.sh.
# Env: VIRQ_LAB_CACHE, as run.sh; LINUX_MOVE_T, LINUX_MOVE_ARGS,
#   LINUX_MOVE_APPEND, LINUX_MOVE_MEM go into L1 (lab/linux-move.sh).
# Exit: as lab/linux-move.sh inside (0 moved, 1 not, 3 the lab lacks
#   something), or run.sh's own (124, 125, 2, 3).
set -eu
LAB_DIR=$(cd "$(dirname "$0")" && pwd)
CACHE=${VIRQ_LAB_CACHE:-$LAB_DIR/../build/lab-cache}
K=6.1 L2K='' Q=host T=420 OUT='' ST='' VIRQ='' SCEN=''
usage() { sed -n '/^set -eu/q;2,$p' "$0" >&2; exit 2; }
die() { echo "lab: linux-move: $*" >&2; exit 3; }
now() { date +%s.%N; }
secs() { echo "$1 $(now)" | awk '{printf "%.1f", $2 - $1}'; }
trap '[ -z "$ST" ] || rm -rf "$ST"' EXIT
while [ $# -gt 0 ]; do
    case $1 in
        --kernel|--l2-kernel|--qemu|--timeout|--out|--virq|--scenario)
            [ $# -ge 2 ] || usage
            case $1 in
                --kernel) K=$2 ;; --l2-kernel) L2K=$2 ;; --qemu) Q=$2 ;;
                --timeout) T=$2 ;; --out) OUT=$2 ;; --virq) VIRQ=$2 ;;
                --scenario) SCEN=$2 ;;
            esac
            shift 2 ;;
        -h|--help) usage ;;
        *) echo "lab: linux-move-run.sh: unknown argument '$1'" >&2; usage ;;
    esac
done
{ [ -n "$OUT" ] && [ -n "$VIRQ" ] && [ -n "$SCEN" ]; } || usage
[ -x "$VIRQ" ] || die "no virq binary $VIRQ"
[ -f "$SCEN" ] || die "no scenario $SCEN"
ST=$(mktemp -d "${TMPDIR:-/tmp}/lab-linux-move.XXXXXX")

# L1's kernel first (run.sh sets it up again, warm), to name L2's after it
t0=$(now)
rc=0
l1=$("$LAB_DIR/setup.sh" --kernel "$K") || rc=$?
[ $rc = 0 ] || { [ $rc = 2 ] && exit 2; exit 3; }
l1=$(echo "$l1" | sed -n 's/^LAB_KVER=//p' | tail -n1)
if [ -z "$L2K" ]; then
    case $l1 in
        *-cloud-amd64) L2K=linux-image-${l1%-cloud-amd64}-amd64 ;;
        *) die "L1 kernel $l1 is no Debian cloud image: name the L2 kernel (--l2-kernel linux-image-...)" ;;
    esac
fi
# a package already in the cache by its version: setup.sh asks apt nothing then
v=${L2K#linux-image-}
[ "$v" = "$L2K" ] || [ ! -f "$CACHE/kernels/$v/.ready" ] || L2K=$v
t1=$(now)
l2=$("$LAB_DIR/setup.sh" --kernel "$L2K") || die "cannot get the L2 kernel $L2K"
l2=$(echo "$l2" | sed -n 's/^LAB_KVER=//p' | tail -n1)
l2_setup=$(secs "$t1")
kv2=$(cat "$CACHE/kernels/$l2/kver" 2>/dev/null || echo "$l2")
grep -qE '(^|/)e1000e\.ko(\.[a-z]+)?:' "$CACHE/kernels/$l2/lib/modules/$kv2/modules.dep" ||
    die "the L2 kernel $l2 has no e1000e.ko (a cloud image? take a generic one: --l2-kernel)"

# L2's initramfs: lab/init loads e1000e (and what it needs), binds nothing
# to vfio-pci, runs linux-move-l2.sh and powers off
t1=$(now)
LAB_BASE_MODULES=e1000e LAB_MODULES='' LAB_VFIO_IDS=none LAB_QEMU_L2='' \
    "$LAB_DIR/mkinitrd.sh" -o "$ST/l2-initrd" -c "sh ./linux-move-l2.sh" -k "$l2" \
    "$LAB_DIR/linux-move-l2.sh" || die "cannot build L2's initramfs"
l2_initrd=$(secs "$t1")
ln -s "$CACHE/kernels/$l2/vmlinuz" "$ST/l2-vmlinuz"
ln -s "$(readlink -f "$VIRQ")" "$ST/virq"
ln -s "$(readlink -f "$SCEN")" "$ST/seed-affinity.virq"
sh "$LAB_DIR/seed-filter.sh" "$ST/ftrace-filter" || die "no seed filter"

mkdir -p "$OUT"
envs=
for v in LINUX_MOVE_T LINUX_MOVE_ARGS LINUX_MOVE_APPEND LINUX_MOVE_MEM; do
    eval "x=\${$v:-}"
    [ -z "$x" ] || envs="$envs $v='$x'"
done
t1=$(now)
set +e
for try in 1 2; do
    "$LAB_DIR/run.sh" --kernel "$K" --qemu "$Q" --timeout "$T" --log "$OUT/console.log" \
        --outdir "$OUT" --cmd "${envs# } sh ./linux-move.sh" \
        "$LAB_DIR/linux-move.sh" "$ST/virq" "$ST/seed-affinity.virq" "$ST/l2-vmlinuz" \
        "$ST/l2-initrd" "$ST/ftrace-filter" "$LAB_DIR/qemu-l2.sh"
    rc=$?
    [ $rc = 124 ] && [ $try = 1 ] || break
    echo "lab: linux-move: no result from the lab in ${T}s (L1 hung): booting it once more" >&2
    mv "$OUT/console.log" "$OUT/console-hung.log"
done
set -e
{
    echo "l1_kernel=$l1"
    echo "l2_kernel=$l2"
    echo "l2_source=$(tr '\n' ';' < "$CACHE/kernels/$l2/source" | sed 's/;$//')"
    echo "l2_setup_seconds=$l2_setup"
    echo "l2_initrd_seconds=$l2_initrd"
    echo "l2_initrd_kb=$(($(wc -c < "$ST/l2-initrd") / 1024))"
    echo "lab_seconds=$(secs "$t1")"
    echo "total_seconds=$(secs "$t0")"
    echo "lab_rc=$rc"
    echo "lab_boots=$try"
} > "$OUT/linux-move-host.txt"
sed -n 's/^\(linux-move: \)/lab: \1/p' "$OUT/console.log" >&2 2>/dev/null
exit $rc
