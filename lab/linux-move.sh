#!/bin/sh
# linux-move.sh - runs inside L1 (busybox sh, cwd /lab): the seed's
# experiment twice on one kernel boot. First virq runs seed-affinity.virq
# (its test guest moves vector 1 of the e1000e), then the QEMU lab/qemu.sh
# staged boots a Linux L2 guest (-accel kvm, -device vfio-pci on the same
# e1000e) whose own e1000e driver brings eth0 up and whose smp_affinity
# moves one vector (lab/linux-move-l2.sh). ftrace records the seed's
# functions and kvm:kvm_pio (port 0x1010 only: L2's marks of the move).
#
# usage (the lab's command): sh ./linux-move.sh
# Files in /lab: virq, seed-affinity.virq, l2-vmlinuz, l2-initrd, qemu-l2.sh,
#   ftrace-filter (as for qemu-smoke.sh: one function a line, '|' between
#   the names of one function in other eras).
# Writes to $LAB_OUT: virq/seed-affinity/ (virq's run: results.txt,
#   ftrace.txt, ...), ftrace.txt (L1's trace while QEMU ran), qemu-trace.txt
#   (QEMU's -trace log), qemu-stderr.txt, l2-serial.txt (L2's ttyS0),
#   l2/dmesg.txt (L2's, from its lab/init), linux-move-l1.txt (key=value,
#   also on the console as "linux-move: ...").
# Env: LINUX_MOVE_T (QEMU's limit, 300 s), LINUX_MOVE_ARGS (more QEMU
#   options), LINUX_MOVE_APPEND (more L2 kernel arguments), LINUX_MOVE_MEM
#   (L2 memory, 256 MB).
# QEMU's vCPU threads are named "CPU N/KVM" (debug-threads=on), so ftrace
#   shows which L2 CPU made each call; the main thread is qemu-l2.
# Exit: 0 both ran and L2 moved its vector; 1 L2 did not (or QEMU failed);
#   3 the lab lacks something (no /dev/kvm, no e1000e on vfio-pci, no QEMU).
O=${LAB_OUT:-/lab-out}
T=/sys/kernel/tracing
R=$O/linux-move-l1.txt
: > "$R"
kv() { echo "$1=$2" >> "$R"; echo "linux-move: $1=$2"; }
up() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$1" -v b="$(up)" 'BEGIN {printf "%.2f", b - a}'; }
lack() { kv verdict "LAB-LACKS $*"; exit 3; }

L2_KV=$R L2_TAG=linux-move
. ./qemu-l2.sh
l2_check || exit 3
BDF=$L2_BDF
[ -n "$BDF" ] || lack "no e1000e bound to vfio-pci"
kv qemu "$(head -n2 /opt/qemu/source | tr '\n' ' ' | sed 's/ *$//')"
kv bdf "$BDF"

# 1. virq's run of the scenario, as 'virq lab run' does it (tools/lab.c)
t0=$(up)
./virq run --ftrace --scale 4 --out "$O/virq" ./seed-affinity.virq > "$O/virq-run.log" 2>&1
kv virq_rc "$?"
kv virq_seconds "$(since "$t0")"

# 2. ftrace for QEMU: the seed's filter (names this kernel lacks skipped),
# kvm_pio filtered to L2's marks (its console is port I/O too)
l2_ftrace
kv ftrace_functions "$L2_NFN"
kv trace_clock "$L2_CLOCK"
[ "$L2_PIO" = yes ] || kv ftrace_kvm_pio no
echo 'port == 4112' > $T/events/kvm/kvm_pio/filter 2>/dev/null
: > $T/trace
echo 1 > $T/tracing_on
echo "linux-move: QEMU starts, Linux L2, vfio-pci host=$BDF" > $T/trace_marker

# 3. the Linux L2 guest: lab/init runs linux-move-l2.sh and powers off
t0=$(up)
# shellcheck disable=SC2086
timeout -k 5 "${LINUX_MOVE_T:-300}" qemu-system-x86_64 \
    -accel kvm -cpu host -machine q35 -smp 2 -m "${LINUX_MOVE_MEM:-256}" \
    -nodefaults -no-user-config -display none -vga none -no-reboot \
    -name linux-move,process=qemu-l2,debug-threads=on \
    -serial "file:$O/l2-serial.txt" \
    -device "vfio-pci,host=$BDF" \
    -kernel ./l2-vmlinuz -initrd ./l2-initrd \
    -append "console=ttyS0 quiet loglevel=4 panic=-1 lab.timeout=240 ${LINUX_MOVE_APPEND:-}" \
    -trace 'vfio_msix*' -trace 'kvm_irqchip*' -msg timestamp=on -D "$O/qemu-trace.txt" \
    ${LINUX_MOVE_ARGS:-} > "$O/qemu-stderr.txt" 2>&1
rc=$?
secs=$(since "$t0")
echo "linux-move: QEMU exited $rc" > $T/trace_marker
echo 0 > $T/tracing_on
cp $T/trace "$O/ftrace.txt"
echo 0 > $T/events/kvm/kvm_pio/enable 2>/dev/null
kv qemu_rc "$rc"
kv qemu_seconds "$secs"
kv marks "$(grep -c 'kvm_pio: pio_write at 0x1010 ' "$O/ftrace.txt")"
kv ftrace_lines "$(grep -vc '^#' "$O/ftrace.txt")"
S=$O/l2-serial.txt
tr -d '\r' < "$S" > "$S.tmp" 2>/dev/null && mv "$S.tmp" "$S"
# L2's lab/init sent its /lab-out (dmesg.txt) as base64: unpack it into l2/
if grep -q '^LAB-OUT-END' "$S" 2>/dev/null; then
    mkdir -p "$O/l2"
    awk '/^LAB-OUT-END/ {p = 0} p; /^LAB-OUT-BEGIN/ {p = 1}' "$S" | base64 -d |
        tar -C "$O/l2" -xzf - 2>/dev/null
    awk '/^LAB-OUT-BEGIN/ {p = 1; print "(L2'"'"'s /lab-out: unpacked into l2/)"; next}
         /^LAB-OUT-END/ {p = 0; next} !p' "$S" > "$S.tmp" && mv "$S.tmp" "$S"
fi
# L2's lab/init: LAB-RESULT rc= is linux-move-l2.sh's status
l2=$(sed -n 's/^LAB-RESULT rc=\([0-9]*\).*/\1/p' "$S" 2>/dev/null | tail -n1)
kv l2_rc "${l2:-none}"
# lab/init's count of WARNING/BUG/Oops/Call Trace lines in L2's dmesg
kv l2_kernel_warnings "$(sed -n 's/^LAB-KERNEL-WARNINGS //p' "$S" 2>/dev/null | tail -n1)"
v=$(sed -n 's/^linux-move-l2: verdict=//p' "$S" 2>/dev/null | tail -n1)
if [ "$rc" = 0 ] && [ "$l2" = 0 ]; then
    kv verdict "PASS L2 ${v#PASS }"
    exit 0
fi
why=$v
[ -n "$why" ] || why=$(grep -m1 'qemu-system-x86_64: ' "$O/qemu-stderr.txt")
[ -n "$why" ] || why="L2 printed no verdict (last line: $(grep -v '^ *$' "$S" 2>/dev/null | tail -n1))"
[ "$(awk -v s="$secs" -v t="${LINUX_MOVE_T:-300}" 'BEGIN {print (s >= t)}')" = 0 ] ||
    why="QEMU killed after ${LINUX_MOVE_T:-300}s; $why"
kv verdict "FAIL qemu_rc=$rc l2_rc=${l2:-none}: $why"
exit 1
