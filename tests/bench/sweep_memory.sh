#!/usr/bin/env bash
# sweep_memory.sh - peak RSS of a 100-task and a 10,000-task sweep of a tiny
# scenario (200 buyers, 12 months, -r 1, a grid over one key), and their
# ratio. The sweep streams rows in task order, so memory should not grow
# with the task count (target: the ratio within 2x). Also prints the time
# per task: for tasks this small it is what a point costs beyond its
# simulation (patching the once-loaded scenario, the month-0 tables, the
# rows; tests/bench/sweep_overhead.sh measures it against a large task).
#
# usage: tests/bench/sweep_memory.sh [BUILD_DIR] [SCENARIO]
# Prints figures; asserts nothing about time.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
B=${1:-build}
SC=${2:-$HERE/../../scenarios/frontier_dispute.cfg}
MS="$B/marketsim"
[ -x "$MS" ] || { echo "build first: cmake --build $B" >&2; exit 2; }
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "needs GNU time (apt-get install time)" >&2; exit 2; }
OUT=$(mktemp -d /tmp/sweep_memory.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

BASE=(--set buyers.count=200 --set sim.horizon_months=12 -r 1 -q)

# run TASKS [ENV...]: prints "peak_kb wall_s user_s sys_s"
run() {
    local n=$1
    shift
    rm -rf "$OUT/s"
    env "$@" "$TIME" -f "%M %e %U %S" -o "$OUT/time.txt" \
        "$MS" sweep "$SC" "${BASE[@]}" --vary "dispute.p_amend=0.0:1:$n" -o "$OUT/s"
    [ "$(awk -F, '$1 == "tasks" { print $2 }' "$OUT/s/manifest.csv")" = "$n" ] ||
        { echo "sweep of $n tasks did not finish" >&2; exit 1; }
    cat "$OUT/time.txt"
}

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $("$MS" --version | head -1)"
read -r k100 w100 u100 s100 < <(run 100)
read -r k10k w10k u10k s10k < <(run 10000)
awk -v a="$k100" -v b="$k10k" -v wa="$w100" -v wb="$w10k" -v ua="$u100" -v ub="$u10k" \
    -v sa="$s100" -v sb="$s10k" 'BEGIN {
    printf "100 tasks:    peak RSS %6d KB, %7.2f s wall (%.2f user, %.2f sys), %.2f ms/task\n", a, wa, ua, sa, 1000 * wa / 100
    printf "10000 tasks:  peak RSS %6d KB, %7.2f s wall (%.2f user, %.2f sys), %.2f ms/task\n", b, wb, ub, sb, 1000 * wb / 10000
    printf "peak RSS ratio 10000/100: %.2f (target <= 2)\n", b / a
}'
