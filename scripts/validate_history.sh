#!/usr/bin/env bash
# validate_history.sh - the backtest of docs/validation.md: calibrate the
# history scenario (month 0 = January 2024) on the public-record targets up
# to mid-2025 (month 18), and report how far it lands from the later
# targets it was not fitted to (end-2025 and 2026).
#
#   scripts/validate_history.sh OUT_DIR [extra calibrate options...]
#
# Environment (defaults = the full-size figures of docs/validation.md):
#   MARKETSIM  the binary (default: build/marketsim, else marketsim on PATH)
#   BUYERS     buyers.count (20000)      REPS       replications (8)
#   THREADS    -j (2)                    MAX_EVALS  search evaluations (300)
#   SEED       master seed (20240101)    HOLDOUT    last fitted month (18)
# CI runs it reduced (BUYERS=800 REPS=2 MAX_EVALS=6) to check that it runs
# and writes every file; the figures need the full size.
#
# Writes OUT_DIR/calibration/ (calibrate's files), OUT_DIR/validation.csv
# (fit.csv with the error in percentage points) and prints calibrate's table
# and the per-target errors.
set -euo pipefail
[ $# -ge 1 ] || { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
out=$1
shift
root=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${MARKETSIM:-}" ]; then
    if [ -x "$root/build/marketsim" ]; then MARKETSIM=$root/build/marketsim; else MARKETSIM=marketsim; fi
fi
BUYERS=${BUYERS:-20000} REPS=${REPS:-8} THREADS=${THREADS:-2}
MAX_EVALS=${MAX_EVALS:-300} SEED=${SEED:-20240101} HOLDOUT=${HOLDOUT:-18}

# The free keys (8): how much buyers weigh quality; where OpenAI's, Google's
# and the open-weight models' quality stood in January 2024 relative to
# Claude's (fixed at the scenario's EST, the reference; the release steps
# after that are EST and fixed); how much of the switching cost a secondary
# offer on another cloud pays (the way an Azure-homed buyer adds Claude on
# AWS); how much buyers stay with their vendor at renewals; and how fast
# budgets grow in the two segments that hold most of the spend (health and
# public keep the scenario's EST).
fit=(
    --fit decision.beta_quality=1:12
    --fit products.openai_api.quality=0.6:0.95
    --fit products.gemini.quality=0.55:0.95
    --fit products.open_models.quality=0.4:0.9
    --fit decision.secondary_switch_factor=0:1
    --fit decision.vendor_incumbency=0:4
    --fit buyers.segments.unregulated.growth=0:5
    --fit buyers.segments.finance.growth=0:5
)

start=$(date +%s)
"$MARKETSIM" calibrate "$root/scenarios/history_2024_2026.cfg" \
    --targets "$root/scenarios/targets/public_record.csv" "${fit[@]}" \
    --holdout-after "$HOLDOUT" --set buyers.count="$BUYERS" -r "$REPS" -s "$SEED" \
    -j "$THREADS" --max-evals "$MAX_EVALS" -o "$out/calibration" "$@"
end=$(date +%s)
echo "wall time: $((end - start)) s"

# Per target: the error in percentage points for shares and rates, in % of
# the target for spend.
awk -F, 'BEGIN { OFS = "," }
    NR == 1 { print $0, "error"; next }
    { e = ($2 == "total_spend") ? sprintf("%.1f%%", 100 * ($6 - $4) / $4) : sprintf("%.1f pp", 100 * ($6 - $4))
      print $0, e }' "$out/calibration/fit.csv" >"$out/validation.csv"
printf '\n%-6s %-20s %-10s %9s %9s %9s  %s\n' month metric subject target simulated z error
awk -F, 'NR > 1 { printf "%-6s %-20s %-10s %9.4g %9.4g %9.2f  %s (%s)\n", $1, $2, $3, $4, $6, $9, $11, $10 }' \
    "$out/validation.csv"
