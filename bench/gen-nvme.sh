#!/bin/sh
# gen-nvme.sh D MODE - a bench scenario on stdout: the MSI-X bring-up of D
# passed-through QEMU nvme functions (lab LAB_NVME=D: 00:10.0 on, 65
# vectors each), as upstream's 8 VFs x 65 vectors case.
#   MODE per-vector  enable, then one unmask per vector (a Linux driver's
#                    pci_alloc_irq_vectors, then request_irq on each)
#   MODE batched     the entries unmasked before the enable: QEMU's
#                    vfio_msix_enable takes them under one KVMRouteChange
# Each entry gets its own (vCPU, vector), 4 vCPUs from 0x30 up, as Linux's
# matrix allocator spreads them. Sections: "# bench: bring-up", then
# "# bench: teardown" (MSI-X disabled on every device).
set -eu
D=${1:?usage: gen-nvme.sh DEVICES per-vector|batched} MODE=${2:?mode}
N=65 CPUS=4
case $MODE in per-vector|batched) ;; *) echo "gen-nvme.sh: mode $MODE" >&2; exit 2 ;; esac
[ "$D" -ge 1 ] && [ "$D" -le 8 ] || { echo "gen-nvme.sh: 1..8 devices" >&2; exit 2; }

echo "# nvme-$D-$MODE (bench/gen-nvme.sh $D $MODE): $D x $N MSI-X vectors passed through"
echo "vm vcpus=$CPUS"
k=0
while [ $k -lt "$D" ]; do printf 'device N%d vfio-pci host=0000:00:%02x.0\n' $k $((16 + k)); k=$((k + 1)); done
echo
echo "guest pci enum"
k=0
while [ $k -lt "$D" ]; do
    i=0
    while [ $i -lt $N ]; do
        g=$((k * N + i))
        printf 'guest msix vector dev=N%d index=%d vcpu=%d vector=0x%x\n' $k $i $((g % CPUS)) $((48 + g / CPUS))
        i=$((i + 1))
    done
    k=$((k + 1))
done
unmask_all() {
    i=0
    while [ $i -lt $N ]; do echo "guest msix unmask dev=N$1 index=$i"; i=$((i + 1)); done
}
echo
echo "# bench: bring-up"
k=0
while [ $k -lt "$D" ]; do
    if [ "$MODE" = per-vector ]; then
        echo "guest msix enable dev=N$k"; unmask_all $k
    else
        unmask_all $k; echo "guest msix enable dev=N$k"
    fi
    k=$((k + 1))
done
echo "# bench: teardown"
k=0
while [ $k -lt "$D" ]; do echo "guest msix disable dev=N$k"; k=$((k + 1)); done
echo "# bench: end"
