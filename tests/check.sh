#!/bin/sh
# check.sh - make check: unit tests (plain, then ASan+UBSan), the fuzz
# targets on their corpora, command-line
# checks, the guest's selftest under the host's QEMU (q35), and every
# scenario in the lab on each kernel era: 6.1, 5.10, 6.12 and 7.2
# (lab/setup.sh fetches them, private apt configuration for 5.10/7.2); on
# 6.1 also the host's QEMU inside L1 running virq's guest with vfio-pci
# (lab/qemu-smoke-run.sh) and a Linux guest moving a vector (virq lab
# linux-move). Ends with one line "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
B=${BUILD:-build}
PASS=0 FAIL=0
ok() { PASS=$((PASS + 1)); echo "PASS: $*"; }
ko() { FAIL=$((FAIL + 1)); echo "FAIL: $*"; }

# cmocka prints "[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s)..."
unit() {
    out=$("$@" 2>&1); rc=$?
    echo "$out" | grep -E '^\[ +(OK|FAILED|PASSED) +\]|^\[ +RUN|ERROR|runtime error|Sanitizer' | grep -v '^\[ RUN'
    p=$(echo "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -n1)
    f=$(echo "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -n1)
    PASS=$((PASS + ${p:-0})) FAIL=$((FAIL + ${f:-0}))
    if [ "$rc" != 0 ] && [ -z "$f" ]; then ko "$* exited $rc"; fi
    if echo "$out" | grep -qE 'runtime error|Sanitizer'; then ko "$*: sanitizer report"; fi
}

echo "== unit tests"
for t in "$B"/tests/test_*; do unit "$t"; done
echo "== unit tests, ASan+UBSan"
for t in "$B"/asan/test_*; do unit "$t"; done

# each libFuzzer target (fuzz/fuzz.mk): every shipped corpus file replayed
# (-runs=0), then about 20 s of fuzzing from it; a crash or broken
# invariant is a FAIL, its input under $B/fuzz/crashes/NAME/
echo "== fuzz targets on their corpora"
for t in "$B"/fuzz/fuzz-*; do
    [ -x "$t" ] || continue
    n=${t##*/fuzz-} c=fuzz/corpus/${t##*/fuzz-} w=$B/fuzz/check/${t##*/fuzz-}
    mkdir -p "$w" "$B/fuzz/crashes/$n"
    "$t" -runs=0 "$c" > "$B/fuzz/check-$n-replay.log" 2>&1 &&
        ok "fuzz $n: $(ls "$c" | wc -l) corpus files replayed" ||
        ko "fuzz $n: a corpus file fails ($B/fuzz/check-$n-replay.log)"
    "$t" -max_total_time=${FUZZ_CHECK_SECONDS:-20} -print_final_stats=1 -timeout=10 \
        -artifact_prefix="$B/fuzz/crashes/$n/" "$w" "$c" > "$B/fuzz/check-$n.log" 2>&1 &&
        ok "fuzz $n: $(sed -n 's/^stat::number_of_executed_units: *//p' "$B/fuzz/check-$n.log") executions, no crash" ||
        ko "fuzz $n: crashed ($B/fuzz/check-$n.log: $(grep -m1 -E 'invariant broken|ERROR|runtime error' "$B/fuzz/check-$n.log"))"
done

echo "== command line"
V=$B/virq
t0=$(date +%s%N)
printf 'vm vcpus=1\nroute A msi vcpu=0 vector=0x41 bogus\n' > "$B/garbled.virq"
msg=$("$V" lab run "$B/garbled.virq" 2>&1); rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
case "$msg" in
    "$B/garbled.virq:2:"*) [ $rc = 2 ] && [ $ms -lt 1000 ] &&
        ok "garbled line refused with FILE:LINE, exit 2, in $ms ms, before any boot" ||
        ko "garbled: rc=$rc in $ms ms: $msg" ;;
    *) ko "garbled: wanted '$B/garbled.virq:2: ...', got '$msg' (rc=$rc)" ;;
esac
msg=$(VIRQ_DEV_KVM=/nonexistent/kvm "$V" run scenarios/signal-msi.virq 2>&1); rc=$?
case "$msg" in
    *"/nonexistent/kvm"*"virq lab run"*) [ $rc = 3 ] && ok "no KVM device: exit 3, names the device and 'virq lab run'" ||
        ko "no KVM device: wanted exit 3, got $rc" ;;
    *) ko "no KVM device: message was '$msg' (rc=$rc)" ;;
esac
printf 'vm vcpus=1\ndevice E vfio-pci host=1234:5678\nguest pci enum\n' > "$B/novfio.virq"
msg=$("$V" run "$B/novfio.virq" 2>&1); rc=$?
case "$msg" in
    *"1234:5678"*|*"/dev/kvm"*) [ $rc = 3 ] && ok "a passthrough device the host lacks: exit 3, named" ||
        ko "missing vfio device: wanted exit 3, got $rc" ;;
    *) ko "missing vfio device: message was '$msg' (rc=$rc)" ;;
