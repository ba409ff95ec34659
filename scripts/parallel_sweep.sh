#!/usr/bin/env bash
# parallel_sweep.sh - a `marketsim sweep` split into N shards run by GNU
# parallel (one process per shard, as many at once as there are cores, or
# JOBS), then merged: the same bytes as the sweep in one process.
#
#   scripts/parallel_sweep.sh N OUT_DIR SCENARIO.cfg [sweep options...]
#   e.g. scripts/parallel_sweep.sh 8 results/amend scenarios/frontier_dispute.cfg \
#            --vary dispute.p_amend=0.05:0.95:19 -r 20
#
# The one line it runs is
#   seq 0 $((N-1)) | parallel -q --halt now,fail=1 --joblog OUT_DIR.joblog \
#       marketsim sweep SCENARIO.cfg ... --shard {}/N -o OUT_DIR --resume -q \
#   && marketsim merge OUT_DIR
# Every shard runs with --resume: after an interruption, rerun the same
# command (or `parallel --retry-failed --joblog OUT_DIR.joblog`) and finished
# tasks are kept. -q quotes the arguments, so --set values with spaces
# survive. Without GNU parallel, xargs -P does the same job.
# MARKETSIM is the binary (default: marketsim on PATH); JOBS the number of
# shards run at once (default: the number of cores).
set -euo pipefail
[ $# -ge 3 ] || { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
n=$1 out=$2
shift 2
[[ $n =~ ^[1-9][0-9]*$ ]] || { echo "parallel_sweep.sh: N must be a positive integer" >&2; exit 2; }
MARKETSIM=${MARKETSIM:-marketsim}
JOBS=${JOBS:-$(nproc)}
mkdir -p "$(dirname "$out")"
if command -v parallel > /dev/null; then
    seq 0 $((n - 1)) | parallel -q -j "$JOBS" --halt now,fail=1 --joblog "$out.joblog" \
        "$MARKETSIM" sweep "$@" --shard "{}/$n" -o "$out" --resume -q
else
    seq 0 $((n - 1)) | xargs -P "$JOBS" -I{} "$MARKETSIM" sweep "$@" --shard "{}/$n" -o "$out" --resume -q
fi
"$MARKETSIM" merge "$out"
echo "merged $n shards -> $out"
