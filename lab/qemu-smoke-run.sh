#!/bin/sh
# qemu-smoke-run.sh - the QEMU-inside-L1 smoke test from the host: boots the
# lab with a QEMU in the initramfs and runs lab/qemu-smoke.sh in L1, which
# starts virq's test guest ("ncpus=2 selftest") under that QEMU with -accel
# kvm -cpu host -smp 2 and -device vfio-pci on the lab's e1000e.
#
# usage: qemu-smoke-run.sh [--kernel K] [--qemu QEMU] [--machine M]
#                          [--timeout S] [--append A] --out DIR [FILE...]
#   --kernel K   as run.sh (default 6.1)
#   --qemu QEMU  as run.sh --qemu (default host: /usr/bin/qemu-system-x86_64)
#   --machine M  the L2 machine type (default q35)
#   --timeout S  as run.sh (default 300)
#   --append A   the guest's command line (default "ncpus=2 selftest"; no
#                single quotes)
#   FILE...      more files for /lab in L1 (e.g. what QEMU_SMOKE_ARGS names)
#   --out DIR    gets the lab's output (console.log, qemu-smoke.txt,
#                guest-serial.txt, qemu-trace.txt, ftrace.txt, dmesg.txt)
# Env: GUEST (default build/guest/virq-guest.elf beside lab/), as run.sh;
#   QEMU_SMOKE_ARGS, QEMU_SMOKE_SMP, QEMU_SMOKE_T go into L1 (qemu-smoke.sh).
# Exit: as lab/qemu-smoke.sh inside (0 guest passed, 1 failed, 3 the lab
#   lacks something), or run.sh's own (124, 125, 2, 3).
set -eu
LAB_DIR=$(cd "$(dirname "$0")" && pwd)
K=6.1 Q=host M=q35 T=300 OUT='' ST='' A=''
usage() { sed -n '/^set -eu/q;2,$p' "$0" >&2; exit 2; }
trap '[ -z "$ST" ] || rm -rf "$ST"' EXIT
while [ $# -gt 0 ]; do
    case $1 in
        --kernel|--qemu|--machine|--timeout|--out|--append)
            [ $# -ge 2 ] || usage
            case $1 in
                --kernel) K=$2 ;; --qemu) Q=$2 ;; --machine) M=$2 ;;
                --timeout) T=$2 ;; --out) OUT=$2 ;; --append) A=$2 ;;
            esac
            shift 2 ;;
        --) shift; break ;;
        -*) usage ;;
        *) break ;;
    esac
done
[ -n "$OUT" ] || usage
G=${GUEST:-$LAB_DIR/../build/guest/virq-guest.elf}
[ -f "$G" ] || { echo "lab: no test guest $G (make)" >&2; exit 3; }
ST=$(mktemp -d "${TMPDIR:-/tmp}/lab-smoke.XXXXXX")
sh "$LAB_DIR/seed-filter.sh" "$ST/ftrace-filter" || exit 3
mkdir -p "$OUT"
# the L1 command: settings for qemu-smoke.sh travel in it
envs=
for v in QEMU_SMOKE_ARGS QEMU_SMOKE_SMP QEMU_SMOKE_T QEMU_SMOKE_TRACE; do
    eval "x=\${$v:-}"
    [ -z "$x" ] || envs="$envs $v='$x'"
done
[ -z "$A" ] || envs="$envs QEMU_SMOKE_APPEND='$A'"
set +e
"$LAB_DIR/run.sh" --kernel "$K" --qemu "$Q" --timeout "$T" --log "$OUT/console.log" \
    --outdir "$OUT" --cmd "${envs# } sh ./qemu-smoke.sh $M" \
    "$LAB_DIR/qemu-smoke.sh" "$LAB_DIR/qemu-l2.sh" "$G" "$ST/ftrace-filter" "$@"
rc=$?
sed -n 's/^qemu-smoke: //p' "$OUT/console.log" 2>/dev/null
exit $rc
