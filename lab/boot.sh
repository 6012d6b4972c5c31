#!/bin/sh
# boot.sh - boot the lab kernel under QEMU TCG with an initramfs from
# mkinitrd.sh and return the status of the command it ran.
#
# usage: boot.sh [-k ID] [-t TIMEOUT_S] [--qemu-extra ARGS] INITRD LOG OUTDIR
#   -k ID         cached kernel (default: the last one setup.sh prepared)
#   -t TIMEOUT_S  hard host limit on QEMU (default 660). The command inside
#                 gets lab.timeout=TIMEOUT_S-60 (2/3 of it below 180 s; 600
#                 by default) so its output still comes back when it hangs.
#   --qemu-extra  more QEMU arguments, split on blanks ("-device virtio-rng-pci")
#   LOG           console log, CR stripped; the /lab-out archive is cut out
#                 of it once unpacked
#   OUTDIR        gets what the command wrote to $LAB_OUT, plus dmesg.txt
#                 (emptied first only if an earlier run made it: .lab-run)
# Env: LAB_BOOT_TIMEOUT (150: seconds to reach /init before the boot is
#   taken for stuck and tried once more), LAB_SMP (1), LAB_MEM (1024 MiB),
#   LAB_APPEND (more kernel args, e.g.
#   "kvm_amd.avic=1" or "lab.timeout=30"), LAB_STALL_TIMEOUT (none: after
#   /init, a console silent this many seconds is a stuck L1: QEMU is
#   killed, status 125; 'virq lab run --rounds' sets it), LAB_NVME (0: that
#   many NVMe functions more, 65 MSI-X vectors each, at 00:10.0 on: make
#   bench's many vectors), LAB_QEMU_EXTRA, LAB_VERBOSE=1
#   (stream the console to stderr), VIRQ_LAB_CACHE.
# Exit: the command's status; 124 timed out (host limit, or lab.timeout in
#   the guest: LAB-TIMEOUT in LOG); 125 no result (QEMU, kernel or /init
#   failed: the message says which); 2 usage.
set -eu
LAB_DIR=$(cd "$(dirname "$0")" && pwd)
CACHE=${VIRQ_LAB_CACHE:-$LAB_DIR/../build/lab-cache}
KVER='' TIMEOUT='' QEXTRA=${LAB_QEMU_EXTRA:-} RCF=''

say() { echo "lab: $*" >&2; }
fail() { echo "lab: $*" >&2; exit 125; }
usage() { sed -n '/^set -eu/q;2,$p' "$0" >&2; exit 2; }
trap '[ -z "$RCF" ] || rm -f "$RCF"' EXIT
trap 'exit 125' INT TERM HUP

while [ $# -gt 0 ]; do
    case $1 in
        -k) [ $# -ge 2 ] || usage; KVER=$2; shift 2 ;;
        -t) [ $# -ge 2 ] || usage; TIMEOUT=$2; shift 2 ;;
        --qemu-extra) [ $# -ge 2 ] || usage; QEXTRA="$QEXTRA $2"; shift 2 ;;
        --qemu-extra=*) QEXTRA="$QEXTRA ${1#*=}"; shift ;;
        -h|--help) usage ;;
        --) shift; break ;;
        -*) echo "lab: boot.sh: unknown option '$1'" >&2; usage ;;
        *) break ;;
    esac
done
[ $# = 3 ] || usage
INITRD=$1 LOG=$2 OUTDIR=$3
case ${TIMEOUT:-660} in '' | *[!0-9]* | 0) usage ;; esac
if [ -z "$TIMEOUT" ]; then
    TIMEOUT=660 GUEST_T=600
elif [ "$TIMEOUT" -ge 180 ]; then
    GUEST_T=$((TIMEOUT - 60))
else
    GUEST_T=$((TIMEOUT * 2 / 3)); [ "$GUEST_T" -ge 1 ] || GUEST_T=1
fi
[ -n "$KVER" ] || KVER=$(cat "$CACHE/kernels/last" 2>/dev/null) ||
    fail "no kernel chosen: run lab/setup.sh first or pass -k"
KERNEL=$CACHE/kernels/$KVER/vmlinuz
[ -f "$KERNEL" ] || fail "kernel $KVER is not in $CACHE (run lab/setup.sh)"
[ -f "$INITRD" ] || fail "no initrd $INITRD"
# an earlier run's results go before this one starts: LOG may lie inside OUTDIR
if [ -f "$OUTDIR/.lab-run" ]; then find "$OUTDIR" -mindepth 1 -delete; fi
mkdir -p "$(dirname "$LOG")" "$OUTDIR"
RCF=$(mktemp "${TMPDIR:-/tmp}/lab-rc.XXXXXX")

