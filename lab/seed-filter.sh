#!/bin/sh
# seed-filter.sh - the seed's ftrace filter, one entry a line ('|' between a
# function's names in other eras), from the one list virq itself uses
# (src/trace/trace.c trace_seed_functions), for the L1 scripts (qemu-l2.sh).
# usage: seed-filter.sh OUT    Exit: 0, or 3 if the list was not found.
set -eu
LAB_DIR=$(cd "$(dirname "$0")" && pwd)
sed -n '/trace_seed_functions\[\] = {/,/NULL/p' "$LAB_DIR/../src/trace/trace.c" |
    grep -o '"[^"]*"' | tr -d '"' > "$1"
[ -s "$1" ] || { echo "lab: no trace_seed_functions in src/trace/trace.c" >&2; exit 3; }
