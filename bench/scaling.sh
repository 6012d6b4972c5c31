#!/bin/sh
# scaling.sh - bench/run.sh's scaling table and plot: the many-vector
# bring-up at each device count, per-vector against batched, virq against
# QEMU, so that the O(N^2) of one commit per vector (each walking every
# irqfd, each waiting in synchronize_srcu_expedited) shows beside the O(N)
# of one commit per device.
#
# usage: scaling.sh KERNEL QEMU_VERSION RUNS SVG  D FILE STEPS  [D FILE STEPS]...
#   D devices of 65 vectors; FILE its bench file (bench/gen-nvme.sh D);
#   STEPS its runs' trace-steps lines, "VARIANT ROUND LINE MS COMMITS ..."
# Prints the table (medians over the rounds) and writes SVG: wall ms of
# the per-vector and batched sections against the vectors brought up.
[ $# -ge 7 ] && [ $((($# - 4) % 3)) = 0 ] ||
    { echo "usage: scaling.sh KERNEL QEMU RUNS SVG D FILE STEPS..." >&2; exit 2; }
kernel=$1 qver=$2 runs=$3 svg=$4
shift 4
args=
while [ $# -gt 0 ]; do
    # each steps line gets its device count in front; the file's sections are read first
    args="$args D=$1 $2 D=$1 $3"
    shift 3
done
stats=$(cat "$(dirname "$0")/stats.awk") || exit 2
# shellcheck disable=SC2086  # file names without blanks (build/ and a mktemp dir)
exec awk -v kernel="$kernel" -v qver="$qver" -v runs="$runs" -v svg="$svg" "$stats"'
FNR == 1 { cur = ""; isfile = FILENAME ~ /\.virq$/; if (!(D in seenD)) { seenD[D] = 1; ds[++nd] = D } }
isfile {
    if ($0 ~ /^# bench: /) {
        s = $3
        if (cur != "") hi[D, cur] = FNR
        cur = (s == "per-vector" || s == "batched") ? s : ""
        if (cur != "") lo[D, cur] = FNR
    }
    next
}
{
    v = $1; r = $2; l = $3
    for (k = 1; k <= 2; k++) {
        s = k == 1 ? "per-vector" : "batched"
        if (l > lo[D, s] && l < hi[D, s]) {
            W[D, v, s, r] += $4
            C[D, v, s, r] += $5
            CM[D, v, s, r] += $8
            SM[D, v, s, r] += $12
        }
    }
}
END {
    nv = split("virq-per-vector virq-skip-per-vector qemu-per-vector virq-batched qemu-batched", ser, " ")
    label["virq-per-vector"] = "virq per-vector"
    label["virq-skip-per-vector"] = "virq skip per-vector"
    label["qemu-per-vector"] = "QEMU " qver " per-vector"
    label["virq-batched"] = "virq batched"
    label["qemu-batched"] = "QEMU " qver " batched"
    printf "scaling on kernel %s: bring-up of D x 65 vectors, median of %d rounds: wall ms (KVM_SET_GSI_ROUTING)\n", kernel, runs
    printf "%-7s %-7s", "devices", "vectors"
    for (k = 1; k <= nv; k++) printf " %22s", label[ser[k]]
    printf " %14s\n", "QEMU pv/virq b"
    ymax = 0
    for (i = 1; i <= nd; i++) {
        d = ds[i]
        printf "%-7d %-7d", d, 65 * d
        for (k = 1; k <= nv; k++) {
            v = ser[k]; s = v ~ /batched$/ ? "batched" : "per-vector"
            sub("-" s "$", "", v)
            w = c = ""
            for (r = 1; r <= runs; r++) { w = w " " W[d, v, s, r]; c = c " " C[d, v, s, r] }
            Y[ser[k], i] = med(w)
            if (Y[ser[k], i] > ymax) ymax = Y[ser[k], i]
            printf " %22s", sprintf("%s (%d)", ms(med(w)), med(c))
        }
        printf " %14s\n", (Y["virq-batched", i] > 0 ? sprintf("%.1fx", Y["qemu-per-vector", i] / Y["virq-batched", i]) : "-")
    }
    printf "\nwhere the per-vector bring-up goes: wall ms = in kvm_set_irq_routing + in SET_IRQS + the rest\n"
    printf "%-7s %-7s", "devices", "vectors"
    split("virq qemu", who, " ")
    for (k = 1; k <= 2; k++) printf " %38s", (who[k] == "qemu" ? "QEMU " qver : "virq")
    printf "\n"
    for (i = 1; i <= nd; i++) {
        d = ds[i]
        printf "%-7d %-7d", d, 65 * d
        for (k = 1; k <= 2; k++) {
            w = cm = sm = ""
            for (r = 1; r <= runs; r++) {
                w = w " " W[d, who[k], "per-vector", r]; cm = cm " " CM[d, who[k], "per-vector", r]
                sm = sm " " SM[d, who[k], "per-vector", r]
            }
            printf " %38s", sprintf("%s = %s + %s + %s", ms(med(w)), ms(med(cm)), ms(med(sm)),
                                    ms(med(w) - med(cm) - med(sm)))
        }
        printf "\n"
    }
    # the plot: vectors across, wall ms up, one line a series
    W0 = 640; H0 = 400; L = 60; R = 200; T = 30; B = 50
    xmax = 65 * ds[nd]
    if (ymax <= 0) ymax = 1
    color["virq-per-vector"] = "#1f77b4"; color["virq-skip-per-vector"] = "#17becf"
    color["qemu-per-vector"] = "#d62728"; color["virq-batched"] = "#2ca02c"
    color["qemu-batched"] = "#ff7f0e"
    printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n", W0, H0 > svg
    printf "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n" > svg
    printf "<text x=\"%d\" y=\"18\">MSI-X bring-up, kernel %s: wall ms against vectors (median of %d)</text>\n", L, kernel, runs > svg
    printf "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n", L, H0 - B, W0 - R, H0 - B > svg
    printf "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n", L, T, L, H0 - B > svg
    for (i = 1; i <= nd; i++) {
        x = L + (W0 - L - R) * 65 * ds[i] / xmax
        printf "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>\n", x, H0 - B + 16, 65 * ds[i] > svg
    }
    printf "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">vectors (65 per device)</text>\n", (L + W0 - R) / 2, H0 - 10 > svg
    for (t = 0; t <= 4; t++) {
        y = H0 - B - (H0 - B - T) * t / 4
        printf "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", L - 6, y + 4, ms(ymax * t / 4) > svg
    }
    printf "<text x=\"14\" y=\"%d\" transform=\"rotate(-90 14 %d)\" text-anchor=\"middle\">wall ms</text>\n", (T + H0 - B) / 2, (T + H0 - B) / 2 > svg
    for (k = 1; k <= nv; k++) {
        p = sprintf(" %d,%d", L, H0 - B)	# no vectors, no time
        for (i = 1; i <= nd; i++)
            p = p sprintf(" %.1f,%.1f", L + (W0 - L - R) * 65 * ds[i] / xmax,
                          H0 - B - (H0 - B - T) * Y[ser[k], i] / ymax)
        printf "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>\n", color[ser[k]], p > svg
        printf "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>\n", W0 - R + 10, T + 18 * k, color[ser[k]], label[ser[k]] > svg
    }
    printf "</svg>\n" > svg
    printf "plot: %s\n\n", svg
}' $args
