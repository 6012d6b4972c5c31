#!/bin/sh
# table.sh - bench/run.sh's table for one lab boot: per section of the bench
# file and per VMM variant, the median and range over the rounds of the
# section's wall ms, its KVM_SET_GSI_ROUTING, MSI-X SET_IRQS and KVM_IRQFD
# calls and its time inside kvm_set_irq_routing and kvm_irqfd; the ratios
# virq/QEMU and per-vector/batched; then each step's median.
#
# usage: table.sh FILE.virq STEPS KERNEL QEMU_VERSION RUNS KRETPROBE SECONDS
#   STEPS: "VARIANT ROUND" and a line of virq trace-steps (LINE MS COMMITS
#   SET_IRQS IRQFDS COMMIT_MS TIMED IRQFD_MS TIMED), from bench/run.sh;
#   KRETPROBE yes|no
# Env: TABLE_TITLE (what is measured), TABLE_FILE (the file's name in the
#   title, FILE), TABLE_STEPS (the per-step table only for files of at most
#   this many steps, 100)
[ $# = 7 ] || { echo "usage: table.sh FILE STEPS KERNEL QEMU RUNS KRETPROBE SECONDS" >&2; exit 2; }
stats=$(cat "$(dirname "$0")/stats.awk") || exit 2
exec awk -v kernel="$3" -v qver="$4" -v runs="$5" -v kp="$6" -v secs="$7" \
    -v file="${TABLE_FILE:-$1}" -v title="${TABLE_TITLE:-MSI-X bring-up}" -v maxsteps="${TABLE_STEPS:-100}" "$stats"'
# "12.3 [11.0-15.9]"
function spread(s,   n, m) {
    m = med(s)
    n = sorted(s)
    return ms(m) " [" ms(S[1]) "-" ms(S[n]) "]"
}
# a time inside an ioctl: its spread, "-" with no such call, or why it is not known
function inside(s, calls, full) {
    if (kp != "yes") return "n/a"
    if (med(calls) == 0) return "-"
    return full ? spread(s) : "untimed"
}
# a count: "5", or "5 (4-6)" when the rounds differ
function count(s,   n, m) {
    m = med(s)
    n = sorted(s)
    return S[1] == S[n] ? sprintf("%d", m) : sprintf("%g (%d-%d)", m, S[1], S[n])
}
function ratio(a, b) { return b > 0 ? sprintf("%.2f", a / b) : "-" }
FNR == NR {
    if ($0 ~ /^# bench: /) {
        s = $3
        sub(/[^a-z0-9-].*/, "", s)
        if (cur != "")
            hi[cur] = FNR
        cur = ""
        if (s != "end") {
            cur = s
            lo[s] = FNR
            order[++nsec] = s
        }
    } else if ($0 !~ /^#/ && $0 ~ /[^ ]/) {
        text[FNR] = $0
    }
    next
}
{
    v = $1; r = $2; l = $3
    if (NF >= 13 && $12 != "-") ksi = 1
    if (!(v in seen)) { seen[v] = 1; vs[++nv] = v }
    for (i = 1; i <= nsec; i++) {
        s = order[i]
        if (l > lo[s] && l < hi[s]) {
            W[v, r, s] += $4; C[v, r, s] += $5; SI[v, r, s] += $6; I[v, r, s] += $7
            CM[v, r, s] += $8; TC[v, r, s] += $9; IM[v, r, s] += $10; TI[v, r, s] += $11
            SM[v, r, s] += $12; TS[v, r, s] += $13
        }
    }
    if (l in text) {
        if (!((v, l) in PW)) { PW[v, l] = ""; if (!(l in inline)) { inline[l] = 1; ls[++nl] = l } }
        PW[v, l] = PW[v, l] " " $4
        PK[v, l] = PK[v, l] " " $5 "/" $6 "/" $7
    }
}
END {
    name["virq"] = "virq"; name["virq-skip"] = "virq skip-unchanged"; name["qemu"] = "QEMU " qver
    printf "kernel %s: %s (%s), QEMU %s beside virq in one lab boot\n",
        kernel, title, file, qver
    printf "median of %d rounds [min-max] after a warm-up; wall ms from the L1 kernel'"'"'s trace, guest\n", runs
    printf "step mark to step mark (kvm_pio 0x1010) under both VMMs; ms in commits, IRQFD, SET_IRQS: inside\n"
    printf "kvm_set_irq_routing, kvm_irqfd, vfio_pci_set_msi_trigger (function entry to kretprobe);\n"
    printf "the boot took %d s\n\n", secs
    printf "%-11s %-20s %-17s %7s %8s %5s  %-17s %-17s %-17s %9s\n", "section", "VMM", "wall ms",
        "commits", "SET_IRQS", "IRQFD", "ms in commits", "ms in IRQFD", "ms in SET_IRQS", "virq/QEMU"
    for (i = 1; i <= nsec; i++) {
        s = order[i]
        for (k = 1; k <= nv; k++) {
            v = vs[k]; w = c = si = ir = cm = im = sm = ""; fc = fi = fs = 1
            for (r = 1; r <= runs; r++) {
                w = w " " W[v, r, s]; c = c " " C[v, r, s]; si = si " " SI[v, r, s]
                ir = ir " " I[v, r, s]; cm = cm " " CM[v, r, s]; im = im " " IM[v, r, s]
                sm = sm " " SM[v, r, s]
                if (TC[v, r, s] != C[v, r, s]) fc = 0
                if (TI[v, r, s] != I[v, r, s]) fi = 0
                if (TS[v, r, s] != SI[v, r, s]) fs = 0
            }
            M[v, s] = med(w)
            row[v, s] = sprintf("%-11s %-20s %-17s %7s %8s %5s  %-17s %-17s %-17s", k == 1 ? s : "",
                name[v], spread(w), count(c), count(si), count(ir), inside(cm, c, fc),
                inside(im, ir, fi), ksi ? inside(sm, si, fs) : "n/a")
        }
    }
    for (i = 1; i <= nsec; i++)
        for (k = 1; k <= nv; k++) {
            v = vs[k]; s = order[i]
            x = sprintf("%s %9s", row[v, s], v == "qemu" ? "" : ratio(M[v, s], M["qemu", s]))
            sub(/ +$/, "", x)
            print x
        }
    if (("per-vector" in lo) && ("batched" in lo)) {
        printf "\nper-vector / batched:"
        for (k = 1; k <= nv; k++)
            printf "  %s %sx", name[vs[k]], ratio(M[vs[k], "per-vector"], M[vs[k], "batched"])
        printf "\nQEMU per-vector / virq batched: %sx (upstream: vfio_msix_enable of 8 x 65 vectors on migration\n",
            ratio(M["qemu", "per-vector"], M["virq", "batched"])
        printf "resume, a commit per vector 258 ms against one per device 21 ms, 12x: a loose comparison)\n"
    }
    if (nl > maxsteps) {
        printf "\n"
        exit
    }
    printf "\nper step, median wall ms (commits/SET_IRQS/IRQFD)\n%-5s %-40s", "line", "step"
    for (k = 1; k <= nv; k++)
        printf " %21s", name[vs[k]]
    printf "\n"
    for (j = 1; j <= nl; j++) {
        l = ls[j]
        x = text[l]
        sub(/^guest /, "", x)
        gsub(/ dev=[^ ]*/, "", x)
        printf "%-5d %-40s", l, substr(x, 1, 40)
        for (k = 1; k <= nv; k++) {
            n = split(PK[vs[k], l], K, " ")
            kc = K[1]
            for (x = 2; x <= n; x++)
                if (K[x] != K[1]) kc = K[1] "~"
            printf " %21s", sprintf("%.2f %7s", med(PW[vs[k], l]), kc)
        }
        printf "\n"
    }
    printf "\n"
}' "$1" "$2"
