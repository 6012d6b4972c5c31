#!/bin/sh
# soak.sh - make soak: every scenario (scenarios/*.virq; the load scenario
# in scenarios/load/ is make check's) N rounds in the lab on each era, one
# boot per era ('virq lab run --rounds N'). An L1 that stops early (a
# panic, its console silent for LAB_STALL_TIMEOUT s) is counted and booted
# again for the rounds left; an era that stops twice without a round is given up.
# Prints a line per round as it ends, then the counts per era: rounds, scenario
# runs, failures (each failure's round, scenario and first line), L1 stops.
# Env: SOAK_ERAS ("6.1 5.10 6.12 7.2"), SOAK_ROUNDS (every era; default 50
#   on 6.1 and 20 on the others, the rounds issue 12 asks for), SOAK_OUT
#   (build/soak). Summary: $SOAK_OUT/summary.txt. Exit 1 if anything failed.
set -u
cd "$(dirname "$0")/.."
out=${SOAK_OUT:-build/soak}
mkdir -p "$out"
sum=$out/summary.txt
: > "$sum"
bad=0

rounds_for() { [ -n "${SOAK_ROUNDS:-}" ] && echo "$SOAK_ROUNDS" || { [ "$1" = 6.1 ] && echo 50 || echo 20; }; }

for k in ${SOAK_ERAS:-6.1 5.10 6.12 7.2}; do
    want=$(rounds_for "$k") left=$want boot=0 empty=0 ran=0 stops=0
    echo "== soak, kernel $k: $want rounds of $(ls scenarios/*.virq | wc -l) scenarios"
    while [ "$left" -gt 0 ] && [ "$empty" -lt 2 ]; do
        boot=$((boot + 1))
        d=$out/$k/boot-$boot
        rm -rf "$d"; mkdir -p "$out/$k"
        ./build/virq lab run --kernel "$k" --rounds "$left" --out "$d" scenarios/*.virq \
            > "$d.log" 2>&1 &
        pid=$! seen=0
        # the rounds' lines as L1 prints them (lab/rounds.sh), not at the end
        while :; do
            alive=0; kill -0 "$pid" 2>/dev/null && alive=1
            new=$(grep -a '^LAB-ROUND' "$d/lab-console.log" 2>/dev/null | sed -n "$((seen + 1)),\$p")
            [ -z "$new" ] || { echo "$new" | sed "s/^LAB-/$k boot $boot: /"; seen=$((seen + $(echo "$new" | wc -l))); }
            [ $alive = 1 ] || break
            sleep 5
        done
        wait "$pid"
        grep -E '^rounds ' "$d.log"
        n=$(grep -c '^ROUND [0-9]' "$d/rounds.txt" 2>/dev/null) || n=0
        if [ "$n" -lt "$left" ]; then
            stops=$((stops + 1))
            why=$(grep -E '^lab: ' "$d.log" | grep -vE 'booting|fetch|kernel [0-9]' | tail -n1)
            echo "L1 stopped after $n of $left rounds (boot $boot): ${why:-see $d.log}" | tee -a "$sum.$k"
        fi
        [ "$n" -gt 0 ] && empty=0 || empty=$((empty + 1))
        ran=$((ran + n)) left=$((left - n))
    done
    runs=$(cat "$out/$k"/boot-*/rounds.txt 2>/dev/null | sed -n 's/^ROUND [0-9].* scenarios=\([0-9]*\).*/\1/p' |
           awk '{s += $1} END {print s + 0}')
    fails=$(cat "$out/$k"/boot-*/rounds.txt 2>/dev/null | grep -c '^ROUND-FAIL')
    warns=$(cat "$out/$k"/boot-*/rounds.txt 2>/dev/null | sed -n 's/^ROUND [0-9].* warnings=\([0-9]*\).*/\1/p' |
            awk '{s += $1} END {print s + 0}')
    {
        echo "kernel $k: $ran/$want rounds, $runs scenario runs, $fails failed, $stops L1 stops, $warns kernel warnings"
        # per boot the round numbers restart at 1: name the boot too
        for r in "$out/$k"/boot-*/rounds.txt; do
            [ -f "$r" ] || continue
            b=${r%/rounds.txt}; b=${b##*/}
            sed -n "s/^ROUND-FAIL \([0-9]*\) /  $b round \1: /p" "$r"
        done
        [ ! -f "$sum.$k" ] || sed 's/^/  /' "$sum.$k"
    } >> "$sum"
    rm -f "$sum.$k"
    [ "$fails" = 0 ] && [ "$stops" = 0 ] && [ "$ran" = "$want" ] || bad=1
done
echo "== soak"
cat "$sum"
exit $bad
