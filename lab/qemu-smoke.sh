#!/bin/sh
# qemu-smoke.sh - runs inside L1 (busybox sh, cwd /lab): virq's test guest
# in its selftest mode under the QEMU lab/qemu.sh staged, with -accel kvm
# (nested SVM) and the lab's e1000e passed through with vfio-pci, while the
# kernel's ftrace records the seed's functions and kvm:kvm_pio.
#
# usage (the lab's command): sh ./qemu-smoke.sh [MACHINE]   (q35 default)
# Files in /lab: virq-guest.elf, ftrace-filter (one function a line, from
#   src/trace/trace.c trace_seed_functions; '|' separates alternatives).
# QEMU's threads are named qemu-l2 (-name process=): through the loader
#   they would show in ftrace as ld-linux-x86-64.
# Writes to $LAB_OUT: guest-serial.txt (the L2 guest's COM1), qemu-trace.txt
#   (QEMU's -trace log), qemu-stderr.txt, ftrace.txt, qemu-smoke.txt
#   (key=value: machine, bdf, qemu_rc, guest_exit, seconds, verdict).
# Env: QEMU_SMOKE_T (QEMU's limit, 120 s), QEMU_SMOKE_ARGS (more QEMU
#   options, split on blanks; files they name are in /lab, the cwd),
#   QEMU_SMOKE_APPEND (the guest's command line, "ncpus=2 selftest"),
#   QEMU_SMOKE_SMP (2), QEMU_SMOKE_TRACE (QEMU trace patterns, below).
# Exit: 0 the guest passed (isa-debug-exit status 1 = (0 << 1) | 1);
#   1 it failed or QEMU did not run; 3 the lab lacks something (no
#   /dev/kvm, no e1000e on vfio-pci, no QEMU).
M=${1:-q35}
O=${LAB_OUT:-/lab-out}
T=/sys/kernel/tracing
R=$O/qemu-smoke.txt
: > "$R"
kv() { echo "$1=$2" >> "$R"; echo "qemu-smoke: $1=$2"; }
up() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$1" -v b="$(up)" 'BEGIN {printf "%.2f", b - a}'; }
lack() { kv verdict "LAB-LACKS $*"; exit 3; }