esac
# real QEMU runs only the guest's steps: a host step is refused before any boot
t0=$(date +%s%N)
msg=$("$V" lab run --vmm qemu --out "$B/check/vmm-refused" scenarios/irqfd-route.virq 2>&1); rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
case "$msg" in
    "scenarios/irqfd-route.virq:12: 'route A msi"*) [ $rc = 2 ] && [ $ms -lt 1000 ] &&
        ok "lab run --vmm qemu refuses a host step with FILE:LINE, exit 2, in $ms ms, before any boot" ||
        ko "--vmm qemu host step: rc=$rc in $ms ms: $msg" ;;
    *) ko "--vmm qemu host step: wanted 'scenarios/irqfd-route.virq:12: ...', got '$msg' (rc=$rc)" ;;
esac
for a in "lab run --rounds 0" "lab run --rounds 3x" "lab diff --rounds 2"; do
    msg=$("$V" $a scenarios/signal-msi.virq 2>&1); rc=$?
    [ $rc = 2 ] && case "$msg" in *--rounds*) true ;; *) false ;; esac &&
        ok "virq $a: exit 2 before any boot: $msg" || ko "virq $a: rc=$rc: $msg"
done
for c in "" run lab "lab linux-move" check program trace-diff; do
    "$V" $c --help >/dev/null 2>&1 && ok "virq $c --help" || ko "virq $c --help exited non-zero"
done

# the guest alone under the host's QEMU (TCG, no lab): q35 with SeaBIOS,
# the scenarios' three devices wherever the machine puts them; the guest
# keeps firmware's BARs, finds each by vendor:device, checks its MSI-X
# table, and prints its interrupt log (6 IPIs) before isa-debug-exit, whose
# status is (code << 1) | 1: 1 is PASS
echo "== guest selftest under QEMU q35"
G=$B/guest/virq-guest.elf L=$B/check-guest-q35.log
mkdir -p "$B/check" && truncate -s 1M "$B/check/nvme.img"
t0=$(date +%s%N)
timeout 60 qemu-system-x86_64 -machine q35 -accel tcg -smp 2 -m 64 -nodefaults \
    -display none -serial stdio -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -kernel "$G" -append "ncpus=2 selftest printlog need=8086:10d3 need=1af4:1044 need=1b36:0010" \
    -device e1000e,romfile= -device virtio-rng-pci,disable-legacy=on \
    -drive if=none,id=nv,file="$B/check/nvme.img",format=raw -device nvme,serial=x,drive=nv \
    > "$L" 2>&1
rc=$? ms=$(( ($(date +%s%N) - t0) / 1000000 ))
logged=$(grep -c '^virq-log: seq=[0-9]* apic=[01] vector=0x41$' "$L")
if [ $rc = 1 ] && grep -q '^virq-guest: selftest PASS' "$L" && grep -q '^virq-guest: pci mode firmware' "$L" &&
   [ "$(grep -c 'MSI-X .* ok$' "$L")" = 3 ] && [ "$logged" = 6 ] && grep -q '^virq-log: end' "$L"; then
    ok "guest selftest on QEMU q35 -smp 2 (firmware's BARs, e1000e/virtio-rng/nvme MSI-X, log of $logged) in $ms ms"
else
    ko "guest selftest on QEMU q35: exit $rc in $ms ms, $(grep -E 'FAIL|PASS' "$L" | head -2 | tr '\n' ' ') ($L)"
fi

echo "== guest step programs under QEMU q35 (virq program)"
# the passthrough scenarios' guest steps, run by the guest alone under the
# host's QEMU (TCG, an emulated e1000e): every expect the guest can judge
# holds. rewrite-while-unmasked and msix-disable-pending are about VFIO's
# routes and PBA and behave otherwise on an emulated device: not here.
# A scenario with host steps is refused with FILE:LINE, exit 2. The waits
# count TSC cycles at the rate given (tsc_khz=, as lab/vmm-qemu.sh passes L1's):
# under TCG the guest's TSC is the host's.
khz=$(awk -F: '/^cpu MHz/ { printf "%d", $2 * 1000; exit }' /proc/cpuinfo)
for s in seed-affinity seed-trace rewrite-while-masked affinity-storm msix-grow-masked; do
    P=$B/check/$s.prog L=$B/check-prog-$s.log
    if ! "$V" program "scenarios/$s.virq" "$P" "$B/check/prog-guest.elf" > "$L.compile" 2>&1; then
        ko "virq program $s: $(tr '\n' ' ' < "$L.compile")"; continue
    fi
    t0=$(date +%s%N)
    timeout 120 qemu-system-x86_64 -machine q35 -accel tcg -smp 2 -m 64 -nodefaults \
        -display none -serial stdio -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
        -kernel "$B/check/prog-guest.elf" -initrd "$P" -append "ncpus=2 tsc_khz=$khz" \
        -device e1000e,romfile= > "$L" 2>&1
    rc=$? ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    n=$(grep -c '^virq-expect [0-9]* ok ' "$L") f=$(grep -c '^virq-expect [0-9]* FAIL ' "$L")
    if [ $rc = 1 ] && [ "$n" -gt 0 ] && [ "$f" = 0 ] && grep -q '^virq-prog: done, 0 expects failed' "$L" &&
       grep -q "ncpus=2 tsc_khz=$khz\$" "$L"; then
        ok "step program $s under QEMU q35: $n expects held in $ms ms (tsc_khz=$khz taken)"
    else
        ko "step program $s under QEMU q35: exit $rc, $n ok, $f FAIL ($L)"
    fi
