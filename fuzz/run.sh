#!/bin/sh
# run.sh - make fuzz: each target given for FUZZ_SECONDS in turn, on a
# working copy of its shipped corpus (build/fuzz/work/NAME, so what it
# finds does not land in git), crashes under build/fuzz/crashes/NAME/.
# Prints each target's libFuzzer final stats and a closing table.
# A crash stops that target (libFuzzer's default) and is counted; copy the
# input into fuzz/corpus/NAME/ once the bug is fixed.
set -u
B=${BUILD:-build}
S=${FUZZ_SECONDS:-120}
cd "$(dirname "$0")/.."
table=
total_crashes=0
for t in "$@"; do
    name=${t##*/fuzz-}
    work=$B/fuzz/work/$name crashes=$B/fuzz/crashes/$name
    mkdir -p "$work" "$crashes"
    before=$(ls "$crashes" | wc -l)
    echo "== fuzz $name: $S s"
    "$t" -max_total_time="$S" -print_final_stats=1 -timeout=10 \
        -artifact_prefix="$crashes/" "$work" "fuzz/corpus/$name" \
        > "$B/fuzz/$name.log" 2>&1
    rc=$?
    grep -E '^stat::|^==[0-9]+==ERROR|invariant broken|runtime error|^artifact_prefix|Test unit written' \
        "$B/fuzz/$name.log"
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$B/fuzz/$name.log")
    after=$(ls "$crashes" | wc -l)
    n=$((after - before))
    [ "$rc" != 0 ] && [ "$n" = 0 ] && n=1	# died without saving an input
    total_crashes=$((total_crashes + n))
    table="$table$(printf '%-12s %12s %8s\n' "$name" "${execs:-?}" "$n")
"
done
echo "== fuzz: $S s per target"
printf '%-12s %12s %8s\n' target executions crashes
printf '%s' "$table"
[ "$total_crashes" = 0 ]
