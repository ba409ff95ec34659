#!/usr/bin/env bash
#SBATCH --job-name=marketsim-sweep
#SBATCH --output=slurm-%x-%A_%a.out
#SBATCH --cpus-per-task=2
#SBATCH --time=04:00:00
#
# slurm_sweep.sh - a `marketsim sweep` split over a Slurm job array: array
# task K runs the tasks with id % N == K (`--shard /N` takes K from
# SLURM_ARRAY_TASK_ID) into part files in OUT_DIR, on SLURM_CPUS_PER_TASK
# threads; a merge job that depends on the whole array then writes
# sweep.csv, sweep_summary.csv and manifest.csv: the same bytes as the sweep
# run in one process. Every shard runs with --resume, so a requeued or
# preempted array task continues from its journal instead of starting over.
#
# On the login node (OUT_DIR on a file system every node sees):
#   scripts/slurm_sweep.sh submit N OUT_DIR SCENARIO.cfg [sweep options...]
#   e.g. scripts/slurm_sweep.sh submit 32 results/amend scenarios/frontier_dispute.cfg \
#            --vary dispute.p_amend=0.05:0.95:19 --vary buyers.count=10000,100000 -r 50
# Extra sbatch options go in SBATCH_ARGS (e.g. SBATCH_ARGS="--partition=short")
# and ARRAY_LIMIT=4 runs at most 4 array tasks at once (--array=0-31%4).
# MARKETSIM is the binary (default: marketsim on PATH).
#
# Slurm calls the script back as `slurm_sweep.sh shard N OUT_DIR SCENARIO ...`
# (one array task) and `slurm_sweep.sh merge OUT_DIR`; both also work by
# hand: SLURM_ARRAY_TASK_ID=3 scripts/slurm_sweep.sh shard 32 OUT_DIR ...
# reruns shard 3, and a failed merge says which task is missing.
set -euo pipefail
MARKETSIM=${MARKETSIM:-marketsim}
usage() {
    sed -n '/^# On the login node/,/^# reruns shard/p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}
mode=${1:-}
[ $# -gt 0 ] && shift

case $mode in
submit)
    [ $# -ge 3 ] || usage
    n=$1 out=$2
    shift 2
    [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "slurm_sweep.sh: N must be a positive integer" >&2; exit 2; }
    # config errors surface now, not in N queued jobs: validate the base scenario
    "$MARKETSIM" validate "$1" > /dev/null
    self=$(realpath "$0") # sbatch spools a copy; the merge job needs no path
    array="0-$((n - 1))${ARRAY_LIMIT:+%$ARRAY_LIMIT}"
    # shellcheck disable=SC2086 # SBATCH_ARGS is a list of options
    jid=$(sbatch --parsable ${SBATCH_ARGS:-} --array="$array" "$self" shard "$n" "$out" "$@")
    jid=${jid%%;*}
    # shellcheck disable=SC2086
    mid=$(sbatch --parsable ${SBATCH_ARGS:-} --dependency="afterok:$jid" --job-name=marketsim-merge \
        --cpus-per-task=1 --output="slurm-marketsim-merge-%j.out" "$self" merge "$out")
    echo "submitted array job $jid ($n shards) and merge job ${mid%%;*} -> $out"
    ;;
shard)
    [ $# -ge 3 ] || usage
    n=$1 out=$2
    shift 2
    : "${SLURM_ARRAY_TASK_ID:?shard mode runs as a Slurm array task (set SLURM_ARRAY_TASK_ID)}"
    exec "$MARKETSIM" sweep "$@" --shard "/$n" -o "$out" -j "${SLURM_CPUS_PER_TASK:-1}" --resume -q
    ;;
merge)
    [ $# -eq 1 ] || usage
    exec "$MARKETSIM" merge "$1"
    ;;
*)
    usage
    ;;
esac