done
msg=$("$V" program scenarios/irqfd-route.virq "$B/check/x.prog" 2>&1); rc=$?
case "$msg" in
    scenarios/irqfd-route.virq:[0-9]*:*"not a step the guest can run"*) [ $rc = 2 ] &&
        ok "virq program refuses host steps with FILE:LINE, exit 2" || ko "virq program host steps: exit $rc" ;;
    *) ko "virq program host steps: '$msg' (exit $rc)" ;;
esac

# lab: every scenario on 6.1, and on 6.12; each scenario is one test
lab() {
    k=$1; shift
    out=$B/check/lab-$k
    rm -rf "$out"
    echo "== lab, kernel $k: $*"
    "$V" lab run --kernel "$k" --out "$out" "$@" > "$B/check-lab-$k.log" 2>&1
    rc=$?
    grep -E '^scenario |^virq lab run|^lab: ' "$B/check-lab-$k.log"
    for f in "$@"; do
        n=$(basename "$f" .virq)
        d=$out/$n
        if [ ! -f "$d/results.json" ]; then ko "lab $k $n: no results ($B/check-lab-$k.log)"; continue; fi
        for x in results.txt results.json console.log ftrace.txt timeline.json; do
            [ -s "$d/$x" ] || ko "lab $k $n: $x missing or empty"
        done
        # results.txt's first line and results.json's top-level "passed"
        if head -n1 "$d/results.txt" | grep -q ': PASSED in ' &&
           sed -n '1,8p' "$d/results.json" | grep -Eq '^  "passed": ?true'; then ok "lab $k $n"
        else ko "lab $k $n: $(grep -E 'FAIL|error' "$d/results.txt" | head -3 | tr '\n' ' ')"; fi
    done
    [ $rc -le 1 ] || ko "lab $k: virq lab run exited $rc"
}
# the load scenario (scenarios/load/: 100,000 irqfd interrupts, 10,000 VFIO
# ones under a flapping mask, about 4 minutes in the lab) on 6.1 only
lab 6.1 scenarios/*.virq scenarios/load/*.virq
# the ledger cannot be fooled: each of tests/data/ledger/ injects one bug
# into virq (vm fault=) and must fail with the ledger naming it; the same
# file without the fault must pass (one lab boot for the six)
ctl=$B/check/ledger-ctl
rm -rf "$ctl" "$B/check/ledger"; mkdir -p "$ctl"
for f in tests/data/ledger/*.virq; do sed 's/ fault=[a-z-]*//' "$f" > "$ctl/ctl-$(basename "$f")"; done
"$V" lab run --kernel 6.1 --out "$B/check/ledger" tests/data/ledger/*.virq "$ctl"/*.virq \
    > "$B/check-ledger.log" 2>&1
for t in "misrouted:R vector 1: 1 misrouted" "delivered-masked:E vector 1: 1 delivered_masked" \
         "lost:R vector 1: 1 lost"; do
    n=${t%%:*} want=${t#*:}
    r=$B/check/ledger/$n/results.txt
    if head -n1 "$r" 2>/dev/null | grep -q ': FAILED in ' && grep -q "error: .*ledger: $want " "$r"; then
        ok "ledger names an injected fault ($n): '$want'"
    else ko "ledger, fault $n: wanted FAILED with 'ledger: $want' ($(grep -m1 'error:' "$r" 2>/dev/null), $B/check-ledger.log)"; fi
    if head -n1 "$B/check/ledger/ctl-$n/results.txt" 2>/dev/null | grep -q ': PASSED in '; then
        ok "ledger: $n without the fault passes"
    else ko "ledger: $n without the fault: $(grep -m1 'error:' "$B/check/ledger/ctl-$n/results.txt" 2>/dev/null) ($B/check-ledger.log)"; fi
done
# make soak's rounds (virq lab run --rounds, lab/rounds.sh): two rounds in one
# boot of a passing scenario and one that fails by design (the lost fault):
# a line per round, the failure's first line per round, exit 1
R=$B/check/rounds
"$V" lab run --kernel 6.1 --rounds 2 --out "$R" scenarios/signal-msi.virq tests/data/ledger/lost.virq \
    > "$B/check-rounds.log" 2>&1; rc=$?
if [ $rc = 1 ] && grep -q '^rounds 2/2, 4 scenario runs, 2 failed$' "$B/check-rounds.log" &&
   [ "$(grep -c '^ROUND [12]/2 rc=1 .* scenarios=2 failed=1 ' "$B/check-rounds.log")" = 2 ] &&
   [ "$(grep -c '^ROUND-FAIL [12] lost: .*ledger: R vector 1: 1 lost' "$B/check-rounds.log")" = 2 ] &&
   [ -f "$R/round-2/signal-msi/results.json" ] && [ ! -e "$R/round-2/signal-msi/ftrace.txt" ] &&
   [ -f "$R/round-2/lost/ftrace.txt" ]; then
    ok "lab run --rounds 2: a line per round, the failure named in each, a pass keeps results.* only"
else ko "lab run --rounds 2: rc=$rc, $(grep -E '^(ROUND|rounds|lab:)' "$B/check-rounds.log" | head -4 | tr '\n' ' ') ($B/check-rounds.log)"; fi
# many vectors (issue 13): two QEMU nvme functions of 65 vectors (LAB_NVME),
# both host=1b36:0010 (virq takes them in turn: the same one twice would
# meet its open group, EBUSY), brought up per vector, moved, torn down and
# brought up batched, with each section's commits expected
M=$B/check/many
sh bench/gen-nvme.sh 2 --expect > "$B/nvme-2.virq"
LAB_NVME=2 "$V" lab run --kernel 6.1 --out "$M" "$B/nvme-2.virq" > "$B/check-many.log" 2>&1
if head -n1 "$M/nvme-2/results.txt" 2>/dev/null | grep -q ': PASSED in ' &&
   grep -q '3 of 3 expects held' "$M/nvme-2/results.txt"; then
    ok "lab 6.1: 2 x 65 passed-through vectors (LAB_NVME=2): 131, 261, 263 commits"
else ko "lab 6.1, 2 x 65 vectors: $(grep -m2 -E 'FAIL|error' "$M/nvme-2/results.txt" 2>/dev/null | tr '\n' ' ') ($B/check-many.log)"; fi
# the must-show: markers between the kernel's kvm_set_irq_routing and irqfd_update
t=$B/check/lab-6.1/irqfd-route/ftrace.txt
if awk '/kvm_set_irq_routing <-kvm_vm_ioctl/ { s = 1; next }
        s == 1 && /tracing_mark_write: virq:/ { m = 1 }
        s == 1 && /irqfd_update/ && m { found = 1 } END { exit !found }' "$t" 2>/dev/null &&
   grep -q 'irqfd_update <-kvm_irq_routing_update' "$t"; then
    ok "ftrace: kvm_set_irq_routing, VMM markers, irqfd_update on one timeline"
else
    ko "ftrace: $t lacks kvm_set_irq_routing / markers / irqfd_update"
fi
# a guest CPU that stops answering (tests/data/guest-hang.virq, which fails by
# design): exit 1, the mailbox watchdog's message (the CPU, the command, the
# time waited) the run's error, the expects before it held, the step after
# it never run, the results and the trace written, and virq itself done in
# well under the lab's own timeout. In the same boot, with the kernel's
# reset and irqfd teardown traced too (--ftrace-add), what vfio-reset and
# irqfd-close make the kernel do: VFIO_DEVICE_RESET's PM reset
# (pci_try_reset_function <-vfio_pci_core_ioctl, then pci_pm_reset), and the
# closed eventfd's EPOLLHUP deactivating the irqfd (irqfd_deactivate
# <-irqfd_wakeup, irqfd_shutdown from the workqueue)
H=$B/check/lab-faults
rm -rf "$H"
t0=$(date +%s)
"$V" lab run --kernel 6.1 --out "$H" --ftrace-add \
    pci_try_reset_function,pci_pm_reset,eventfd_release,irqfd_deactivate,irqfd_shutdown \
    tests/data/guest-hang.virq scenarios/vfio-reset.virq scenarios/irqfd-close.virq \
    > "$B/check-lab-faults.log" 2>&1
rc=$? s=$(($(date +%s) - t0)) r=$H/guest-hang/results.txt
w="  error: ./guest-hang.virq:20: watchdog: guest CPU 1 did not answer command 1 (out, for 'guest out port=0x80 value=3 vcpu=1 timeout=1000') in [0-9]* ms: it took no mailbox interrupt"
if [ $rc = 1 ] && head -n1 "$r" 2>/dev/null | grep -q ': FAILED in ' && sed -n 2p "$r" | grep -q "^$w" &&
   grep -q '^  2 of 2 expects held' "$r" && grep -Eq '^  "passed": ?false' "$H/guest-hang/results.json" &&
   grep -q 'virq: step guest-hang:20 ' "$H/guest-hang/ftrace.txt" &&
   ! grep -q 'virq: step guest-hang:22 ' "$H/guest-hang/ftrace.txt" && [ $s -lt 180 ]; then
    ok "guest-hang (6.1): exit 1, the watchdog's error: $(sed -n 2p "$r" | sed 's/.*watchdog: //; s/ (4 mailbox.*//')"
