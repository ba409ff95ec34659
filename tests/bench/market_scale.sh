#!/usr/bin/env bash
# market_scale.sh - the market model's cost per buyer-month as buyers grow
# from 10^4 to 10^6 (5 years, one replication, one thread).
#
# A virtual machine's timing drifts by a third from one second to the next,
# so the sizes are run alternately, ROUNDS times: each round times 10^5
# and 10^6 back to back and gives one ratio; the figure is the median of
# the rounds' ratios (flat cost per buyer-month would give 10; the target
# is at most 12). Prints every run, the median times and the median ratio.
# usage: tests/bench/market_scale.sh [BUILD_DIR] [YEARS] [ROUNDS]
set -euo pipefail
B=${1:-build}
Y=${2:-5}
ROUNDS=${3:-7}
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
secs() { # BUYERS -> prints the run's line on stderr, its seconds on stdout
    local out
    out=$("$B/marketsim" bench market --buyers "$1" --years "$Y")
    echo "$out" | tr '\n' ' ' >&2
    echo >&2
    echo "$out" | awk '/^seconds:/ {print $2}'
}
secs 10000 >/dev/null
t5=() t6=() r=()
for ((i = 0; i < ROUNDS; i++)); do
    a=$(secs 100000)
    b=$(secs 1000000)
    t5+=("$a") t6+=("$b")
    r+=("$(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.3f", b / a}')")
done
echo "median seconds: 10^5 $(printf '%s\n' "${t5[@]}" | median), 10^6 $(printf '%s\n' "${t6[@]}" | median)"
echo "ratios per round: ${r[*]}"
echo "median ratio seconds(10^6) / seconds(10^5): $(printf '%s\n' "${r[@]}" | median) (flat cost = 10, limit 12)"
