#!/bin/sh
# vmm-qemu.sh - runs inside L1 (busybox sh, cwd /lab): each scenario's step
# program under the QEMU lab/qemu.sh staged, virq's test guest as QEMU's
# -kernel and the program as its -initrd (multiboot module 0), one QEMU run
# per scenario (qemu-l2.sh: q35, -accel kvm, the program's devices, the
# kernel's ftrace around it). 'virq lab run --vmm qemu' and 'virq lab
# diff' make the programs and read what this leaves.
#
# usage (the lab's command): sh ./vmm-qemu.sh [--out DIR] NAME:NCPUS...
#   NAME.prog in /lab is the program (virq program), NCPUS the scenario's
#   vCPUs (-smp and the guest's ncpus=), NAME.qemu-args the devices it
#   names as QEMU arguments, one a line (src/scenario/program.c
#   program_qemu_args), "@VVVV:DDDD@" standing for the BDF of the Kth
#   function with those IDs on vfio-pci in L1 for the Kth such device (the
#   lab's e1000e, its LAB_NVME functions)
#   --out DIR  where NAME/ goes (default $LAB_OUT)
# Writes DIR/NAME/: guest-serial.txt, qemu-trace.txt, qemu-stderr.txt,
#   ftrace.txt, qemu.txt (key=value, qemu-l2.sh).
# Exit: 0 every QEMU run ended with the guest's own exit; 1 one did not;
#   3 the lab lacks something (qemu.txt of the first says what).
O=${LAB_OUT:-/lab-out}
if [ "${1:-}" = --out ]; then O=$2; shift 2; fi
. ./qemu-l2.sh
status=0
first=yes
# the program's waits count TSC cycles: the rate L2 sees is L1's (-cpu host,
# no TSC scaling asked for); the kernel's refined figure is in /proc/cpuinfo
khz=$(awk -F: '/^cpu MHz/ { printf "%d", $2 * 1000; exit }' /proc/cpuinfo)
for s in "$@"; do
    n=${s%%:*} c=${s##*:}
    mkdir -p "$O/$n"
    L2_KV=$O/$n/qemu.txt L2_TAG="vmm-qemu $n"
    : > "$L2_KV"
    if [ $first = yes ]; then
        l2_prepare || exit 3
        first=no
    fi
    # the program's devices; a passed-through one must be on vfio-pci here
    # the Kth device with the same IDs is the Kth such function, as virq's
    # vfio_find_by_id picks them
    args= ids=
    while IFS= read -r a; do
        case $a in
        *@????:????@*)
            id=${a#*@}
            id=${id%%@*}
            k=$(printf '%s' "$ids" | grep -c "^$id\$")
            ids="$ids$id
"
            b=$(l2_vfio_bdf "$id" "$k") ||
                { l2_kv verdict "LAB-LACKS no $id bound to vfio-pci"; exit 3; }
            a=${a%%@*}$b${a##*@} ;;
        esac
        args="$args $a"
    done < "./$n.qemu-args"
    echo "vmm-qemu: $n: $c vCPUs under $(head -n1 /opt/qemu/source),$args"
    # shellcheck disable=SC2086  # one QEMU argument a word: none has a blank
    l2_run "$O/$n" q35 "$c" "ncpus=$c printlog${khz:+ tsc_khz=$khz}" -initrd "./$n.prog" $args
    # a guest whose expects failed exits 1 (EXIT_FAIL) and is still a
    # finished run; only a run without the guest's own exit is an error
    [ "$L2_CODE" != none ] || status=1
done
exit $status
