#!/usr/bin/env bash
# plots_bench.sh - how long the figures of large outputs take: a run of
# 1,000 replications (default scenario, 20,000 buyers) drawn by plot.py,
# report.py and the gnuplot scripts, and a 10,000-point sweep drawn by
# plot.py. The target (docs/plots.md) is under 30 s of wall time each on
# the project's 2-core machine. Prints wall and CPU seconds and the load
# average, so a figure taken on a busy machine can be told apart; asserts
# nothing about time.
#
# usage: tests/bench/plots_bench.sh [BUILD_DIR] [WORK_DIR]
# WORK_DIR keeps the large outputs (about 110 MB) between runs; they are
# made once, when missing.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
B=${1:-build}
W=${2:-/tmp/marketsim_plots_bench}
MS="$B/marketsim"
PY=/usr/bin/python3 # Debian's, with matplotlib and pandas
TIME=/usr/bin/time
[ -x "$MS" ] || { echo "build first: cmake --build $B" >&2; exit 2; }
[ -x "$TIME" ] || { echo "needs GNU time (apt-get install time)" >&2; exit 2; }
command -v gnuplot >/dev/null || { echo "needs gnuplot (apt-get install gnuplot-nox)" >&2; exit 2; }
SC="$ROOT/scenarios/frontier_dispute.cfg"
mkdir -p "$W"

if [ ! -f "$W/run1000/manifest.csv" ]; then
    "$MS" run "$SC" -r 1000 -j 2 -q -o "$W/run1000"
fi
if [ ! -f "$W/sweep10k/manifest.csv" ]; then
    "$MS" sweep "$SC" --design lhs -n 10000 --vary dispute.p_amend=0.0:1 \
        --vary clouds.aws.price_index=0.8:1.2 --set buyers.count=200 -r 1 -j 2 -q \
        -o "$W/sweep10k"
fi

timed() { # LABEL COMMAND... -> one line: label, wall, user+sys, peak RSS
    local label=$1
    shift
    "$TIME" -f "%e %U %S %M" -o "$W/time.txt" "$@" >/dev/null
    awk -v l="$label" '{printf "%-28s wall %6.2f s  cpu %6.2f s  peak RSS %4d MB\n",
        l, $1, $2 + $3, $4 / 1024}' "$W/time.txt"
}

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $("$MS" --version 2>/dev/null | head -1)"
rm -rf "$W/plots_run" "$W/plots_sweep" "$W/report.html" "$W"/*.png
timed "run: plot.py" "$PY" "$ROOT/analysis/plot.py" "$W/run1000" -o "$W/plots_run" -q
timed "run: report.py" "$PY" "$ROOT/analysis/report.py" "$W/run1000" -o "$W/report.html"
(cd "$W" && timed "run: gnuplot shares.gp" gnuplot -e "dir='run1000'" "$ROOT/analysis/gnuplot/shares.gp")
(cd "$W" && timed "run: gnuplot adoption.gp" gnuplot -e "dir='run1000'" "$ROOT/analysis/gnuplot/adoption.gp")
timed "sweep 10k: plot.py" "$PY" "$ROOT/analysis/plot.py" "$W/sweep10k" -o "$W/plots_sweep" -q
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
