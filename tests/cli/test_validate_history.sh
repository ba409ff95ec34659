#!/usr/bin/env bash
# test_validate_history.sh - the history backtest (scripts/validate_history.sh)
# at a reduced size: it runs, writes every file, and reports every target of
# scenarios/targets/public_record.csv as fit or holdout. The full-size
# figures are in docs/validation.md; nothing here asserts how good they are.
#
# usage: bash test_validate_history.sh MARKETSIM_BINARY SOURCE_DIR
set -u

BIN=${1:?usage: test_validate_history.sh MARKETSIM_BINARY SOURCE_DIR}
SRC=${2:?usage: test_validate_history.sh MARKETSIM_BINARY SOURCE_DIR}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ms_test_history.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export LC_ALL=C

# shellcheck source=lib.sh
source "$SRC/tests/cli/lib.sh"

TARGETS=$SRC/scenarios/targets/public_record.csv
check "the history scenario validates" bash -c "'$BIN' validate '$SRC/scenarios/history_2024_2026.cfg' >/dev/null"

MARKETSIM=$BIN BUYERS=800 REPS=2 MAX_EVALS=6 THREADS=2 \
    bash "$SRC/scripts/validate_history.sh" "$TMP/out" -q >"$TMP/stdout" 2>"$TMP/stderr"
check "validate_history.sh exits 0" [ $? -eq 0 ]
for f in calibration.csv parameters.csv fit.csv calibrated.cfg manifest.csv; do
    check "writes calibration/$f" [ -s "$TMP/out/calibration/$f" ]
done
check "writes validation.csv" [ -s "$TMP/out/validation.csv" ]
n_targets=$(sed 1d "$TARGETS" | grep -c .)
check "every target is reported ($n_targets)" [ "$(sed 1d "$TMP/out/validation.csv" | wc -l)" -eq "$n_targets" ]
check "targets after month 18 are holdout" awk -F, 'NR > 1 && $1 != "" && (($1 > 18) != ($10 == "holdout")) { bad = 1 } END { exit bad }' "$TMP/out/validation.csv"
check "some targets are holdout" grep -q ',holdout,' "$TMP/out/validation.csv"
check "five keys fitted" [ "$(sed 1d "$TMP/out/calibration/parameters.csv" | wc -l)" -ge 5 ]
check "the table lists every target" [ "$(grep -cE '\((fit|holdout)\)$' "$TMP/stdout")" -eq "$n_targets" ]
check "calibrated.cfg runs" "$BIN" run "$TMP/out/calibration/calibrated.cfg" -r 1 -q -o "$TMP/rerun"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
