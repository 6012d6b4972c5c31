#!/bin/sh
# rounds.sh - 'virq lab run --rounds N' inside L1: the same 'virq run'
# N times in one boot, round K into OUT/round-K.
#
# usage: rounds.sh N OUT VIRQ-RUN-COMMAND...   (the command without --out)
#
# A line per round on the console, which reaches the host even when L1
# hangs before the archive is sent (make soak counts from these lines):
#   LAB-ROUND K/N rc=R seconds=S scenarios=T failed=F warnings=W
#   LAB-ROUND-FAIL K NAME: the scenario's first FAIL or error line
# W is the kernel's new WARNING/BUG/Oops lines in dmesg during the round.
# A passing scenario keeps results.txt and results.json only: 50 rounds of
# ftrace (5 MB a round) would not fit in L1's memory nor the console.
# Exit: 0 when every round passed, else the last failing round's status.
set -u
[ $# -ge 3 ] || { echo "usage: rounds.sh N OUT COMMAND..." >&2; exit 2; }
n=$1 out=$2
shift 2
warn() { dmesg | grep -cE 'WARNING:|BUG:|Oops|Call Trace'; }
k=1 rc=0 w0=$(warn)
while [ "$k" -le "$n" ]; do
    d=$out/round-$k
    mkdir -p "$d"
    t0=$(cut -d' ' -f1 /proc/uptime)
    "$@" --out "$d" > "$d/run.log" 2>&1
    r=$?
    t1=$(cut -d' ' -f1 /proc/uptime)
    [ "$r" = 0 ] || rc=$r
    total=0 failed=0
    for s in "$d"/*/; do
        [ -d "$s" ] || continue
        total=$((total + 1))
        name=$(basename "$s")
        if grep -Eq '^  "passed": ?true' "$s/results.json" 2>/dev/null; then
            for f in "$s"*; do	# busybox find has no -delete
                case ${f##*/} in results.*) ;; *) rm -rf "$f" ;; esac
            done
            continue
        fi
        failed=$((failed + 1))
        # line 1 is the scenario's header ("...: FAILED in S s")
        why=$(sed 1d "$s/results.txt" 2>/dev/null | grep -m1 -E 'FAIL|error|timed out|never' |
              sed 's/^ *//')
        echo "LAB-ROUND-FAIL $k $name: ${why:-no results.txt (see round-$k/run.log)}"
    done
    w1=$(warn)
    echo "LAB-ROUND $k/$n rc=$r seconds=$(echo "$t0 $t1" | awk '{printf "%.1f", $2 - $1}')" \
         "scenarios=$total failed=$failed warnings=$((w1 - w0))"
    w0=$w1 k=$((k + 1))
done
exit "$rc"
