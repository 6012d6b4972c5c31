#!/bin/sh
# demo.sh - make demo: boot the lab once (kernel 6.1), run every scenario,
# print each one's results and where the traces are.
set -u
cd "$(dirname "$0")/.."
out=${VIRQ_DEMO_OUT:-lab-results}
echo "virq demo: running scenarios/*.virq in the lab (Debian 6.1 kernel under QEMU TCG)"
./build/virq lab run --out "$out" scenarios/*.virq
rc=$?
echo
echo "Per scenario: $out/NAME/results.txt (table), results.json, console.log,"
echo "ftrace.txt (the kernel's function trace with virq's steps as markers)."
echo "For example, the re-targeted route and its irqfd, as the kernel saw them:"
grep -E 'kvm_set_irq_routing|irqfd_update|virq: (step|kvm_)' "$out/irqfd-route/ftrace.txt" 2>/dev/null |
    sed -n '/route A update/,/signal A count=2/p' | head -12
exit $rc
