#!/bin/sh
# gen-nvme.sh D [--expect] - a bench file on stdout: the MSI-X bring-up of D passed-
# through QEMU nvme functions (the lab's LAB_NVME: 65 vectors each, from
# 00:10.0), upstream's 8 VFs x 65 vectors case, in bench/run.sh's sections:
#   per-vector  enable, then one unmask per vector, as a Linux driver does
#               (pci_alloc_irq_vectors, then request_irq on each)
#   moves       every vector moved to the next vCPU once, as Linux's
#               __pci_write_msi_msg does it: mask, new message, unmask
#   teardown    MSI-X disabled on every device
#   batched     enabled again with the entries still unmasked: QEMU's
#               vfio_msix_enable adds them under one KVMRouteChange
# Vector g (device k, entry i, g = 65k + i) is on vCPU g % 8, guest vector
# 0x30 + g / 8, moved to vCPU (g + 1) % 8, vector 0x80 + g / 8: each entry
# its own (vCPU, vector), as Linux's matrix allocator spreads them.
# --expect adds the commits each section must make (make check runs that
# file with virq; the bench's own runs are step programs, without them).
set -eu
D=${1:?usage: gen-nvme.sh DEVICES [--expect]} X=${2:-}
ex() { [ "$X" != --expect ] || echo "expect commits $1"; }
N=65 CPUS=8
[ "$D" -ge 1 ] 2>/dev/null && [ "$D" -le 8 ] || { echo "gen-nvme.sh: 1..8 devices" >&2; exit 2; }

each() {  # each FORMAT VCPU VECTOR: a line per vector (device, index, vCPU, vector; g its number)
    k=0
    while [ $k -lt "$D" ]; do
        i=0
        while [ $i -lt $N ]; do
            g=$((k * N + i))
            # shellcheck disable=SC2059
            printf "$1" "N$k" $i $(($2)) $(($3))
            i=$((i + 1))
        done
        k=$((k + 1))
    done
}
devs() { k=0; while [ $k -lt "$D" ]; do printf "$1\n" "N$k"; k=$((k + 1)); done; }

echo "# nvme-$D (bench/gen-nvme.sh $D): $D x $N MSI-X vectors passed through"
echo "vm vcpus=$CPUS"
devs 'device %s vfio-pci host=1b36:0010'
echo
echo "guest pci enum"
each 'guest msix vector dev=%s index=%d vcpu=%d vector=0x%x\n' 'g % CPUS' '48 + g / CPUS'
echo
echo "# bench: per-vector"
k=0
while [ $k -lt "$D" ]; do
    echo "guest msix enable dev=N$k"
    i=0
    while [ $i -lt $N ]; do echo "guest msix unmask dev=N$k index=$i"; i=$((i + 1)); done
    k=$((k + 1))
done
ex $((1 + N * D))
echo "# bench: moves"
k=0
while [ $k -lt "$D" ]; do
    i=0
    while [ $i -lt $N ]; do
        g=$((k * N + i))
        echo "guest msix mask dev=N$k index=$i"
        printf 'guest msix vector dev=N%d index=%d vcpu=%d vector=0x%x\n' $k $i $(((g + 1) % CPUS)) $((128 + g / CPUS))
        echo "guest msix unmask dev=N$k index=$i"
        i=$((i + 1))
    done
    k=$((k + 1))
done
ex $((1 + 2 * N * D))
echo "# bench: teardown"
devs 'guest msix disable dev=%s'
echo "# bench: batched"
devs 'guest msix enable dev=%s'
ex $((1 + 2 * N * D + D))
echo "# bench: end"
devs 'guest msix disable dev=%s'