else
    ko "guest-hang (6.1): exit $rc in $s s (wanted 1): $(sed -n 2p "$r" 2>/dev/null) ($B/check-lab-faults.log)"
fi
after() {  # $1 ftrace, $2 a marker, $3 $4 ...: these lines after it, in order (grep -E patterns)
    f=$1 m=$2; shift 2
    awk -v m="$m" -v pats="$*" 'BEGIN { n = split(pats, p, " "); i = 1 }
        !on && index($0, m) { on = 1; next }
        on && i <= n && $0 ~ p[i] { i++ } END { exit i <= n }' "$f" 2>/dev/null
}
t=$H/vfio-reset/ftrace.txt
if head -n1 "$H/vfio-reset/results.txt" 2>/dev/null | grep -q ': PASSED in ' &&
   after "$t" 'virq: vfio_pci_get_pci_hot_reset_info' 'pci_try_reset_function.<-vfio_pci_core_ioctl' \
       'pci_pm_reset.<-__pci_reset_function_locked' 'virq:.vfio_pci_reset_pm' 'virq:.msix_reset'; then
    ok "vfio-reset (6.1) with the reset traced: no bus reset (ENODEV), VFIO_DEVICE_RESET -> pci_try_reset_function -> pci_pm_reset, then msix_reset"
