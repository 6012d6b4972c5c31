#!/bin/sh
# qemu-l2.sh - sourced inside L1 (busybox sh, cwd /lab): one L2 guest under
# the QEMU lab/qemu.sh staged, with -accel kvm (nested SVM) and the devices
# its caller gives (the lab's e1000e passed through with vfio-pci, QEMU's
# own virtio-rng or NVMe), while the kernel's ftrace records the seed's
# functions and kvm:kvm_pio (the guest's step marks, its exit).
# Used by qemu-smoke.sh (the smoke test) and vmm-qemu.sh (scenarios).
#
#   l2_prepare            check /dev/kvm and QEMU, find the e1000e on
#                         vfio-pci (L2_BDF, empty if none); set up ftrace
#                         once. Returns 3 (after a "verdict=LAB-LACKS ..."
#                         line) if the lab lacks one.
#   l2_vfio_bdf VVVV:DDDD [K]  the first (the Kth from 0) function with
#                         those IDs bound to vfio-pci (echoed; nothing if
#                         there is none)
#   l2_run DIR MACHINE SMP APPEND [QEMU ARGS...]
#                         run the guest virq-guest.elf (in /lab) with that
#                         command line and those devices; DIR gets guest-serial.txt,
#                         bios.txt (SeaBIOS's debug port 0x402),
#                         qemu-trace.txt, qemu-stderr.txt, ftrace.txt and the
#                         key=value lines (L2_KV: qemu, kernel, machine,
#                         bdf, devices, qemu_rc, seconds, guest_exit, ...,
#                         verdict).
#                         Returns 0 if the guest exited with code 0.
# Files in /lab: virq-guest.elf, ftrace-filter (one function a line, from
#   src/trace/trace.c trace_seed_functions; '|' separates alternatives).
# QEMU's threads are named qemu-l2 (-name process=): through the loader
#   they would show in ftrace as ld-linux-x86-64.
# Env: L2_KV (the key=value file), L2_TAG (prefix of the console copy of
#   each line), QEMU_L2_T (QEMU's time limit, 120 s), QEMU_L2_STALL_T
#   (l2_watch's, 30 s), QEMU_L2_TRACE (QEMU
#   trace patterns, below).
T=/sys/kernel/tracing
l2_kv() { echo "$1=$2" >> "$L2_KV"; echo "${L2_TAG:-qemu-l2}: $1=$2"; }
l2_up() { cut -d' ' -f1 /proc/uptime; }

l2_prepare() {
    l2_check || return 3
    l2_ftrace
}

# /dev/kvm and a QEMU; L2_BDF: the lab's e1000e if it is on vfio-pci
l2_check() {
    [ -c /dev/kvm ] || { l2_kv verdict "LAB-LACKS no /dev/kvm in L1"; return 3; }
    command -v qemu-system-x86_64 >/dev/null ||
        { l2_kv verdict "LAB-LACKS no QEMU staged (mkinitrd.sh -q)"; return 3; }
    L2_BDF=$(l2_vfio_bdf 8086:10d3)
    return 0
}

# the function tracer on the seed's filter (L2_NFN functions), kvm:kvm_pio
# (L2_PIO yes|no), the clock QEMU's trace uses (L2_CLOCK)
l2_ftrace() {
    echo 0 > $T/tracing_on
    echo nop > $T/current_tracer
    : > $T/set_ftrace_filter
    L2_NFN=0
    while read -r f; do
        for a in $(echo "$f" | tr '|' ' '); do
            echo "$a" >> $T/set_ftrace_filter 2>/dev/null && L2_NFN=$((L2_NFN + 1))
        done
    done < ./ftrace-filter
    echo 8192 > $T/buffer_size_kb
    # tai (5.19+; = CLOCK_REALTIME while the TAI offset is 0, as in L1) puts
    # ftrace on the clock QEMU's "-msg timestamp=on" trace lines use
    # (gettimeofday: "pid@sec.usec:event"), so the two line up
    L2_CLOCK=tai
    echo tai > $T/trace_clock 2>/dev/null ||
        L2_CLOCK=$(sed 's/.*\[\(.*\)\].*/\1/' $T/trace_clock)
    echo function > $T/current_tracer
    L2_PIO=yes
    echo 1 > $T/events/kvm/kvm_pio/enable 2>/dev/null || L2_PIO=no
    return 0
}

