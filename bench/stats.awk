# stats.awk - the medians bench/table.sh and bench/scaling.sh print, put in
# front of their awk programs.
# sorted copy of the blank-separated numbers in s into S[1..n]; returns n
function sorted(s,   n, i, j, x) {
    n = split(s, S, " ")
    for (i = 2; i <= n; i++) {
        x = S[i] + 0
        for (j = i - 1; j >= 1 && S[j] + 0 > x; j--)
            S[j + 1] = S[j]
        S[j + 1] = x
    }
    return n
}
function med(s,   n) {
    n = sorted(s)
    return n % 2 ? S[(n + 1) / 2] : (S[n / 2] + S[n / 2 + 1]) / 2
}
function ms(x) { return sprintf(x < 10 ? "%.2f" : "%.1f", x) }
