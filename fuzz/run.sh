#!/bin/sh
# run.sh - make fuzz: each target in turn until FUZZ_RUNS executions
# (default 10000000) or FUZZ_SECONDS (default 720), whichever comes first,
# on a working copy of its shipped corpus (build/fuzz/work/NAME, so what it
# finds does not land in git; it stays for the next run), crashes under
# build/fuzz/crashes/NAME/. Prints each target's libFuzzer final stats,
# then a table: target, executions, seconds, exec/s, crashes, and last
# "N targets, N crashes". A crash stops that target (libFuzzer's default)
# and is counted; copy the input into fuzz/corpus/NAME/ once the bug is
# fixed. Exit 1 if any target crashed.
#
# Inputs are at most 512 bytes for the device targets (about 100
# operations, each followed by the invariants; every bug found so far took
# fewer than 10) and 2048 for parse (all but 7 shipped scenarios whole).
# libFuzzer grows inputs to its max_len (4096, or the largest seed) and
# the time per input with them: at 90-120 s, vfio ran 8.8 k exec/s with
# 4096 and 15.2 k with 512, parse 12.8 k with 4096 and 19.2 k with 2048,
# for the same coverage (291 and 293-295 edges). FUZZ_MAX_LEN sets one
# length for all.
set -u
B=${BUILD:-build}
S=${FUZZ_SECONDS:-720}
R=${FUZZ_RUNS:-10000000}

max_len() {
    if [ -n "${FUZZ_MAX_LEN:-}" ]; then echo "$FUZZ_MAX_LEN"
    elif [ "$1" = parse ]; then echo 2048
    else echo 512
    fi
}
cd "$(dirname "$0")/.."
table=
total_crashes=0
targets=0
for t in "$@"; do
    name=${t##*/fuzz-}
    work=$B/fuzz/work/$name crashes=$B/fuzz/crashes/$name log=$B/fuzz/$name.log
    mkdir -p "$work" "$crashes"
    before=$(ls "$crashes" | wc -l)
    echo "== fuzz $name: $R executions or $S s"
    start=$(date +%s)
    "$t" -runs="$R" -max_total_time="$S" -max_len="$(max_len "$name")" -print_final_stats=1 -timeout=10 \
        -artifact_prefix="$crashes/" "$work" "fuzz/corpus/$name" > "$log" 2>&1
    rc=$?
    secs=$(($(date +%s) - start))
    grep -E '^stat::|^==[0-9]+==ERROR|invariant broken|runtime error|Test unit written' "$log"
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    after=$(ls "$crashes" | wc -l)
    n=$((after - before))
    [ "$rc" != 0 ] && [ "$n" = 0 ] && n=1	# died without saving an input
    total_crashes=$((total_crashes + n))
    targets=$((targets + 1))
    rate=?
    [ -n "$execs" ] && [ "$secs" -gt 0 ] && rate=$((execs / secs))
    table="$table$(printf '%-8s %12s %8s %8s %8s' "$name" "${execs:-?}" "$secs" "$rate" "$n")
"
done
echo "== fuzz: up to $R executions or $S s per target"
printf '%-8s %12s %8s %8s %8s\n' target executions seconds exec/s crashes
printf '%s' "$table"
echo "$targets targets, $total_crashes crashes"
[ "$total_crashes" = 0 ]
