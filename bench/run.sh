#!/bin/sh
# run.sh - make bench: the MSI-X bring-up of bench/msix-enable.virq under
# virq and under real QEMU, side by side, one lab boot per kernel era.
#
# In each boot (QEMU in L1's initramfs, L1 on one CPU) bench/lab-bench.sh
# runs the scenario's step program BENCH_RUNS times (after one warm-up
# round) under virq --program, virq --program --skip-unchanged-commits and
# QEMU (-kernel virq-guest.elf -initrd msix-enable.prog), round by round.
# Both VMMs are measured the same way, from the L1 kernel's trace: a
# section's wall time runs from the guest's step mark (kvm_pio, port
# 0x1010) of its first step to the mark that follows it; calls are counted
# between the marks (virq trace-steps). A section of the bench file runs
# from a "# bench: NAME" line to the next "# bench:" line.
#
# Prints one table per kernel and writes it to bench/results/ERA.txt.
# Env: BENCH_RUNS (5), BENCH_KERNELS ("5.10 6.1 6.12 7.2"), BENCH_QEMU
#   (host: Debian 12's 7.2; as 'virq lab run --vmm qemu=Q'), BENCH_QEMU_SID=1
#   (a second boot per era with Debian unstable's QEMU, its own table
#   block), BENCH_OUT (build/bench), VIRQ_LAB_CACHE as the lab.
# Exit: 0; 1 a boot or a run failed (the message names its log).
set -u
cd "$(dirname "$0")/.."
B=${BUILD:-build}
N=${BENCH_RUNS:-5}
OUT=${BENCH_OUT:-$B/bench}
F=bench/msix-enable.virq name=msix-enable
ST=''
trap '[ -z "$ST" ] || rm -rf "$ST"' EXIT
die() { echo "bench: $*" >&2; exit 1; }

case $N in ''|*[!0-9]*|0) die "BENCH_RUNS=$N: give a count >= 1" ;; esac
ST=$(mktemp -d "${TMPDIR:-/tmp}/virq-bench.XXXXXX") || die "no temporary directory"
"$B/virq" program "$F" "$ST/$name.prog" > "$ST/program.log" 2>&1 ||
    die "virq program $F failed: $(cat "$ST/program.log")"
# the seed's filter for qemu-l2.sh, from the one list virq itself uses
sed -n '/trace_seed_functions\[\] = {/,/NULL/p' src/trace/trace.c |
    grep -o '"[^"]*"' | tr -d '"' > "$ST/ftrace-filter"
[ -s "$ST/ftrace-filter" ] || die "no trace_seed_functions in src/trace/trace.c"
cpus=$(sed -n 's/^vm .*vcpus=\([0-9]*\).*/\1/p' "$F")

# boot ERA QEMU DIR: the rounds in one lab boot; DIR/bench.txt, DIR/V/R/...
bench_boot() {
    rm -rf "$3"
    mkdir -p "$3"
    sh lab/run.sh --kernel "$1" --qemu "$2" --timeout $((300 + 90 * (N + 1))) \
        --log "$3/lab-console.log" --outdir "$3" --cmd "sh ./lab-bench.sh $N $name $cpus" \
        "$B/virq" "$F" "$ST/$name.prog" "$ST/$name.qemu-args" "$ST/ftrace-filter" \
        "$B/guest/virq-guest.elf" \
        lab/qemu-l2.sh lab/vmm-qemu.sh bench/lab-bench.sh > "$3/run.log" 2>&1
}

# steps DIR: every measured run's steps, "VARIANT ROUND LINE MS COMMITS SET_IRQS IRQFDS CMS TIMED"
bench_steps() {
    for v in virq virq-skip qemu; do
        r=1
        while [ $r -le "$N" ]; do
            t=$1/$v/$r/$name/ftrace.txt
            "$B/virq" trace-steps "$t" > "$1/$v/$r/steps.txt" 2>&1 ||
                die "trace-steps $t: $(cat "$1/$v/$r/steps.txt")"
            grep -v '^#' "$1/$v/$r/steps.txt" | sed "s/^/$v $r /"
            r=$((r + 1))
        done
    done
}

# one era (and QEMU): boot, check every run, print and keep the table
bench_era() {  # $1 era, $2 QEMU, $3 out dir
    t0=$(date +%s)
    bench_boot "$1" "$2" "$3"
    rc=$?
    grep -q '^kretprobe=' "$3/bench.txt" 2>/dev/null ||
        die "lab boot on $1 (QEMU $2) failed (exit $rc), see $3/run.log and $3/lab-console.log"
    bad=$(awk '/^run=/ && $3 != 0 { printf " %s round %s (exit %s);", substr($1, 5), $2, $3 }' \
        "$3/bench.txt")
    [ -z "$bad" ] || die "on $1:$bad see $3/VARIANT/ROUND.log and $3/lab-console.log"
    [ "$rc" = 0 ] || die "lab boot on $1 (QEMU $2) exited $rc, see $3/run.log"
    [ "$(grep -c '^run=' "$3/bench.txt")" = $((3 * (N + 1))) ] ||
        die "on $1: not every run ran, see $3/bench.txt"
    bench_steps "$3" > "$3/steps.all" || exit 1
    kv=$3/qemu/1/$name/qemu.txt
    sh bench/table.sh "$F" "$3/steps.all" "$(sed -n 's/^kernel=//p' "$kv")" \
        "$(sed -n 's/^qemu=.*version \([^ ]*\).*/\1/p' "$kv")" "$N" \
        "$(sed -n 's/^kretprobe=//p' "$3/bench.txt")" "$(($(date +%s) - t0))"
}

mkdir -p bench/results
for k in ${BENCH_KERNELS:-5.10 6.1 6.12 7.2}; do
    res=bench/results/$k.txt
    bench_era "$k" "${BENCH_QEMU:-host}" "$OUT/$k" > "$OUT.$k.txt" || exit 1
    if [ "${BENCH_QEMU_SID:-0}" = 1 ]; then
        bench_era "$k" sid "$OUT/$k-sid" >> "$OUT.$k.txt" || exit 1
    fi
    cp "$OUT.$k.txt" "$res"
    cat "$res"
done
