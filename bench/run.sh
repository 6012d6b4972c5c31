#!/bin/sh
# run.sh - make bench: the MSI-X bring-up of bench/msix-enable.virq under
# virq and under real QEMU, side by side, one lab boot per kernel era; then
# upstream's many-vector case in a second boot: 1, 2, 4 and 8 QEMU nvme
# functions of 65 vectors (bench/gen-nvme.sh; LAB_NVME=8, L1 on 4 CPUs for
# their host vectors, 2 GiB), traced on three functions only
# (kvm_set_irq_routing, kvm_irqfd, vfio_pci_set_msi_trigger): its table for
# 8 devices, then the scaling table and plot (bench/scaling.sh).
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
# Prints one table per kernel and writes it to bench/results/ERA.txt, the
# plot to bench/results/scaling-ERA.svg.
# Env: BENCH_RUNS (5), BENCH_KERNELS ("5.10 6.1 6.12 7.2"), BENCH_MANY
#   (device counts of the second boot, "1 2 4 8"; "" leaves it out), BENCH_QEMU
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
MANY=${BENCH_MANY-1 2 4 8}
MANY_FNS=kvm_set_irq_routing,kvm_irqfd,vfio_pci_set_msi_trigger
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
mkdir -p "$ST/many"
names=
for d in $MANY; do
    sh bench/gen-nvme.sh "$d" > "$ST/many/nvme-$d.virq" || die "gen-nvme.sh $d failed"
    "$B/virq" program "$ST/many/nvme-$d.virq" "$ST/many/nvme-$d.prog" > "$ST/program.log" 2>&1 ||
        die "virq program nvme-$d failed: $(cat "$ST/program.log")"
    names=${names:+$names,}nvme-$d
done
echo "$MANY_FNS" | tr , '\n' > "$ST/many/ftrace-filter"

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

# the second boot: the nvme files, 8 vCPUs each; 100-200 s a round of the four
bench_boot_many() {
    rm -rf "$3"
    mkdir -p "$3"
    LAB_NVME=8 LAB_SMP=4 LAB_QEMU_SMP=1 LAB_MEM=2048 \
    sh lab/run.sh --kernel "$1" --qemu "$2" --timeout $((300 + 300 * (N + 1))) \
        --log "$3/lab-console.log" --outdir "$3" --cmd "sh ./lab-bench.sh $N $names 8 $MANY_FNS" \
        "$B/virq" "$B/guest/virq-guest.elf" "$ST/many/"* \
        lab/qemu-l2.sh lab/vmm-qemu.sh bench/lab-bench.sh > "$3/run.log" 2>&1
}

# steps DIR NAME: every measured run's steps, "VARIANT ROUND LINE MS COMMITS SET_IRQS IRQFDS CMS TIMED"
bench_steps() {
    for v in virq virq-skip qemu; do
        r=1
        while [ $r -le "$N" ]; do
            t=$1/$v/$r/$2/ftrace.txt
            # the many-vector runs come back cut already (lab-bench.sh)
            [ ! -f "$t" ] && [ -s "$1/$v/$r/$2.steps" ] ||
            "$B/virq" trace-steps "$t" > "$1/$v/$r/$2.steps" 2>&1 ||
                die "trace-steps $t: $(cat "$1/$v/$r/$2.steps")"
            grep -v '^#' "$1/$v/$r/$2.steps" | sed "s/^/$v $r /"
            r=$((r + 1))
        done
    done
}

# the boot's bench.txt: every run there and passed (RUNS NAMES)
bench_check() {  # $1 era, $2 QEMU, $3 out dir, $4 boot status, $5 names (count)
    grep -q '^kretprobe=' "$3/bench.txt" 2>/dev/null ||
        die "lab boot on $1 (QEMU $2) failed (exit $4), see $3/run.log and $3/lab-console.log"
    bad=$(awk '/^run=/ && $3 != 0 { printf " %s %s round %s (exit %s);", $4, substr($1, 5), $2, $3 }' \
        "$3/bench.txt")
    [ -z "$bad" ] || die "on $1:$bad see $3/VARIANT/ROUND*.log and $3/lab-console.log"
    [ "$4" = 0 ] || die "lab boot on $1 (QEMU $2) exited $4, see $3/run.log"
    [ "$(grep -c '^run=' "$3/bench.txt")" = $((3 * (N + 1) * $5)) ] ||
        die "on $1: not every run ran, see $3/bench.txt"
}

# one era (and QEMU): boot, check every run, print and keep the table
bench_era() {  # $1 era, $2 QEMU, $3 out dir
    t0=$(date +%s)
    bench_boot "$1" "$2" "$3"
    rc=$?
    bench_check "$1" "$2" "$3" "$rc" 1
    bench_steps "$3" "$name" > "$3/steps.all" || exit 1
    kv=$3/qemu/1/$name/qemu.txt
    TABLE_TITLE="MSI-X bring-up of 5 VFIO vectors" sh bench/table.sh "$F" "$3/steps.all" \
        "$(sed -n 's/^kernel=//p' "$kv")" "$(sed -n 's/^qemu=.*version \([^ ]*\).*/\1/p' "$kv")" \
        "$N" "$(sed -n 's/^kretprobe=//p' "$3/bench.txt")" "$(($(date +%s) - t0))"
    [ -n "$MANY" ] || return 0
    # the many-vector boot: the largest set's table, then the scaling
    t0=$(date +%s)
    bench_boot_many "$1" "$2" "$3-many"
    rc=$?
    bench_check "$1" "$2" "$3-many" "$rc" "$(echo "$MANY" | wc -w)"
    many=$3-many
    set --  "$1" "$2" "$many"
    for d in $MANY; do
        bench_steps "$3" "nvme-$d" > "$3/nvme-$d.steps" || exit 1
        set -- "$@" "$d" "$ST/many/nvme-$d.virq" "$3/nvme-$d.steps"
        last=$d
    done
    kv=$3/qemu/1/nvme-$last/qemu.txt
    kern=$(sed -n 's/^kernel=//p' "$kv") qv=$(sed -n 's/^qemu=.*version \([^ ]*\).*/\1/p' "$kv")
    echo
    TABLE_TITLE="MSI-X bring-up of $last x 65 VFIO vectors (QEMU nvme)" TABLE_STEPS=0 \
        TABLE_FILE="bench/gen-nvme.sh $last" sh bench/table.sh "$ST/many/nvme-$last.virq" \
        "$3/nvme-$last.steps" "$kern" "$qv" "$N" "$(sed -n 's/^kretprobe=//p' "$3/bench.txt")" \
        "$(($(date +%s) - t0))"
    shift 3
    sh bench/scaling.sh "$kern" "$qv" "$N" "$SVG" "$@"
    n=$(grep -c '^retry=' "$many/bench.txt")
    [ "$n" = 0 ] || echo "QEMU runs run again because the guest never exited (lab-bench.sh): $n"
}

mkdir -p bench/results
for k in ${BENCH_KERNELS:-5.10 6.1 6.12 7.2}; do
    res=bench/results/$k.txt
    SVG=bench/results/scaling-$k.svg
    bench_era "$k" "${BENCH_QEMU:-host}" "$OUT/$k" > "$OUT.$k.txt" || exit 1
    if [ "${BENCH_QEMU_SID:-0}" = 1 ]; then
        SVG=bench/results/scaling-$k-sid.svg
        bench_era "$k" sid "$OUT/$k-sid" >> "$OUT.$k.txt" || exit 1
    fi
    cp "$OUT.$k.txt" "$res"
    cat "$res"
done