l2_vfio_bdf() {
    k=${2:-0}
    for d in /sys/bus/pci/devices/*; do
        [ "$(cat "$d/vendor"):$(cat "$d/device")" = "0x${1%%:*}:0x${1##*:}" ] || continue
        case $(readlink "$d/driver") in
            */vfio-pci) [ "$k" = 0 ] && { echo "${d##*/}"; return 0; }; k=$((k - 1)) ;;
        esac
    done
    return 1
}

# the guest's exit code from its write to isa-debug-exit (kvm_pio) and
# QEMU's status ((code << 1) | 1, but 1 is also QEMU's own error status);
# sets L2_CODE (0xNN or none) and L2_WHY
l2_exit_code() {
    rc=$1 dir=$2
    w=$(grep -m1 'kvm_pio: pio_write at 0xf4 ' "$dir/ftrace.txt" |
        sed -n 's/.* val \(0x[0-9a-f]*\).*/\1/p')
    qerr=$(grep 'qemu-system-x86_64: ' "$dir/qemu-stderr.txt" | grep -v ': warning: ' | head -n1)
    L2_CODE=none L2_WHY=
    if [ -n "$w" ]; then
        L2_CODE=$((w))
        [ $(((L2_CODE << 1 | 1) & 255)) = "$rc" ] ||
            L2_WHY="QEMU's status $rc is not the guest's exit write $w"
    elif [ "$L2_PIO" = yes ]; then
        L2_WHY="the guest never wrote the exit port"
    elif [ $((rc & 1)) = 1 ] && [ -z "$qerr" ] && [ "$rc" -lt 128 ]; then
        L2_CODE=$(((rc - 1) / 2))
    fi
    [ "$L2_CODE" = none ] || L2_CODE=$(printf 0x%02x "$L2_CODE")
    [ -n "$L2_WHY" ] || [ "$L2_CODE" != none ] || L2_WHY=$qerr
}

# l2_watch DIR PID: kill QEMU (PID) when the firmware stalls, SeaBIOS's
# log (bios.txt) not growing for QEMU_L2_STALL_T s before the guest's first
# serial line. An 8-vCPU L2 with L1 on 4 TCG CPUs did so in 4 of 30 boots
# on 6.12 (lab/README.md): at a different place in SeaBIOS each time, just
# after an interrupt's EOI; then port 0 accesses, or none, and no more I/O.
l2_watch() {
    n=0 last=0
    while sleep 5; do
        [ ! -s "$1/guest-serial.txt" ] || return 0
        s=$(wc -c < "$1/bios.txt" 2>/dev/null || echo 0)
        if [ "$s" != 0 ] && [ "$s" = "$last" ]; then n=$((n + 5)); else n=0; fi
        last=$s
        [ $n -ge "${QEMU_L2_STALL_T:-30}" ] || continue
        echo "the firmware stalled ${n}s before the guest started" > "$1/stalled"
        kill "$2"
        return 0
    done
}

