#!/bin/sh
# era-table.sh - from a make check run's lab traces (build/check/lab-ERA/NAME/
# ftrace.txt), count per scenario and kernel era the calls that differ
# between eras, and print the rows where the eras disagree (docs/kernel-eras.md).
# usage: scripts/era-table.sh [CHECKDIR]   (default build/check)
D=${1:-build/check}
ERAS="5.10 6.1 6.12 7.2"
count() {  # $1 = ftrace.txt, $2 = egrep of the function (as traced, before " <-")
    [ -f "$1" ] || { echo -; return; }
    grep -v '^#' "$1" | grep -v tracing_mark_write | grep -cE " ($2)(\.[a-z0-9.]*)? <-"
}
printf '| scenario | calls | %s |\n|---|---|%s\n' "$(echo $ERAS | sed 's/ / | /g')" \
    "$(for e in $ERAS; do printf -- '---|'; done)"
for f in "$D"/lab-6.1/*/ftrace.txt; do
    n=$(basename "$(dirname "$f")")
    # label=pattern: the label goes in the table (no '|' in a table cell)
    for lc in kvm_set_irq_routing=kvm_set_irq_routing \
              vfio_pci_set_msi_trigger=vfio_pci_set_msi_trigger \
              kvm_arch_update_irqfd_routing=kvm_arch_update_irqfd_routing \
              kvm_arch_irqfd_route_changed=kvm_arch_irqfd_route_changed \
              kvm_arch_irq_bypass_add_producer=kvm_arch_irq_bypass_add_producer \
              kvm_arch_irq_bypass_del_producer=kvm_arch_irq_bypass_del_producer \
              "PI hook (svm_/avic_/vmx_...)=[a-z_]*pi_update_irte|svm_update_pi_irte" \
              irq_bypass_register_consumer=irq_bypass_register_consumer \
              irq_bypass_unregister_consumer=irq_bypass_unregister_consumer; do
        label=${lc%%=*} c=${lc#*=}
        row= first= same=1
        for e in $ERAS; do
            v=$(count "$D/lab-$e/$n/ftrace.txt" "$c")
            [ -z "$first" ] && first=$v
            [ "$v" = "$first" ] || same=0
            row="$row | $v"
        done
        [ $same = 1 ] || echo "| $n | $label$row |"
    done
done