else
    ko "vfio-reset (6.1), reset traced: $(head -n2 "$H/vfio-reset/results.txt" 2>/dev/null | tr '\n' ' ') ($t)"
fi
t=$H/irqfd-close/ftrace.txt
if head -n1 "$H/irqfd-close/results.txt" 2>/dev/null | grep -q ': PASSED in ' &&
   after "$t" 'step irqfd-close:21 irqfd A close' 'eventfd_release.<-__fput' \
       'irqfd_deactivate.<-irqfd_wakeup' 'virq:.kvm_irqfd_eventfd_closed.fd=[0-9]*:.1.irqfd' &&
   after "$t" 'step irqfd-close:21 irqfd A close' 'irqfd_shutdown.<-process_one_work' &&
   after "$t" 'step irqfd-close:27 irqfd A remove' 'eventfd_ctx_fdget|kvm_irqfd.<-kvm_vm_ioctl' \
       'step.irqfd-close:28.expect.result.EBADF'; then
    ok "irqfd-close (6.1) traced: close -> eventfd_release -> irqfd_wakeup (EPOLLHUP) -> irqfd_deactivate -> irqfd_shutdown; the deassign after it EBADF"
else
    ko "irqfd-close (6.1), traced: $(head -n2 "$H/irqfd-close/results.txt" 2>/dev/null | tr '\n' ' ') ($t)"
fi
# QEMU inside L1 (lab/qemu-smoke-run.sh): the host's QEMU runs virq's guest
# ("ncpus=2 selftest") with -accel kvm -cpu host -smp 2 (nested SVM) and
# -device vfio-pci on the lab's e1000e; the guest exits through isa-debug-exit
o=$B/check/qemu-smoke
GUEST=$B/guest/virq-guest.elf lab/qemu-smoke-run.sh --kernel 6.1 --out "$o" \
    > "$B/check-qemu-smoke.log" 2>&1
rc=$?
kv() { sed -n "s/^$1=//p" "$o/qemu-smoke.txt" 2>/dev/null | head -n1; }
if [ $rc = 0 ] && [ "$(kv verdict)" = PASS ] &&
   grep -q 'vfio_msix_early_setup 0000:00:02.0 .*entries 5' "$o/qemu-trace.txt" &&
   grep -q 'kvm_irqfd <-kvm_vm_ioctl' "$o/ftrace.txt" &&
   grep -q 'kvm_pio: pio_write at 0xf4 size 4 count 1 val 0x0' "$o/ftrace.txt"; then
    ok "QEMU in L1: $(kv qemu | sed 's/.*QEMU emulator //') ran the guest selftest with vfio-pci $(kv bdf) in $(kv seconds) s (MSI-X setup in its trace, KVM_IRQFD and the exit port in ftrace)"
else
    ko "QEMU in L1: rc=$rc, $(kv verdict || true); $(grep -m1 'lab: \(QEMU\|boot\|no\)' "$B/check-qemu-smoke.log") ($B/check-qemu-smoke.log, $o)"
fi
# the same guest steps under real QEMU and under virq, one lab boot per era
# (virq lab diff): per step the same kernel calls, or each difference named
# in lab/accepted-differences.txt with QEMU's reason; the same interrupts per
# vCPU and vector; and under QEMU the seed's release / commit / use blocks
PT="scenarios/seed-affinity.virq scenarios/seed-trace.virq scenarios/rewrite-while-masked.virq
    scenarios/rewrite-while-unmasked.virq scenarios/affinity-storm.virq scenarios/msix-grow-masked.virq
    scenarios/msix-disable-pending.virq bench/msix-enable.virq scenarios/vfio-intx.virq"