# thread=single: multi-threaded TCG with -smp 2 hung boots; -cpu max has
# SVM, so kvm_amd loads; intremap=on gives VFIO an interrupt-remapping IOMMU.
# Two devices for /init to bind to vfio-pci: edu (MSI) and e1000e (MSI-X, 5
# vectors: virq's vfio-pci device), no netdev (QEMU warns "has no peer").
# no_timer_check: the kernel's IO-APIC timer test counts timer interrupts
# in a short window, which TCG on a loaded host misses ("Kernel panic - not
# syncing: timer doesn't work through Interrupt-remapped IO-APIC": 2 boots
# in one make check on this 2-core machine with two other labs running)
# LAB_NVME: QEMU's nvme has msix_qsize 65 vectors by default; a null-co
# drive (reads nothing, costs nothing) gives each a namespace. Each is a
# function of its own slot on the root bus, so its own IOMMU group.
k=0
while [ "$k" -lt "${LAB_NVME:-0}" ]; do
    QEXTRA="$QEXTRA -drive if=none,id=nvme$k,driver=null-co,read-zeroes=on"
    QEXTRA="$QEXTRA -device nvme,serial=virq$k,drive=nvme$k,addr=$(printf '0x%x' $((16 + k)))"
    k=$((k + 1))
done
# shellcheck disable=SC2086
set -- timeout -k 5 "$TIMEOUT" qemu-system-x86_64 \
    -accel tcg,thread=single -cpu max -m "${LAB_MEM:-1024}" \
    -smp "${LAB_SMP:-1}" -machine q35 -nodefaults -no-user-config \
    -display none -serial stdio -no-reboot \
    -device intel-iommu,intremap=on -device edu -device e1000e,romfile= \
    -kernel "$KERNEL" -initrd "$INITRD" \
    -append "console=ttyS0 quiet loglevel=4 panic=-1 intel_iommu=on no_timer_check lab.timeout=$GUEST_T ${LAB_APPEND:-}" \
    $QEXTRA

# the pipeline's status is tr's: QEMU's (or timeout's) goes through a file
qemu() { r=0; "$@" </dev/null 2>&1 || r=$?; echo $r > "$RCF"; }
# One boot, watched: a kernel that has not reached /init (LAB-BOOT) after
# BOOT_T s is stuck (seen once in ~40 boots of 7.2: QEMU idle, console
# empty); QEMU is killed and boot_watched returns 1.
BOOT_T=${LAB_BOOT_TIMEOUT:-150}
STALL_T=${LAB_STALL_TIMEOUT:-0} STALLED=0
boot_watched() {
    pidf=$RCF.pid
    rm -f "$pidf"
    : > "$LOG"
    # sed -u, not tr: tr holds up to 4 KB before writing, and a quiet run
    # (bench/lab-bench.sh) then looks stuck to the LAB-BOOT check below
    if [ "${LAB_VERBOSE:-0}" = 1 ]; then
        qemu "$@" -pidfile "$pidf" | sed -u 's/\r//g' | tee "$LOG" >&2 &
    else
        qemu "$@" -pidfile "$pidf" | sed -u 's/\r//g' > "$LOG" &
    fi
    bg=$! n=0 stuck=0 size=0 quiet=0
    while kill -0 "$bg" 2>/dev/null; do
        if [ $stuck = 0 ] && [ $n -ge "$BOOT_T" ] && ! grep -q '^LAB-BOOT ' "$LOG"; then
            stuck=1
            [ ! -s "$pidf" ] || kill "$(cat "$pidf")" 2>/dev/null || true
        fi
        if [ "$STALL_T" -gt 0 ] && [ $STALLED = 0 ]; then
            sz=$(wc -c < "$LOG")
            if [ "$sz" != "$size" ]; then size=$sz quiet=0; else quiet=$((quiet + 1)); fi
            if [ $quiet -ge "$STALL_T" ] && grep -q '^LAB-BOOT ' "$LOG"; then
                STALLED=1
                [ ! -s "$pidf" ] || kill "$(cat "$pidf")" 2>/dev/null || true
            fi
        fi
        sleep 1; n=$((n + 1))
    done
    wait "$bg" 2>/dev/null || true
    rm -f "$pidf"
    return $stuck
}