[ -c /dev/kvm ] || lack "no /dev/kvm in L1"
command -v qemu-system-x86_64 >/dev/null || lack "no QEMU staged (mkinitrd.sh -q)"
kv qemu "$(head -n2 /opt/qemu/source | tr '\n' ' ' | sed 's/ *$//')"
BDF=
for d in /sys/bus/pci/devices/*; do
    [ "$(cat "$d/vendor"):$(cat "$d/device")" = 0x8086:0x10d3 ] || continue
    case $(readlink "$d/driver") in */vfio-pci) BDF=${d##*/} ;; esac
done
[ -n "$BDF" ] || lack "no e1000e bound to vfio-pci"
kv machine "$M"
kv bdf "$BDF"

# ftrace: the seed's filter (names this kernel lacks are skipped), kvm_pio
echo 0 > $T/tracing_on
echo nop > $T/current_tracer
: > $T/set_ftrace_filter
n=0
while read -r f; do
    for a in $(echo "$f" | tr '|' ' '); do
        echo "$a" >> $T/set_ftrace_filter 2>/dev/null && n=$((n + 1))
    done
done < ./ftrace-filter
kv ftrace_functions "$n"
echo 8192 > $T/buffer_size_kb
# tai (5.19+; = CLOCK_REALTIME while the TAI offset is 0, as in L1) puts
# ftrace on the clock QEMU's "-msg timestamp=on" trace lines use
# (gettimeofday: "pid@sec.usec:event"), so the two line up
clk=tai
echo tai > $T/trace_clock 2>/dev/null || clk=$(sed 's/.*\[\(.*\)\].*/\1/' $T/trace_clock)
kv trace_clock "$clk"
echo function > $T/current_tracer
pio=yes
echo 1 > $T/events/kvm/kvm_pio/enable 2>/dev/null || { pio=no; kv ftrace_kvm_pio no; }
: > $T/trace
echo 1 > $T/tracing_on
echo "qemu-smoke: QEMU starts, machine $M, vfio-pci host=$BDF" > $T/trace_marker

TR=${QEMU_SMOKE_TRACE:-"vfio_msix* vfio_msi_* vfio_intx* vfio_pci_* vfio_realize* vfio_populate* kvm_irqchip*"}
targs=
for p in $TR; do targs="$targs -trace $p"; done
t0=$(up)
# shellcheck disable=SC2086
timeout -k 5 "${QEMU_SMOKE_T:-120}" qemu-system-x86_64 \
    -accel kvm -cpu host -machine "$M" -smp "${QEMU_SMOKE_SMP:-2}" -m 64 \
    -nodefaults -no-user-config -display none -vga none -no-reboot \
    -name virq-smoke,process=qemu-l2 \
    -serial "file:$O/guest-serial.txt" \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -device "vfio-pci,host=$BDF" \
    -kernel ./virq-guest.elf -append "${QEMU_SMOKE_APPEND:-ncpus=2 selftest}" \
    $targs -msg timestamp=on -D "$O/qemu-trace.txt" ${QEMU_SMOKE_ARGS:-} \
    > "$O/qemu-stderr.txt" 2>&1
rc=$?
secs=$(since "$t0")
echo "qemu-smoke: QEMU exited $rc" > $T/trace_marker
echo 0 > $T/tracing_on
cp $T/trace "$O/ftrace.txt"
kv qemu_rc "$rc"
kv seconds "$secs"
# isa-debug-exit: QEMU exits with (code << 1) | 1, so status 1 is
# EXIT_PASS, but 1 is also QEMU's own error status. The guest's write to
# the port, as KVM saw it (kvm_pio), says which; without that event the
# status alone is taken when QEMU printed no error.
w=$(grep -m1 'kvm_pio: pio_write at 0xf4 ' "$O/ftrace.txt" |
    sed -n 's/.* val \(0x[0-9a-f]*\).*/\1/p')
qerr=$(grep 'qemu-system-x86_64: ' "$O/qemu-stderr.txt" | grep -v ': warning: ' | head -n1)
code=none why=
if [ -n "$w" ]; then
    code=$((w))
    [ $(((code << 1 | 1) & 255)) = "$rc" ] ||
        why="QEMU's status $rc is not the guest's exit write $w"
elif [ "$pio" = yes ]; then
    why="the guest never wrote the exit port"
elif [ $((rc & 1)) = 1 ] && [ -z "$qerr" ] && [ "$rc" -lt 128 ]; then
    code=$(((rc - 1) / 2))
fi
[ "$code" = none ] || code=$(printf 0x%02x "$code")
kv guest_exit "$code"
kv trace_lines "$(wc -l < "$O/qemu-trace.txt" 2>/dev/null || echo 0)"
kv vfio_trace "$(grep -c '^vfio_\|vfio_' "$O/qemu-trace.txt" 2>/dev/null)"
kv ftrace_lines "$(grep -vc '^#' "$O/ftrace.txt")"
if [ "$code" = 0x00 ] && [ -z "$why" ]; then
    kv verdict PASS
    exit 0
fi
g=$(grep -m1 'FAIL\|did not\|bad' "$O/guest-serial.txt" 2>/dev/null)
why="${why:+$why; }${g:-$qerr}"
[ "$(awk -v s="$secs" -v t="${QEMU_SMOKE_T:-120}" 'BEGIN {print (s >= t)}')" = 0 ] ||
    why="QEMU killed after ${QEMU_SMOKE_T:-120}s; $why"
kv verdict "FAIL qemu_rc=$rc guest_exit=$code: ${why:-no message}"
exit 1