labdiff() {  # $1 = era, $2... = scenarios; LABDIFF_PROGRAM=1: virq runs them with --program
    k=$1; shift
    p=${LABDIFF_PROGRAM:+--program}
    D=$B/check/diff-$k${p:+-program} L=$B/check-diff-$k${p:+-program}.log
    rm -rf "$D"
    t0=$(date +%s)
    # shellcheck disable=SC2086
    "$V" lab diff --kernel "$k" $p --out "$D" "$@" > "$L" 2>&1
    rc=$?
    n=$(grep -c '^  [0-9]* differences*: [0-9]* accepted, 0 not' "$L")
    same=$(grep -c '^  interrupts (guest log): the same' "$L")
    acc=$(sed -n 's/^  [0-9]* differences*: \([0-9]*\) accepted.*/\1/p' "$L" |
        awk '{ s += $1 } END { print s + 0 }')
    who=${p:+"virq --program (the guest runs the steps itself)"}
    if [ $rc = 0 ] && [ "$n" = $# ] && [ "$same" = $# ] &&
       grep -q '^virq lab diff: .*no unexplained difference' "$L"; then
        ok "lab diff on $k: $# scenarios under ${who:-virq} and QEMU 7.2 in one boot ($(( $(date +%s) - t0 )) s): the same interrupts, $acc differing calls each accepted with QEMU's reason"
    else
        ko "lab diff on $k${p:+ $p}: rc=$rc, $n of $# without unexplained differences, $same with the same interrupts: $(grep -m3 'DIFFERENT\|no results\|lab error' "$L" | tr '\n' ' ') ($L)"
    fi
}
# and on 6.1 the virtio-rng and NVMe scenarios that run under QEMU, in the same boot
# shellcheck disable=SC2086
# (not virtio-move-*: they pin the guest-notifier path, which QEMU's
# virtio-rng-pci never takes: it has no guest notifiers, its notify is msix_notify)
labdiff 6.1 $PT scenarios/virtio-irqfd.virq scenarios/virtio-kick-exits.virq scenarios/virtio-masked.virq scenarios/virtio-vector.virq scenarios/msix-[rcf]*.virq scenarios/nvme-[su]*.virq
# shellcheck disable=SC2086
labdiff 6.12 $PT
# the issue's four, with the very same guest code on both sides: virq boots the
# guest with the step program as module 0, as QEMU's -initrd does
LABDIFF_PROGRAM=1
labdiff 6.1 scenarios/seed-affinity.virq scenarios/rewrite-while-masked.virq \
    scenarios/rewrite-while-unmasked.virq scenarios/affinity-storm.virq
LABDIFF_PROGRAM=
Q=$B/check/diff-6.1/qemu/seed-affinity
if "$V" trace-compare "$Q/ftrace.txt" > "$B/check-qemu-seed.log" 2>&1; [ -f "$Q/ftrace.txt" ]; then
    m=$(grep -c 'kvm_pio: pio_write at 0x1010 ' "$Q/ftrace.txt")
    if grep -q "release block (6 calls): found at traced call [0-9]*, callers 6/6" "$B/check-qemu-seed.log" &&
       grep -q "use     block (6 calls): found at traced call [0-9]*, callers 6/6" "$B/check-qemu-seed.log" &&
       grep -q "irqfd_update <-kvm_irq_routing_update x3" "$B/check-qemu-seed.log" && [ "$m" -ge 20 ] &&
       grep -q '"passed":true' "$Q/results.json"; then
        ok "seed-affinity under real QEMU 7.2 in L1 (6.1, vfio-pci): its guest expects held, $m step markers, the seed's release, commit and use blocks"
    else
        ko "seed-affinity under QEMU in L1: $m markers; $(tr '\n' ' ' < "$B/check-qemu-seed.log" | cut -c1-300)"
    fi
else
    ko "seed-affinity under QEMU in L1: no ftrace in $Q"
fi
# the seed's experiment by real QEMU and a real Linux guest (virq lab
# linux-move, 6.1): Debian's generic 6.1 kernel as L2 under the host's QEMU
# in L1, its e1000e driver on the passed-through e1000e, eth0-tx-0 moved with
# smp_affinity; between L2's port marks L1 traces the seed's release and use
# blocks around one KVM_SET_GSI_ROUTING of three bare irqfd_update, and the
# same calls as virq's seed-affinity move in the same boot. (Sometimes the
# device's next message reaches the new CPU while the old one still runs the
# handler that moved the vector, and Linux masks and unmasks it once more
# before the end mark: linux-move.txt says so in a row of its own.)
L=$B/check/linux-move
rm -rf "$L"
t0=$(date +%s)
"$V" lab linux-move --kernel 6.1 --out "$L" > "$B/check-linux-move.log" 2>&1
rc=$? s=$(($(date +%s) - t0))
lm() { grep -q -- "$1" "$L/linux-move.txt" 2>/dev/null; }
if [ $rc = 0 ] && lm '^L2: PASS eth0-tx-0 ' &&
   lm '^  seed release block (6 calls) *found, callers 6/6 *found, callers 6/6$' &&
   lm "^  the move's commit (after the release) *5 calls, 3 irqfd_update *5 calls, 3 irqfd_update$" &&
   lm '^  seed use block (6 calls) *found, callers 6/6 *found, callers 6/6$' &&
   lm '^  KVM_SET_GSI_ROUTING in the move *1 *1$' &&
   lm '^  MSI-X SET_IRQS in the move (release, use) *2 *2$' &&
   lm '^  the same calls in both moves: yes$'; then
    ok "linux-move 6.1: a Linux guest under QEMU in L1: $(sed -n 's/^L2: PASS //p' "$L/linux-move.txt"); L1 traced release, 1 KVM_SET_GSI_ROUTING (3 irqfd_update), use, 2 SET_IRQS, as for virq's move, in $s s"
else
    ko "linux-move 6.1: exit $rc in $s s: $(grep -E '^L2:|does NOT|same calls|^lab: (error|linux-move: verdict)|^virq: ' "$B/check-linux-move.log" | head -4 | tr '\n' ' ')($B/check-linux-move.log)"
fi
# the Linux guest's MSI-X bring-up under QEMU takes INTx off KVM
# (vfio_msix_enable -> vfio_intx_disable) with the requests virq's vfio-intx
# makes at 'guest msix enable' on the same kernel, in the same order
intx_off() {  # $1 ftrace: the INTx requests from the last mask to the first MSI/MSI-X SET_IRQS
    awk '/vfio_pci_set_msi_trigger <-vfio_pci_core_ioctl/ { print s; exit }
         / (vfio_pci_set_intx_[a-z]+|kvm_irqfd) <-(vfio_pci_core_ioctl|kvm_vm_ioctl)/ {
             f = $0; sub(/ <-.*/, "", f); sub(/.* /, "", f)
             s = f == "vfio_pci_set_intx_mask" ? f : s " " f }' "$1" 2>/dev/null
}
ql=$(intx_off "$L/ftrace.txt") vl=$(intx_off "$B/check/lab-6.1/vfio-intx/ftrace.txt")
if [ -n "$ql" ] && [ "$ql" = "$vl" ] && [ "$ql" = "vfio_pci_set_intx_mask kvm_irqfd vfio_pci_set_intx_unmask vfio_pci_set_intx_trigger" ]; then
    ok "INTx off at MSI-X enable (6.1): QEMU under a Linux guest (linux-move) and virq (vfio-intx) make the same requests in order: $ql"
else
    ko "INTx off at MSI-X enable (6.1): QEMU+Linux '$ql', virq '$vl'"
fi
# the seed's trace (seed-trace.virq, the plain move of vector 1 of three):
# by era, what the kernel does with it (docs/seed-trace.md)
seed() {  # $1 = era; trace-compare's output in $B/check-seed-$1.log, its status echoed
    "$V" trace-compare "$B/check/lab-$1/seed-trace/ftrace.txt" > "$B/check-seed-$1.log" 2>&1
    echo $?
}
seed_has() { grep -q -- "$2" "$B/check-seed-$1.log"; }
seed_said() { tr '\n' ' ' < "$B/check-seed-$1.log"; }
# affinity-storm: QEMU commits on every unmask; --skip-unchanged-commits none of those
commits() { sed -n 's/^  "commits":\([0-9]*\),*/\1/p' "$1" | head -n1; }
def=$(commits "$B/check/lab-6.1/affinity-storm/results.json")
"$V" lab run --skip-unchanged-commits --out "$B/check/lab-6.1-skip" scenarios/affinity-storm.virq \
    > "$B/check-lab-skip.log" 2>&1
skip=$(commits "$B/check/lab-6.1-skip/affinity-storm/results.json")
if [ -n "$def" ] && [ -n "$skip" ] && [ "$def" -ge 102 ] && [ "$skip" -le 2 ]; then
    ok "affinity-storm: $def KVM_SET_GSI_ROUTING as QEMU, $skip with --skip-unchanged-commits"
else
    ko "affinity-storm commits: default '$def' (wanted >= 102), skip '$skip' (wanted <= 2)"
fi
for k in 5.10 6.12 7.2; do lab $k scenarios/*.virq; done
# an era that lacks a module a device needs: the scenario is not applicable,
# said with the module's name, and the next scenario still runs (5.10's own
# kernel with vfio-pci.ko taken out of a hard-linked copy of its modules)
K=$(ls -d "${VIRQ_LAB_CACHE:-$B/lab-cache}"/kernels/5.10.*/ 2>/dev/null | head -n1)
M=$B/check/nopci-modules
rm -rf "$M" "$B/check/lab-nopci"
if [ -n "$K" ] && mkdir -p "$M" && { cp -al "$K/lib" "$M/lib" 2>/dev/null || cp -a "$K/lib" "$M/lib"; } && find "$M" -name 'vfio-pci.ko*' -delete; then
    "$V" lab run --kernel "$K/vmlinuz" --modules "$M" --out "$B/check/lab-nopci" \
        scenarios/seed-affinity.virq scenarios/signal-msi.virq > "$B/check-lab-nopci.log" 2>&1
    rc=$? r=$B/check/lab-nopci/seed-affinity/results.txt
    if [ $rc = 4 ] && head -n1 "$r" | grep -q ': NOT APPLICABLE in' &&
       grep -q 'lacks module vfio_pci, which device E (vfio-pci) needs' "$r" &&
       ! grep -qE '^  [0-9]+ +(ok|FAIL) ' "$r" && grep -qE '^  [0-9]+ +n/a ' "$r" &&
       head -n1 "$B/check/lab-nopci/signal-msi/results.txt" | grep -q ': PASSED in'; then
        ok "a kernel without vfio_pci: seed-affinity not applicable (exit 4, module named, expects n/a), signal-msi still passes"
    else
        ko "no-vfio_pci kernel: rc=$rc, $(head -n3 "$r" 2>/dev/null | tr '\n' ' ')"
    fi