say "booting kernel $KVER under QEMU TCG..."
t0=$(date +%s.%N)
if ! boot_watched "$@"; then
    say "no /init after ${BOOT_T} s (the kernel is stuck; console: $(wc -c < "$LOG") bytes): killed, booting once more"
    cp "$LOG" "$LOG.stuck"
    t0=$(date +%s.%N)
    boot_watched "$@" || fail "boot failure: the kernel did not reach /init in ${BOOT_T} s, twice; log: $LOG"
fi
qrc=$(cat "$RCF")
[ -z "$(tail -c1 "$LOG")" ] || echo >> "$LOG"   # "Power down" has no newline
secs=$(echo "$t0 $(date +%s.%N)" | awk '{printf "%.1f", $2 - $1}')

# /lab-out: base64 of a tar.gz between the markers
if grep -qx LAB-OUT-END "$LOG"; then
    if sed -n '/^LAB-OUT-BEGIN$/,/^LAB-OUT-END$/{/^LAB-OUT-/!p}' "$LOG" |
       base64 -d 2>/dev/null | tar -xzf - -C "$OUTDIR" 2>/dev/null; then
        n=$(sed -n '/^LAB-OUT-BEGIN$/,/^LAB-OUT-END$/{/^LAB-OUT-/!p}' "$LOG" | wc -l)
        sed -i "/^LAB-OUT-BEGIN\$/,/^LAB-OUT-END\$/{/^LAB-OUT-/!d}
                /^LAB-OUT-BEGIN\$/a [$n lines of base64 unpacked into $OUTDIR]" "$LOG"
    else
        say "warning: could not unpack /lab-out from $LOG (kept there)"
    fi
fi

res=$(sed -n 's/^LAB-RESULT rc=\([0-9]*\).*/\1/p' "$LOG" | tail -n1)
printf 'kernel=%s rc=%s seconds=%s log=%s\n' "$KVER" "${res:-none}" "$secs" "$LOG" \
    > "$OUTDIR/.lab-run"
if [ -z "$res" ]; then
    if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
        say "host timeout: QEMU killed after $TIMEOUT s, no LAB-RESULT; log: $LOG"
        exit 124
    fi
    q=$(grep '^qemu-system-x86_64:' "$LOG" | grep -v -m1 -e ': warning: ' -e 'terminating on signal' || true)
    p=$(grep -m1 'Kernel panic' "$LOG" || true)
    if [ $STALLED = 1 ]; then
        fail "L1 stuck: its console was silent for $STALL_T s after /init, QEMU killed (after ${secs}s); last line: $(grep -v -e '^\s*$' -e '^qemu-system' "$LOG" | tail -n1); log: $LOG"
    elif [ -n "$p" ]; then
        fail "boot failure: ${p#*] } (after ${secs}s); log: $LOG"
    elif ! grep -q '^LAB-BOOT ' "$LOG"; then
        [ -z "$q" ] || fail "QEMU failed (rc=$qrc): $q; log: $LOG"
        fail "boot failure: /init never started (QEMU rc=$qrc after ${secs}s); log: $LOG"
    fi
    # QEMU's own abort (rc 134: an assert in an emulated device) is not L1's
    fail "no LAB-RESULT: the guest stopped after /init started (QEMU rc=$qrc after ${secs}s${q:+: $q}); log: $LOG"
fi

sed -n 's/^LAB-MODULE \([^ ]*\) not loaded.*/\1/p' "$LOG" | while read -r m; do
    [ "$m" = kvm_intel ] || say "warning: module $m did not load (see $LOG)"
done
sed -n 's/^LAB-MODULE \([^ ]*\) missing.*/\1/p' "$LOG" | while read -r m; do
    say "warning: kernel $KVER has no module $m (neither a module nor built in)"
done
! grep -q '^LAB-TIMEOUT' "$LOG" ||
    say "command timed out in the guest: $(sed -n 's/^LAB-TIMEOUT //p' "$LOG")"
w=$(sed -n 's/^LAB-KERNEL-WARNINGS //p' "$LOG" | tail -n1)
[ "${w:-0}" = 0 ] ||
    say "warning: $w WARNING/BUG/Oops/Call Trace lines in the guest's dmesg ($OUTDIR/dmesg.txt)"
say "done in $secs s (rc=$res)"
exit "$res"
