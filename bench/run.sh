#!/bin/sh
# run.sh - make bench: the benchmarks in bench/*.virq, in the lab, one boot
# per kernel era (5.10, 6.1, 6.12, 7.2), figures printed side by side. A section of a bench file runs
# from a "# bench: NAME" line to the next "# bench:" line; its figure is the
# wall time of its steps as the runner saw them (each guest step includes
# the guest's mailbox round trip: the "floor" section measures that).
set -u
cd "$(dirname "$0")/.."
B=${BUILD:-build}

# section_ns FILE.virq RESULTS.json NAME: ns of the steps in section NAME
section_ns() {
    r=$(awk -v name="$3" '/^# bench: / { if (on) { print first, NR; exit }
        if (index($0, "# bench: " name) == 1) { on = 1; first = NR } }' "$1")
    set -- "$2" $r
    awk -v lo="$2" -v hi="$3" '/"line":/ { gsub(/[^0-9]/, ""); line = $0 }
        /"ns":/ { gsub(/[^0-9]/, ""); if (line > lo && line < hi) sum += $0 }
        END { print sum + 0 }' "$1"
}

for k in 5.10 6.1 6.12 7.2; do
    out=$B/bench/$k
    ./build/virq lab run --kernel "$k" --out "$out" bench/*.virq > "$B/bench-$k.log" 2>&1 ||
        { echo "bench: lab run on $k failed, see $B/bench-$k.log"; exit 1; }
    f=bench/msix-enable.virq j=$out/msix-enable/results.json
    per=$(section_ns $f "$j" per-vector) bat=$(section_ns $f "$j" batched)
    fl=$(section_ns $f "$j" floor)
    echo "kernel $(sed -n 's/^  "kernel":"\(.*\)",/\1/p' "$j"): MSI-X bring-up of 5 VFIO vectors"
    awk -v per="$per" -v bat="$bat" -v fl="$fl" 'BEGIN {
        printf "  per vector (enable, then 5 unmasks): %7.2f ms  5 route commits\n", per / 1e6
        printf "  batched (unmasked, then enable):     %7.2f ms  1 route commit\n", bat / 1e6
        printf "  floor (one no-op config write):      %7.2f ms\n", fl / 1e6
        printf "  per vector / batched:                %7.1f x\n", per / (bat > 0 ? bat : 1) }'
done
