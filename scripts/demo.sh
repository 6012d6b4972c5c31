#!/bin/sh
# demo.sh - make demo: boot the lab once (kernel 6.1), run every scenario,
# then show the seed's story: the passthrough vector table, the trace beside
# the seed's (on 6.1, and seed-trace on 5.10 in a second boot), the same move
# by a Linux guest under real QEMU (virq lab linux-move, a third boot), the
# same guest steps under virq and real QEMU (virq lab diff, a fourth), and
# the answers to the seed's two open questions.
set -u
cd "$(dirname "$0")/.."
out=${VIRQ_DEMO_OUT:-lab-results}
echo "virq demo: scenarios/*.virq in the lab (Debian 6.1 kernel under QEMU TCG, e1000e passed through)"
./build/virq lab run --out "$out" scenarios/*.virq > "$out.log" 2>&1
rc=$?
grep -E '^(lab:|scenario |virq lab run)' "$out.log"
[ -f "$out/seed-affinity/results.txt" ] || { cat "$out.log"; exit "$rc"; }

echo
echo "== seed-affinity: vector 1 of the passed-through e1000e moved from vCPU 0 to vCPU 1"
sed -n '/^  device/,/^$/p' "$out/seed-affinity/results.txt"
echo "== the seed's ftrace beside ours (virq trace-compare)"
echo "-- seed-affinity (the move alone):"
./build/virq trace-compare "$out/seed-affinity/ftrace.txt"
echo "-- seed-trace (the seed's move: on 6.1 the commit block is three bare irqfd_update):"
./build/virq trace-compare "$out/seed-trace/ftrace.txt"
echo "-- seed-trace on Debian 11's 5.10, a kernel without the 5.16 route filter (docs/seed-trace.md):"
./build/virq lab run --kernel 5.10 --out "$out-5.10" scenarios/seed-trace.virq > "$out-5.10.log" 2>&1 &&
    ./build/virq trace-compare "$out-5.10/seed-trace/ftrace.txt" ||
    grep -E '^(lab:|scenario )' "$out-5.10.log"
echo
echo "== the seed's experiment by real QEMU and a real Linux guest (virq lab linux-move, about a minute):"
echo "   Debian's generic 6.1 kernel under QEMU in L1 moves eth0-tx-0 of the same e1000e with smp_affinity"
./build/virq lab linux-move --out "$out-linux-move" > "$out-linux-move.log" 2>&1
sed -n '/^L2: /,/^virq.s seed-affinity/p; /^  the move, as/,/same calls in both/p
        /^  (after the Linux/,/unmask)$/p; /^virq lab linux-move: /p' \
    "$out-linux-move/linux-move.txt" 2>/dev/null || tail -n 5 "$out-linux-move.log"
echo
echo "== the same guest steps under virq and under real QEMU 7.2 in L1 (virq lab diff, one boot):"
echo "   per step the kernel's calls compared; each difference accepted in lab/accepted-differences.txt"
./build/virq lab diff --out "$out-diff" scenarios/seed-affinity.virq scenarios/rewrite-while-masked.virq \
    scenarios/rewrite-while-unmasked.virq > "$out-diff.log" 2>&1
grep -E '^[a-z-]+ on .*: virq |^  interrupts |^  [0-9]+ differences?: |^virq lab diff: ' "$out-diff.log"
echo
echo "== the open questions (docs/open-questions.md)"
for q in rewrite-while-masked rewrite-while-unmasked; do
    echo "-- $q: $(head -n1 "$out/$q/results.txt" | sed 's/.*: //')"
    grep -E '^  [0-9]+ +(ok|FAIL)' "$out/$q/results.txt" | grep -E 'expect (irq|pending)'
done
echo
echo "Everything per scenario is in $out/NAME/: results.txt, results.json, console.log,"
echo "ftrace.txt (the kernel's function trace with virq's steps as markers) and timeline.json"
echo "(open it in https://ui.perfetto.dev)."
exit "$rc"
