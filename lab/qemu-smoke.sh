#!/bin/sh
# qemu-smoke.sh - runs inside L1 (busybox sh, cwd /lab): virq's test guest
# in its selftest mode under the QEMU lab/qemu.sh staged (qemu-l2.sh: -accel
# kvm, vfio-pci on the lab's e1000e, the kernel's ftrace around it).
#
# usage (the lab's command): sh ./qemu-smoke.sh [MACHINE]   (q35 default)
# Files in /lab: virq-guest.elf, ftrace-filter, qemu-l2.sh.
# Writes to $LAB_OUT: guest-serial.txt (the L2 guest's COM1), qemu-trace.txt
#   (QEMU's -trace log), qemu-stderr.txt, ftrace.txt, qemu-smoke.txt
#   (key=value: machine, bdf, qemu_rc, guest_exit, seconds, verdict).
# Env: QEMU_SMOKE_T (QEMU's limit, 120 s), QEMU_SMOKE_ARGS (more QEMU
#   options, split on blanks; files they name are in /lab, the cwd),
#   QEMU_SMOKE_APPEND (the guest's command line, "ncpus=2 selftest"),
#   QEMU_SMOKE_SMP (2), QEMU_SMOKE_TRACE (QEMU trace patterns, qemu-l2.sh).
# Exit: 0 the guest passed (isa-debug-exit status 1 = (0 << 1) | 1);
#   1 it failed or QEMU did not run; 3 the lab lacks something (no
#   /dev/kvm, no e1000e on vfio-pci, no QEMU).
O=${LAB_OUT:-/lab-out}
L2_KV=$O/qemu-smoke.txt L2_TAG=qemu-smoke
QEMU_L2_T=${QEMU_SMOKE_T:-120} QEMU_L2_TRACE=${QEMU_SMOKE_TRACE:-}
: > "$L2_KV"
. ./qemu-l2.sh
l2_prepare || exit 3
[ -n "$L2_BDF" ] || { l2_kv verdict "LAB-LACKS no e1000e bound to vfio-pci"; exit 3; }
# shellcheck disable=SC2086
l2_run "$O" "${1:-q35}" "${QEMU_SMOKE_SMP:-2}" "${QEMU_SMOKE_APPEND:-ncpus=2 selftest}" \
    -device "vfio-pci,host=$L2_BDF" ${QEMU_SMOKE_ARGS:-}