l2_run() {
    dir=$1 m=$2 smp=$3 app=$4
    shift 4
    mkdir -p "$dir"
    l2_kv qemu "$(head -n2 /opt/qemu/source | tr '\n' ' ' | sed 's/ *$//')"
    l2_kv kernel "$(uname -r)"
    l2_kv machine "$m"
    [ -z "$L2_BDF" ] || l2_kv bdf "$L2_BDF"
    l2_kv devices "$(echo "$@" | tr '\n' ' ')"
    l2_kv ftrace_functions "$L2_NFN"
    l2_kv trace_clock "$L2_CLOCK"
    [ "$L2_PIO" = yes ] || l2_kv ftrace_kvm_pio no
    tr=${QEMU_L2_TRACE:-"vfio_msix* vfio_msi_* vfio_intx* vfio_pci_* vfio_realize* vfio_populate* kvm_irqchip*
        virtio_set_status virtio_queue_notify virtio_notify virtio_notify_irqfd virtio_rng_*
        pci_nvme_irq_* pci_nvme_mmio_doorbell_sq pci_nvme_create_* pci_nvme_err_* msix_write_config"}
    targs=
    for p in $tr; do targs="$targs -trace $p"; done
    : > $T/trace
    echo 1 > $T/tracing_on
    echo "qemu-l2: QEMU starts, machine $m, $*" > $T/trace_marker
    t0=$(l2_up)
    rm -f "$dir/stalled"
    # shellcheck disable=SC2086
    timeout -k 5 "${QEMU_L2_T:-120}" qemu-system-x86_64 \
        -accel kvm -cpu host -machine "$m" -smp "$smp" -m 64 \
        -nodefaults -no-user-config -display none -vga none -no-reboot \
        -name virq-l2,process=qemu-l2 \
        -serial "file:$dir/guest-serial.txt" \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
        -chardev "file,id=virq-bios,path=$dir/bios.txt" \
        -device isa-debugcon,iobase=0x402,chardev=virq-bios \
        -kernel ./virq-guest.elf -append "$app" \
        $targs -msg timestamp=on -D "$dir/qemu-trace.txt" "$@" \
        > "$dir/qemu-stderr.txt" 2>&1 &
    q=$!
    l2_watch "$dir" "$q" &
    w=$!
    wait "$q"
    rc=$?
    kill "$w" 2>/dev/null
    wait "$w" 2>/dev/null
    secs=$(awk -v a="$t0" -v b="$(l2_up)" 'BEGIN {printf "%.2f", b - a}')
    echo "qemu-l2: QEMU exited $rc" > $T/trace_marker
    echo 0 > $T/tracing_on
    cp $T/trace "$dir/ftrace.txt"
    l2_kv qemu_rc "$rc"
    l2_kv seconds "$secs"
    l2_exit_code "$rc" "$dir"
    l2_kv guest_exit "$L2_CODE"
    l2_kv trace_lines "$(wc -l < "$dir/qemu-trace.txt" 2>/dev/null || echo 0)"
    l2_kv vfio_trace "$(grep -c 'vfio_' "$dir/qemu-trace.txt" 2>/dev/null)"
    l2_kv ftrace_lines "$(grep -vc '^#' "$dir/ftrace.txt")"
    if [ "$L2_CODE" = 0x00 ] && [ -z "$L2_WHY" ]; then
        l2_kv verdict PASS
        return 0
    fi
    # where a guest that never started stopped: SeaBIOS's log on 0x402
    [ -s "$dir/guest-serial.txt" ] ||
        l2_kv bios_last "$(tail -n1 "$dir/bios.txt" 2>/dev/null | tr -d '\r')"
    g=$(grep -m1 'FAIL\|did not\|bad' "$dir/guest-serial.txt" 2>/dev/null)
    why="${L2_WHY:+$L2_WHY; }$g"
    [ "$(awk -v s="$secs" -v t="${QEMU_L2_T:-120}" 'BEGIN {print (s >= t)}')" = 0 ] ||
        why="QEMU killed after ${QEMU_L2_T:-120}s; $why"
    [ ! -f "$dir/stalled" ] || why="QEMU killed: $(cat "$dir/stalled"); $why"
    l2_kv verdict "FAIL qemu_rc=$rc guest_exit=$L2_CODE: ${why:-no message}"
    return 1
}