else
    ko "no-vfio_pci kernel: cannot make a module tree from '$K'"
fi
# 5.10 has no route filter (5.16): the plain move is the seed's 21 calls, callers too
if [ "$(seed 5.10)" = 0 ] && seed_has 5.10 "back to back: yes"; then
    ok "seed-trace 5.10: the seed's 21 calls back to back, callers matching"
else
    ko "seed-trace 5.10: $(seed_said 5.10)"
fi
# 6.1: the seed's release and use blocks; the filter leaves three bare irqfd_update
seed 6.1 > /dev/null
if seed_has 6.1 "release block (6 calls): found at traced call [0-9]*, callers 6/6" &&
   seed_has 6.1 "use     block (6 calls): found at traced call [0-9]*, callers 6/6" &&
   seed_has 6.1 "the move's commit, as traced (5 calls" &&
   seed_has 6.1 "irqfd_update <-kvm_irq_routing_update x3" &&
   seed_has 6.1 "kvm_arch_irqfd_route_changed called"; then
    ok "seed-trace 6.1: release and use blocks, a commit of three bare irqfd_update (route filter)"
else
    ko "seed-trace 6.1: $(seed_said 6.1)"
fi
# 6.12 and 7.2 in the lab: no bypass consumer registers, the same three irqfd_update
for k in 6.12 7.2; do
    seed $k > /dev/null
    if seed_has $k "as bypass consumer: no" && seed_has $k "the move's commit, as traced (5 calls" &&
       seed_has $k "irqfd_update <-kvm_irq_routing_update x3"; then
        ok "seed-trace $k: no bypass consumer, a commit of three bare irqfd_update"
    else
        ko "seed-trace $k: $(seed_said $k)"
    fi
