#!/usr/bin/env bash
# sweep_overhead.sh - what a sweep point costs beyond its simulation: a
# sweep of 2,000 points x 1 replication at buyers.count=100 against one of
# 20 points x 1 replication at buyers.count=10000 (the same buyer-months),
# both -j 1 on frontier_dispute.cfg. With no per-point overhead the ratio
# of their wall times would be 1; the target is at most 3 (before the
# scenario was parsed once per sweep it was about 18).
#
# The machine's speed drifts, so the two sweeps run alternately ROUNDS
# times; the script prints every time, the medians and the median of the
# per-round ratios. CPU time (user + sys) is printed too: on a loaded
# machine it is the steadier figure.
#
# usage: tests/bench/sweep_overhead.sh [BUILD_DIR] [ROUNDS]
# Prints figures; asserts nothing about time.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
B=${1:-build}
ROUNDS=${2:-5}
SC=$HERE/../../scenarios/frontier_dispute.cfg
MS="$B/marketsim"
[ -x "$MS" ] || { echo "build first: cmake --build $B" >&2; exit 2; }
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "needs GNU time (apt-get install time)" >&2; exit 2; }
OUT=$(mktemp -d /tmp/sweep_overhead.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
now() { date +%s.%N; }
run() { # NAME POINTS BUYERS -> "wall_seconds cpu_seconds"
    rm -rf "${OUT:?}/$1"
    local t0 t1
    t0=$(now)
    "$TIME" -f '%U %S' -o "$OUT/$1.time" "$MS" sweep "$SC" --set "buyers.count=$3" \
        --vary "dispute.p_amend=0:1:$2" -r 1 -j 1 -q -o "$OUT/$1"
    t1=$(now)
    awk -v a="$t0" -v b="$t1" '{printf "%.3f %.3f\n", b - a, $1 + $2}' "$OUT/$1.time"
}

run small 20 100 >/dev/null # warm the page cache
ws=() wl=() cs=() cl=() r=() rc=()
for ((i = 0; i < ROUNDS; i++)); do
    read -r w1 c1 < <(run small 2000 100)
    read -r w2 c2 < <(run large 20 10000)
    ws+=("$w1") cs+=("$c1") wl+=("$w2") cl+=("$c2")
    r+=("$(awk -v a="$w1" -v b="$w2" 'BEGIN {printf "%.2f", a / b}')")
    rc+=("$(awk -v a="$c1" -v b="$c2" 'BEGIN {printf "%.2f", a / b}')")
    echo "round $((i + 1)): 2000x100 ${w1}s (cpu ${c1}s), 20x10000 ${w2}s (cpu ${c2}s)"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "median wall: 2000 points x 100 buyers $(printf '%s\n' "${ws[@]}" | median) s," \
    "20 points x 10000 buyers $(printf '%s\n' "${wl[@]}" | median) s"
echo "median cpu:  $(printf '%s\n' "${cs[@]}" | median) s, $(printf '%s\n' "${cl[@]}" | median) s"
echo "ratio per round (wall): ${r[*]}"
echo "median ratio wall(2000 x 100) / wall(20 x 10000): $(printf '%s\n' "${r[@]}" | median) (target <= 3)"
echo "median ratio cpu: $(printf '%s\n' "${rc[@]}" | median)"
