#!/bin/sh
# qemu-trace-merge.sh - one timeline from a qemu-smoke run: QEMU's -trace
# lines and the kernel's ftrace, sorted by time. Both are on CLOCK_REALTIME
# when ftrace's clock was tai (qemu-smoke.txt: trace_clock=tai; 5.10 has
# none, and its "local" clock does not line up).
#
# usage: qemu-trace-merge.sh DIR [PATTERN]
#   DIR      a qemu-smoke-run.sh --out directory (qemu-trace.txt, ftrace.txt)
#   PATTERN  grep -E filter on the merged lines (default: all but config
#            space accesses and kvm_pio)
# Output: "<seconds> QEMU <event> <args>" and "<seconds> KERN <task> <what>".
# QEMU 7.2 stamps "pid@sec.usec:event"; 11.x an ISO-8601 UTC time, turned
# into seconds here (days from the civil date, no mktime needed).
set -eu
[ $# -ge 1 ] && [ -f "$1/qemu-trace.txt" ] && [ -f "$1/ftrace.txt" ] || {
    sed -n '/^set -eu/q;2,$p' "$0" >&2; exit 2; }
D=$1 P=${2:-}
grep -q '^trace_clock=tai' "$D/qemu-smoke.txt" 2>/dev/null ||
    echo "qemu-trace-merge: warning: ftrace was not on the tai clock: the two do not line up" >&2
{
    awk '
    function days(y, m, d) {  # days since 1970-01-01 of a proleptic Gregorian date
        y += 0; m += 0; d += 0  # substr gives strings: "12" <= 2 would compare as text
        y -= (m <= 2); era = int(y / 400); yoe = y - era * 400
        doy = int((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
        doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
        return era * 146097 + doe - 719468
    }
    /^[0-9]+@[0-9.]+:/ { split($0, a, ":"); sub(/^[0-9]+@/, "", a[1])
        sub(/^[^:]*:/, ""); print a[1], "QEMU", $0; next }
    /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9:.]+Z / {  # no {4}: mawk
        t = $1; $1 = ""
        s = days(substr(t, 1, 4), substr(t, 6, 2), substr(t, 9, 2)) * 86400 \
            + substr(t, 12, 2) * 3600 + substr(t, 15, 2) * 60 + substr(t, 18, 9)
        printf "%.6f QEMU%s\n", s, $0 }' "$D/qemu-trace.txt"
    sed -n 's/^ *\(.*[^ ]\) *\[[0-9]*\] [^ ]* *\([0-9.]*\): \(.*\)/\2 KERN \1 \3/p' "$D/ftrace.txt"
} | sort -n -k1,1 -s |
    if [ -n "$P" ]; then grep -E -- "$P"; else grep -vE 'vfio_pci_(read|write)_config|kvm_pio'; fi