done

# virq boot: the project's test kernels (tests/kernels) in one lab boot on
# 6.1, 'virq lab boot K...': boot64 (long mode, so CPUID's LM bit and
# EFER.LME) checks fw_cfg, CPUID on both vCPUs, pc-testdev and an IRQ line
# and exits 0: status 1; pcitest checks pci-testdev (its BARs, every test
# its header lists with QEMU's counts: each write counted without an
# ioeventfd, none with one) and exits 0: 1; triple triple-faults: 6, with
# the markers it left at its last exit; exit1 exits 1: 3, and the command's
# own status is the last kernel's. Then boot64, pcitest and exit1 under the
# host's QEMU (TCG, -device pci-testdev as on virq's board): 1, 1 and 3.
echo "== virq boot: test kernels in the lab (6.1) and under QEMU"
K=$B/kernels D=$B/check/lab-boot
"$V" lab boot --out "$D" --smp 2 --mem 64 --append "smp=2 mem=64" \
    "$K/boot64.elf" "$K/pcitest.elf" "$K/triple.elf" "$K/exit1.elf" > "$B/check-lab-boot.log" 2>&1
rc=$?
bst() { cat "$D/$1/status" 2>/dev/null; }
if [ $rc = 3 ] && [ "$(bst boot64.elf)" = 1 ] && [ "$(bst pcitest.elf)" = 1 ] &&
   [ "$(bst triple.elf)" = 6 ] && [ "$(bst exit1.elf)" = 3 ] &&
   grep -q '^boot64: 18 checks, all passed' "$D/boot64.elf/serial.txt" &&
   grep -qF "cmdline '$K/boot64.elf smp=2 mem=64'" "$D/boot64.elf/serial.txt" &&
   grep -q '^pcitest: 24 checks, all passed' "$D/pcitest.elf/serial.txt" &&
   grep -q 'triple fault (KVM_EXIT_SHUTDOWN)' "$D/triple.elf/stderr.txt" &&
   grep -q 'rsi=0x7e57f417 rdi=0xd15ea5ed' "$D/triple.elf/stderr.txt"; then
    ok "virq lab boot: boot64 exit 1 (18 checks), pcitest 1 (24 checks), triple 6 (its markers reported), exit1 3; the command's 3"
else
    ko "virq lab boot: rc=$rc (wanted 3), boot64 $(bst boot64.elf) (1), pcitest $(bst pcitest.elf) (1), triple $(bst triple.elf) (6), exit1 $(bst exit1.elf) (3) ($B/check-lab-boot.log)"
fi
for k in "boot64 1" "pcitest 1" "exit1 3"; do
    set -- $k
    timeout 60 qemu-system-x86_64 -accel tcg -smp 2 -m 64 -nodefaults -no-user-config \
        -display none -no-reboot -serial stdio -device pc-testdev \
        -device isa-debug-exit,iobase=0xf4,iosize=4 -device pci-testdev -kernel "$K/$1.elf" \
        -append "smp=2 mem=64" > "$B/check-qemu-$1.log" 2>&1
    rc=$?
    [ $rc = "$2" ] && ok "$1 under QEMU TCG (-kernel, pc-testdev, isa-debug-exit, pci-testdev): exit $rc, as under virq" ||
        ko "$1 under QEMU TCG: exit $rc, wanted $2 ($B/check-qemu-$1.log)"
done

echo "$PASS passed, $FAIL failed"
[ $FAIL = 0 ]
