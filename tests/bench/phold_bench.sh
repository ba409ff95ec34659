#!/usr/bin/env bash
# phold_bench.sh - the engine's PHOLD rate against a bare binary-heap PHOLD
# loop on GSL's mt19937 (tests/bench/phold_bare.c), run alternately in the
# same session so both see the same machine. Prints each rate, the medians
# and the ratio engine / bare for both standard configurations.
#
# usage: tests/bench/phold_bench.sh [BUILD_DIR] [ROUNDS]
set -euo pipefail
B=${1:-build}
ROUNDS=${2:-5}
MS="$B/marketsim"
BARE="$B/tests/phold_bare"
[ -x "$MS" ] && [ -x "$BARE" ] || { echo "build first: cmake --build $B" >&2; exit 2; }

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

run_case() { # name epl end
    local name=$1 epl=$2 end=$3 e=() b=()
    for ((i = 0; i < ROUNDS; i++)); do
        e+=("$("$MS" bench phold --lps 16384 --events-per-lp "$epl" --end-time "$end" --mean 2 --lookahead 0 -s 1 | awk '/^events_per_sec:/ {print $2}')")
        b+=("$("$BARE" 16384 "$epl" "$end" 2 0 1 | awk '/^events_per_sec:/ {print $2}')")
    done
    local me mb
    me=$(printf '%s\n' "${e[@]}" | median)
    mb=$(printf '%s\n' "${b[@]}" | median)
    echo "$name engine: ${e[*]}"
    echo "$name bare:   ${b[*]}"
    awk -v n="$name" -v me="$me" -v mb="$mb" \
        'BEGIN {printf "%s median engine %.0f ev/s, bare %.0f ev/s, ratio %.3f\n", n, me, mb, me / mb}'
}

run_case x1 1 2400
run_case x16 16 150
