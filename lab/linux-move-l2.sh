#!/bin/sh
# linux-move-l2.sh - runs in the Linux L2 guest of lab/linux-move.sh (the
# command lab/init runs there, cwd /lab): the seed's experiment done by
# Linux itself. e1000e drives the passed-through e1000e, eth0 comes up with
# its MSI-X vectors, and one of them (eth0-tx-0) is moved to the other CPU
# through /proc/irq/N/smp_affinity_list.
#
# x86 without interrupt remapping moves an MSI-X vector at its next
# interrupt, on the old CPU: __irq_move_irq masks the vector, the new
# message is written (__pci_write_msi_msg), then it unmasks it. So after
# the write to smp_affinity_list the queue has to send something (an ARP
# request; the lab's e1000e has no peer, so no answer comes and none is
# needed). L1 sees the mask, the write and the unmask as MSI-X table writes
# that QEMU turns into VFIO_DEVICE_SET_IRQS and KVM_SET_GSI_ROUTING.
#
# The move is marked in L1's ftrace by one-byte writes to I/O port 0x1010
# (VIRQ_PORT_STEP in src/guest/virq-prog.h, the port virq's test guest
# marks its steps on), through /dev/port: kvm_pio shows them in L1.
#   0x01  before the smp_affinity_list write
#   0x02  after the vector's next interrupt (the move is done)
# Output: "linux-move-l2: key=value" lines and /proc/interrupts before and
# after on the console (L2's ttyS0). Exit: 0 the vector moved, 1 it did
# not, 3 no eth0 / no MSI-X vectors / no carrier.
# Env: LINUX_MOVE_VECTOR (eth0-tx-0), LINUX_MOVE_WAIT (seconds to wait for
#   eth0, its carrier and vectors: 60).
V=${LINUX_MOVE_VECTOR:-eth0-tx-0}
W=${LINUX_MOVE_WAIT:-60}
kv() { echo "linux-move-l2: $1=$2"; }
lack() { kv verdict "LACKS $*"; grep -E 'CPU|eth0' /proc/interrupts; exit 3; }
up() { cut -d' ' -f1 /proc/uptime; }
# port 0x1010 = 4112; /dev/port writes byte by byte (outb). The format is
# the byte's octal escape, built on purpose.
# shellcheck disable=SC2059
mark() { printf "\\$(printf %03o "$1")" | dd of=/dev/port bs=1 seek=4112 count=1 conv=notrunc 2>/dev/null; }
irq_of() { awk -v n="$1" '$NF == n {sub(":", "", $1); print $1; exit}' /proc/interrupts; }
# the per-CPU counts of IRQ $1, blank-separated
counts() { awk -v i="$1:" -v n="$NCPU" '$1 == i {for (c = 2; c <= n + 1; c++) printf "%s%s", $c, (c <= n ? " " : "\n")}' /proc/interrupts; }
total() { counts "$1" | awk '{for (i = 1; i <= NF; i++) s += $i} END {print s + 0}'; }
wait_for() {  # $1 = what, then a test; polls every 0.2 s for $W s
    what=$1; shift
    i=0
    while ! "$@"; do
        i=$((i + 1)); [ $i -le $((W * 5)) ] || lack "$what after ${W}s"
        sleep 0.2
    done
}
arp() { arping -c 1 -w 1 -I eth0 192.0.2.2 >/dev/null 2>&1; }
show() {  # $1 = label
    echo "linux-move-l2: /proc/interrupts $1:"
    grep -E '^ +CPU|eth0' /proc/interrupts
}

NCPU=$(grep -c '^processor' /proc/cpuinfo)
kv kernel "$(uname -r)"
kv cpus "$NCPU"
[ "$NCPU" -ge 2 ] || lack "one CPU: nothing to move a vector to"
[ -c /dev/port ] || lack "no /dev/port to mark the move"
wait_for "no eth0" [ -d /sys/class/net/eth0 ]
kv driver "$(basename "$(readlink /sys/class/net/eth0/device/driver)")"
kv pci "$(basename "$(readlink /sys/class/net/eth0/device)")"
ip addr add 192.0.2.1/24 dev eth0
ip link set eth0 up
# e1000e's MSI-X vectors are requested at open: eth0-rx-0, eth0-tx-0, eth0
wait_for "no $V in /proc/interrupts" [ -n "$(irq_of "$V")" ]
t0=$(up)
wait_for "no carrier on eth0" grep -qx 1 /sys/class/net/eth0/carrier
kv carrier_after_s "$(awk -v a="$t0" -v b="$(up)" 'BEGIN {printf "%.1f", b - a}')"
IRQ=$(irq_of "$V")
kv vector "$V"
kv irq "$IRQ"
kv vectors "$(awk '$NF ~ /^eth0/ {printf "%s%s", s, $NF; s = ","}' /proc/interrupts)"
# one packet first, so the vector has fired on its old CPU before the move
arp
FROM=$(cat "/proc/irq/$IRQ/effective_affinity_list")
TO=0
[ "$FROM" != 0 ] || TO=1
kv from_cpu "$FROM"
kv to_cpu "$TO"
before=$(counts "$IRQ")
kv counts_before "$before"
show before

mark 1
echo "$TO" > "/proc/irq/$IRQ/smp_affinity_list" || { mark 2; kv verdict "FAIL cannot write smp_affinity_list"; exit 1; }
n0=$(total "$IRQ") sent=0
# the move happens at the next interrupt: send until the count moves
while [ "$(total "$IRQ")" = "$n0" ] && [ $sent -lt 20 ]; do
    arp
    sent=$((sent + 1))
done
mark 2
kv packets_for_move "$sent"
# one more, to see it counted on the new CPU
arp
after=$(counts "$IRQ")
kv counts_after "$after"
kv effective_after "$(cat "/proc/irq/$IRQ/effective_affinity_list")"
show after
# the new CPU's column grew, the old one's stopped with the move
grew=$(echo "$before $after" | awk -v n="$NCPU" -v t="$TO" '{print $(n + t + 1) - $(t + 1)}')
if [ "$(cat "/proc/irq/$IRQ/effective_affinity_list")" = "$TO" ] && [ "$grew" -gt 0 ]; then
    kv verdict "PASS $V (IRQ $IRQ) moved from CPU $FROM to CPU $TO, +$grew on CPU $TO"
    exit 0
fi
kv verdict "FAIL $V (IRQ $IRQ) not moved: effective $(cat "/proc/irq/$IRQ/effective_affinity_list"), +$grew on CPU $TO"
exit 1
