#!/bin/sh
# lab-bench.sh - runs inside L1 (busybox sh, cwd /lab) for bench/run.sh:
# one bench file's step program, round after round, under each VMM variant
# in turn, so what drifts in the boot touches them alike:
#   virq       virq run --program (QEMU's commit on every vector use)
#   virq-skip  the same with --skip-unchanged-commits
#   qemu       the QEMU lab/qemu.sh staged, through vmm-qemu.sh (q35,
#              vfio-pci on the e1000e, the same guest ELF and program)
# Every run is traced by the kernel the same way: the function tracer on the
# seed's filter, kvm:kvm_pio (the guest's step marks on port 0x1010) and
# kretprobes on kvm_set_irq_routing, kvm_irqfd and vfio_pci_set_msi_trigger,
# so each KVM_SET_GSI_ROUTING's, KVM_IRQFD's and MSI-X SET_IRQS's time in
# the kernel can be read off (from its function-trace entry to the return).
# Round 0 is a warm-up (TCG translates the L1 kernel's KVM and VFIO paths
# the first time they run): bench/run.sh leaves it out of the figures.
#
# usage (the lab's command): sh ./lab-bench.sh RUNS NAME[,NAME...] NCPUS [FN,...]
#   /lab holds NAME.virq, NAME.prog (virq program), virq, virq-guest.elf,
#   ftrace-filter, qemu-l2.sh and vmm-qemu.sh. Several NAMEs run one after
#   the other in each round. FN,...: virq traces only these (--ftrace-only;
#   ftrace-filter must list the same for QEMU): many vectors make the
#   seed's per-irqfd functions more trace than L1 holds. With FN,... each
#   run's trace is cut into steps here (VARIANT/ROUND/NAME.steps, virq
#   trace-steps) and ftrace.txt and timeline.json are dropped: 18 traces of
#   8 x 65 vectors are too much for the serial line back.
# Both VMMs get the open-file limit raised to the hard limit first (ulimit
#   -n): QEMU 7.2 leaves it at 1024 and 8 x 65 vectors need 1040 eventfds.
# Writes $LAB_OUT/VARIANT/ROUND/NAME/ (each run's files, ftrace.txt among
#   them), $LAB_OUT/VARIANT/ROUND[-NAME].log (the run's output; -NAME with
#   several NAMEs) and $LAB_OUT/bench.txt: "kretprobe=yes|no", then
#   "run=VARIANT ROUND STATUS NAME", and "retry=qemu ROUND NAME BIOS_LAST"
#   for a QEMU run whose guest never reached its exit port, run again up to
#   3 times: with L1 on 4 CPUs (LAB_QEMU_SMP) an 8-vCPU L2 under QEMU
#   stalls in SeaBIOS in about one boot in eight (qemu-l2.sh l2_watch);
#   BIOS_LAST is the last line SeaBIOS wrote.
# Exit: 0 every run passed (virq: exit 0; QEMU: verdict=PASS); 1 one did not
#   (bench.txt says which); 2 usage; 3 the lab lacks QEMU, /dev/kvm or a
#   device on vfio-pci (the e1000e, the LAB_NVME functions).
O=${LAB_OUT:-/lab-out}
T=/sys/kernel/tracing
[ $# = 3 ] || [ $# = 4 ] || { echo "usage: lab-bench.sh RUNS NAME[,NAME...] NCPUS [FN,...]" >&2; exit 2; }
runs=$1 names=$(echo "$2" | tr , ' ') cpus=$3 only=${4:+--ftrace-only $4}
: > "$O/bench.txt"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# kretprobes on the handlers of KVM_SET_GSI_ROUTING, KVM_IRQFD and VFIO's
# MSI-X SET_IRQS; their lines: "routing_ret: (kvm_vm_ioctl+0x44c/0x1010
# [kvm] <- kvm_set_irq_routing)". kretprobe= is KVM's two; VFIO's is
# best effort (its column is '-' without it)
kp=yes
for f in routing:kvm_set_irq_routing irqfd:kvm_irqfd setirqs:vfio_pci_set_msi_trigger; do
    e=${f%%:*}_ret
    { echo "r:virq/$e ${f#*:}" >> $T/kprobe_events &&
      echo 1 > $T/events/virq/$e/enable; } 2>/dev/null || { [ "$e" = setirqs_ret ] || kp=no; }
done
echo "kretprobe=$kp" >> "$O/bench.txt"
echo "lab-bench: kretprobes on kvm_set_irq_routing and kvm_irqfd: $kp"

bench_run() {  # $1 variant, $2 round, $3 name; $4 the log's suffix
    d=$O/$1/$2 name=$3
    mkdir -p "$d"
    # shellcheck disable=SC2086  # $only: an option and its argument, or nothing
    case $1 in
        virq) ./virq run --ftrace $only --scale 4 --program --out "$d" "./$name.virq" ;;
        virq-skip) ./virq run --ftrace $only --scale 4 --program --skip-unchanged-commits \
                       --out "$d" "./$name.virq" ;;
        # vmm-qemu.sh's 0 is any guest exit: the bench wants the guest's 0
        qemu) sh ./vmm-qemu.sh --out "$d" "$name:$cpus" &&
              grep -q '^verdict=PASS' "$d/$name/qemu.txt" ;;
    esac > "$d$4.log" 2>&1
    st=$?
    if [ -n "$only" ] && [ -f "$d/$name/ftrace.txt" ]; then
        ./virq trace-steps "$d/$name/ftrace.txt" > "$d/$name.steps" 2>&1 &&
            rm -f "$d/$name/ftrace.txt" "$d/$name/timeline.json"
    fi
    return $st
}

status=0
r=0
suffix() { case $names in *' '*) echo "-$1" ;; esac; }
while [ $r -le "$runs" ]; do
    for name in $names; do
        for v in virq virq-skip qemu; do
            bench_run $v $r "$name" "$(suffix "$name")"
            st=$?
            k=1
            while [ $v = qemu ] && [ $st != 0 ] && [ $st != 3 ] && [ $k -le 3 ] &&
                  grep -q '^guest_exit=none' "$O/$v/$r/$name/qemu.txt" 2>/dev/null; do
                echo "retry=$v $r $name $(sed -n 's/^bios_last=//p' "$O/$v/$r/$name/qemu.txt")" \
                    >> "$O/bench.txt"
                echo "lab-bench: round $r $name $v: the guest never exited; again ($k of 3)"
                mv "$O/$v/$r/$name" "$O/$v/$r/$name.hung$k"
                bench_run $v $r "$name" "$(suffix "$name")"
                st=$?
                k=$((k + 1))
            done
            echo "run=$v $r $st $name" >> "$O/bench.txt"
            echo "lab-bench: round $r $name $v: exit $st"
            [ $st != 3 ] || { cat "$O/$v/$r$(suffix "$name").log"; exit 3; }
            [ $st = 0 ] || status=1
        done
    done
    r=$((r + 1))
done
exit $status
