#!/usr/bin/env bash
# sweep_threads.sh - a 40-task sweep (4 points x 10 replications, 400,000
# buyers, so a task takes a few tenths of a second in a Release build) with
# -j 1 and -j 2, alternately ROUNDS times. Prints every time, the medians
# and the speedup (target: -j 2 at least 1.8x faster), and checks the two
# outputs are byte-identical. Use a Release build; other load on the
# machine lowers the speedup, so the load average and the parallelism the
# machine offers (two single-threaded runs at once vs one) are printed too.
#
# usage: tests/bench/sweep_threads.sh [BUILD_DIR] [ROUNDS] [BUYERS]
# Prints figures; asserts nothing about time.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
B=${1:-build}
ROUNDS=${2:-3}
BUYERS=${3:-400000}
SC=$HERE/../../scenarios/frontier_dispute.cfg
MS="$B/marketsim"
[ -x "$MS" ] || { echo "build first: cmake --build $B" >&2; exit 2; }
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "needs GNU time (apt-get install time)" >&2; exit 2; }
OUT=$(mktemp -d /tmp/sweep_threads.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

ARGS=(--set "buyers.count=$BUYERS" --vary "dispute.p_amend=0.2,0.4,0.6,0.8" -r 10 -q)
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
now() { date +%s.%N; }
run() { # THREADS -> "wall_seconds cpu_seconds" (cpu = user + sys)
    rm -rf "$OUT/j$1"
    local t0 t1
    t0=$(now)
    "$TIME" -f "%U %S" -o "$OUT/cpu" "$MS" sweep "$SC" "${ARGS[@]}" -j "$1" -o "$OUT/j$1"
    t1=$(now)
    awk -v a="$t0" -v b="$t1" '{printf "%.3f %.2f\n", b - a, $1 + $2}' "$OUT/cpu"
}

# The parallelism the machine really offers now: the same single-threaded
# work run once alone and twice at once. 2.0 means two free cores; another
# busy process (or a CPU quota) shows up here, not as a slow sweep.
capacity() {
    local t0 t1 t2
    t0=$(now)
    "$MS" run "$SC" --set "buyers.count=$BUYERS" -r 4 -j 1 -q -o "$OUT/c0"
    t1=$(now)
    "$MS" run "$SC" --set "buyers.count=$BUYERS" -r 4 -j 1 -q -o "$OUT/c1" &
    "$MS" run "$SC" --set "buyers.count=$BUYERS" -r 4 -j 1 -q -o "$OUT/c2"
    wait
    t2=$(now)
    awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN {printf "%.2f\n", 2 * (b - a) / (c - b)}'
}

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $("$MS" --version | head -1)"
echo "available parallelism (2 x alone / two at once; ideal 2.00): $(capacity)"
echo "sweep: 4 points x 10 replications = 40 tasks, buyers.count=$BUYERS"
t1=()
t2=()
c1=()
c2=()
for ((i = 0; i < ROUNDS; i++)); do
    read -r w c < <(run 1)
    t1+=("$w")
    c1+=("$c")
    read -r w c < <(run 2)
    t2+=("$w")
    c2+=("$c")
done
for f in sweep.csv sweep_summary.csv manifest.csv; do
    cmp -s "$OUT/j1/$f" "$OUT/j2/$f" || { echo "-j 1 and -j 2 differ in $f" >&2; exit 1; }
done
m1=$(printf '%s\n' "${t1[@]}" | median)
m2=$(printf '%s\n' "${t2[@]}" | median)
echo "-j 1: ${t1[*]} s"
echo "-j 2: ${t2[*]} s"
awk -v a="$m1" -v b="$m2" 'BEGIN {
    printf "median -j 1 %.2f s (%.3f s/task), -j 2 %.2f s: speedup %.2fx (target >= 1.8)\n", a, a / 40, b, a / b
}'
# CPU seconds do not depend on how many cores are free: if -j 2 burns no
# more CPU than -j 1, two free cores give close to 2x.
mc1=$(printf '%s\n' "${c1[@]}" | median)
mc2=$(printf '%s\n' "${c2[@]}" | median)
awk -v a="$mc1" -v b="$mc2" 'BEGIN {
    printf "CPU time (user+sys): -j 1 %.2f s, -j 2 %.2f s; with two free cores -j 2 would reach <= %.2fx\n", a, b, 2 * a / b
}'
echo "outputs of -j 1 and -j 2 byte-identical: yes"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); available parallelism now: $(capacity)"
