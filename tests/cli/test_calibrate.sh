#!/usr/bin/env bash
# test_calibrate.sh - `marketsim calibrate` end to end: parameter recovery,
# the files it writes, byte identity for any -j, calibrated.cfg reproducing
# the fitted trajectories, holdout, and every refusal of a bad targets file
# or --fit flag (exit 2, one FILE:LINE or flag message, nothing written).
#
# usage: bash test_calibrate.sh MARKETSIM_BINARY SOURCE_DIR
set -u

BIN=${1:?usage: test_calibrate.sh MARKETSIM_BINARY SOURCE_DIR}
SRC=${2:?usage: test_calibrate.sh MARKETSIM_BINARY SOURCE_DIR}
SC="$SRC/scenarios/baseline.cfg"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ms_test_calibrate.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export LC_ALL=C

# shellcheck source=lib.sh
source "$SRC/tests/cli/lib.sh"

SMALL=(--set buyers.count=2000 --set sim.horizon_months=24)
FILES="calibration.csv parameters.csv fit.csv calibrated.cfg manifest.csv"

has_files() {
    local f
    for f in $FILES; do [ -s "$1/$f" ] || { echo "  missing $1/$f"; return 1; }; done
}

# ---- parameter recovery -----------------------------------------------------
# Targets: a run at known values of three keys (4 replications, seed 11),
# reduced to the 4 cloud and 5 vendor shares at months 6, 12, 18 and 24 with
# se 0.02.
# The calibration starts from common.cfg's values (7.51, 1.5, 0.88) and uses
# the same seed, so the replications' luck is shared (common random numbers).
TRUE_Q=5.5 TRUE_P=2.5 TRUE_C=0.8
"$BIN" run "$SC" -r 4 -s 11 -o "$TMP/truth" "${SMALL[@]}" -q --set decision.beta_quality=$TRUE_Q \
    --set decision.beta_price=$TRUE_P --set products.claude.quality=$TRUE_C
awk -v MONTHS="6 12 18 24" -v SE=0.02 -f "$SRC/tests/cli/targets_from_run.awk" \
    "$TMP/truth/market.csv" "$TMP/truth/products.csv" >"$TMP/targets.csv"
check "targets made from the run (36 rows)" [ "$(sed 1d "$TMP/targets.csv" | wc -l)" -eq 36 ]

FIT=(--fit decision.beta_quality=1:8 --fit decision.beta_price=0.5:4
     --fit products.claude.quality=0.6:1)
"$BIN" calibrate "$SC" --targets "$TMP/targets.csv" "${FIT[@]}" -r 4 -s 11 "${SMALL[@]}" -j 2 \
    -o "$TMP/fit" >"$TMP/stdout" 2>"$TMP/stderr"
check "calibrate exits 0" [ $? -eq 0 ]
check "writes every file" has_files "$TMP/fit"
check "no progress on stderr when it is not a terminal" [ ! -s "$TMP/stderr" ]

recovered() { # recovered KEY TRUE: |value - true| <= max(2 se, 5% of true)
    awk -F, -v k="$1" -v t="$2" '$1 == k {
        d = $2 - t; if (d < 0) d = -d; tol = 2 * $3; if (0.05 * t > tol) tol = 0.05 * t
        printf "  %s = %s (se %s), true %s, tolerance %g\n", k, $2, $3, t, tol
        found = 1; exit !($3 != "" && d <= tol) } END { if (!found) exit 1 }' "$TMP/fit/parameters.csv"
}
check "recovers decision.beta_quality" recovered decision.beta_quality $TRUE_Q
check "recovers decision.beta_price" recovered decision.beta_price $TRUE_P
check "recovers products.claude.quality" recovered products.claude.quality $TRUE_C
check "fitted objective below the start's" awk '/^objective/ { exit !($6 + 0 < $2 + 0) }' "$TMP/stdout"

# The same recovery with --method lm (gsl_multifit_nlinear, central
# differences of 2% of each range): the same tolerance, recorded as lm.
"$BIN" calibrate "$SC" --targets "$TMP/targets.csv" "${FIT[@]}" -r 4 -s 11 "${SMALL[@]}" -j 2 \
    --method lm -o "$TMP/lm" -q
check "lm: calibrate exits 0" [ $? -eq 0 ]
check "lm: writes every file" has_files "$TMP/lm"
check "lm: the manifest names the method" grep -qx 'method,lm' "$TMP/lm/manifest.csv"
check "lm: converged" grep -qx 'converged,1' "$TMP/lm/manifest.csv"
TMP_FIT=$TMP/lm
recovered_lm() { awk -F, -v k="$1" -v t="$2" '$1 == k {
        d = $2 - t; if (d < 0) d = -d; tol = 2 * $3; if (0.05 * t > tol) tol = 0.05 * t
        printf "  lm: %s = %s (se %s), true %s, tolerance %g\n", k, $2, $3, t, tol
        found = 1; exit !($3 != "" && d <= tol) } END { if (!found) exit 1 }' "$TMP_FIT/parameters.csv"
}
check "lm recovers decision.beta_quality" recovered_lm decision.beta_quality $TRUE_Q
check "lm recovers decision.beta_price" recovered_lm decision.beta_price $TRUE_P
check "lm recovers products.claude.quality" recovered_lm products.claude.quality $TRUE_C
check "stdout table names every key" \
    [ "$(grep -cE '^(decision.beta_quality|decision.beta_price|products.claude.quality) ' "$TMP/stdout")" -eq 3 ]
check "stdout reports the fit RMSE in pp" grep -q '^RMSE fit [0-9.]* pp (36 share targets)' "$TMP/stdout"

evals=$(awk -F, '$1 == "evaluations" { print $2 }' "$TMP/fit/manifest.csv")
check "calibration.csv has one row per evaluation" \
    [ "$(sed 1d "$TMP/fit/calibration.csv" | wc -l)" -eq "$evals" ]
check "calibration.csv header" \
    [ "$(head -1 "$TMP/fit/calibration.csv")" = "eval,decision.beta_quality,decision.beta_price,products.claude.quality,objective,phase" ]
check "every evaluation inside the bounds" awk -F, 'NR > 1 && ($2 < 1 || $2 > 8 || $3 < 0.5 ||
    $3 > 4 || $4 < 0.6 || $4 > 1) { bad = 1 } END { exit bad }' "$TMP/fit/calibration.csv"
check "the Jacobian adds two evaluations per key" \
    [ "$(grep -c ',jacobian$' "$TMP/fit/calibration.csv")" -eq 6 ]
check "fit.csv header" \
    [ "$(head -1 "$TMP/fit/fit.csv")" = "month,metric,subject,target,se,simulated,ci95_low,ci95_high,z,set" ]
check "fit.csv: one row per target" [ "$(grep -c ',fit$' "$TMP/fit/fit.csv")" -eq 36 ]
check "parameters.csv header" \
    [ "$(head -1 "$TMP/fit/parameters.csv")" = "key,value,se,lo,hi,at_bound,identified,vif,weak" ]

# `run` on calibrated.cfg reproduces the fitted trajectories: the mean over
# its replications of aws's share_spend at month 12 is fit.csv's simulated.
"$BIN" run "$TMP/fit/calibrated.cfg" -o "$TMP/rerun" -q
sim=$(awk -F, '$1 == 12 && $2 == "share_spend" && $3 == "aws" { print $6 }' "$TMP/fit/fit.csv")
check "run calibrated.cfg reproduces a fitted value ($sim)" awk -F, -v s="$sim" \
    '$3 == 12 && $4 == "aws" { t += $7; n++ } END { d = t / n - s; exit !(n == 4 && d < 1e-9 && d > -1e-9) }' \
    "$TMP/rerun/market.csv"

# ---- byte identity for any -j, holdout --------------------------------------
ONE=(--targets "$TMP/targets.csv" --fit decision.beta_price=0.5:4 -r 3 "${SMALL[@]}" --max-evals 8 -q)
"$BIN" calibrate "$SC" "${ONE[@]}" -j 1 -o "$TMP/j1"
"$BIN" calibrate "$SC" "${ONE[@]}" -j 3 -o "$TMP/j3"
check "same bytes for -j 1 and -j 3 (the manifest's command row aside)" eval \
    'diff -r -x manifest.csv "$TMP/j1" "$TMP/j3" && same_manifest "$TMP/j1/manifest.csv" "$TMP/j3/manifest.csv"'
check "--max-evals bounds the search" [ "$(grep -c ',search$' "$TMP/j1/calibration.csv")" -le 9 ]

"$BIN" calibrate "$SC" "${ONE[@]}" --holdout-after 12 -o "$TMP/hold" 2>/dev/null
check "holdout: months after 12 marked holdout" awk -F, 'NR > 1 && (($1 > 12) != ($10 == "holdout")) { bad = 1 } END { exit bad }' "$TMP/hold/fit.csv"
check "holdout: the manifest says so" grep -qx 'holdout_after,12' "$TMP/hold/manifest.csv"

# ---- refusals -------------------------------------------------------------------
refused() { # refused DESCRIPTION EXPECTED_STDERR_FRAGMENT ARGS... : exit 2, message, no DIR
    local desc=$1 msg=$2
    shift 2
    rm -rf "$TMP/bad"
    "$BIN" calibrate "$@" -o "$TMP/bad" >"$TMP/out" 2>"$TMP/err"
    local rc=$?
    if [ $rc -eq 2 ] && grep -qF -- "$msg" "$TMP/err" && [ ! -e "$TMP/bad" ] && [ ! -s "$TMP/out" ] &&
        [ "$(wc -l <"$TMP/err")" -eq 1 ]; then
        ok "$desc"
    else
        bad "$desc (exit $rc)"; sed 's/^/    /' "$TMP/err"
    fi
}

T="$TMP/t.csv"
good_fit=(--fit decision.beta_price=0.5:4)
bad_targets() { # bad_targets DESCRIPTION LINE KEY MESSAGE CONTENT
    printf '%b' "$5" >"$T"
    local where="$T:$2: error: "
    [ -n "$3" ] && where="$where$3: "
    refused "targets: $1" "$where$4" "$SC" --targets "$T" "${good_fit[@]}"
}
H='month,metric,subject,value,se,source\n'
bad_targets "unknown metric" 2 metric "unknown monthly metric 'cloud_share'" "${H}3,cloud_share,aws,0.3,0.01,x\n"
bad_targets "unknown cloud" 3 subject "unknown cloud 'oracle'" "${H}3,share_spend,aws,0.3,0.01,x\n3,share_spend,oracle,0.3,0.01,x\n"
bad_targets "unknown vendor" 2 subject "unknown vendor 'xai'" "${H}3,vendor_share_spend,xai,0.3,0.01,x\n"
bad_targets "unknown segment" 2 subject "unknown subject 'banks'" "${H}3,adoption_rate,banks,0.3,0.01,x\n"
bad_targets "summary metric unknown" 2 metric "unknown summary metric 'share_spend'" "${H},share_spend,aws,0.3,0.01,x\n"
bad_targets "month beyond the horizon" 2 month "61 is beyond the horizon (expected 0..60)" "${H}61,share_spend,aws,0.3,0.01,x\n"
bad_targets "month not a whole number" 2 month "'2.5' is not a whole month" "${H}2.5,share_spend,aws,0.3,0.01,x\n"
bad_targets "se zero" 2 se "'0' is not a number > 0" "${H}3,share_spend,aws,0.3,0,x\n"
bad_targets "se negative" 2 se "'-0.1' is not a number > 0" "${H}3,share_spend,aws,0.3,-0.1,x\n"
bad_targets "se missing" 2 se "missing" "${H}3,share_spend,aws,0.3,,x\n"
bad_targets "value not a number" 2 value "'n/a' is not a finite number" "${H}3,share_spend,aws,n/a,0.01,x\n"
bad_targets "ragged row" 3 row "expected 6 fields like the header, found 5" "${H}3,share_spend,aws,0.3,0.01,x\n4,share_spend,aws,0.3,0.01\n"
bad_targets "duplicate target" 4 row "duplicate target (month, metric, subject) of line 2" "${H}3,share_spend,aws,0.3,0.01,a\n3,share_spend,gcp,0.3,0.01,a\n3,share_spend,aws,0.31,0.01,b\n"
bad_targets "missing column" 1 header "missing column 'se'" 'month,metric,subject,value\n3,share_spend,aws,0.3\n'
bad_targets "unknown column" 1 header "unknown column 'weight'" 'month,metric,subject,value,se,weight\n'
bad_targets "invalid UTF-8" 3 "" "invalid UTF-8" "${H}3,share_spend,aws,0.3,0.01,ok\n4,share_spend,aws,0.3,0.01,Synergy \xe9t\xe9\n"
bad_targets "NUL byte" 2 "" "NUL byte" "${H}3,share_spend,aws,0.3,0.01,a\x00b\n"
bad_targets "empty file" 1 "" "empty file" ""
bad_targets "header only" 1 "" "no targets" "$H"
refused "targets: missing file" "$TMP/none.csv: error: --targets: cannot open" "$SC" --targets "$TMP/none.csv" "${good_fit[@]}"

printf '%b' "${H}3,share_spend,aws,0.3,0.01,x\n" >"$T"
bad_fit() { refused "--fit: $1" "$2" "$SC" --targets "$T" --fit "$3"; }
bad_fit "unknown key" "marketsim: calibrate: error: --fit: 'decision.beta_qualty=1:8': unknown key (did you mean 'decision.beta_quality'?)" decision.beta_qualty=1:8
bad_fit "not a float key" "--fit: 'buyers.count=1000:5000': not a float key" buyers.count=1000:5000
bad_fit "a string key" "--fit: 'dispute.outcome=0:1': not a float key" dispute.outcome=0:1
bad_fit "lo >= hi" "--fit: 'decision.beta_price=4:0.5': lo must be less than hi" decision.beta_price=4:0.5
bad_fit "lo == hi" "--fit: 'decision.beta_price=1:1': lo must be less than hi" decision.beta_price=1:1
bad_fit "outside the schema range" "--fit: 'decision.nest_scale=0.2:1.5': the bounds leave the key's range" decision.nest_scale=0.2:1.5
bad_fit "no bounds" "--fit: 'decision.beta_price' is not KEY=lo:hi" decision.beta_price
bad_fit "bounds not numbers" "--fit: 'decision.beta_price=low:high': the bounds are not two numbers" decision.beta_price=low:high
bad_fit "unknown entity" "--fit: 'clouds.oracle.price_index=0.5:2': the scenario does not load with it" clouds.oracle.price_index=0.5:2
refused "--fit twice" "key decision.beta_price is already fitted" "$SC" --targets "$T" "${good_fit[@]}" --fit decision.beta_price=1:2
refused "no --fit" "give at least one --fit KEY=lo:hi" "$SC" --targets "$T"
refused "no --targets" "--targets FILE is required" "$SC" "${good_fit[@]}"
refused "--holdout-after beyond the horizon" "--holdout-after: 61 is beyond the horizon" "$SC" --targets "$T" "${good_fit[@]}" --holdout-after 61
refused "--holdout-after leaves nothing" "no target is left to fit" "$SC" --targets "$T" "${good_fit[@]}" --holdout-after 2
refused "bad --set" "decision.beta_price" "$SC" --targets "$T" "${good_fit[@]}" --set decision.beta_price=abc
refused "bad -r" "-r: '0' is not a whole number" "$SC" --targets "$T" "${good_fit[@]}" -r 0
refused "bad --max-evals" "--max-evals: 'x' is not a whole number" "$SC" --targets "$T" "${good_fit[@]}" --max-evals x
refused "unknown --method" "--method: 'newton': expected simplex or lm" "$SC" --targets "$T" "${good_fit[@]}" --method newton
printf 'month,metric,subject,value,se\n6,share_spend,aws,0.25,0.02\n' >"$TMP/one.csv"
refused "--method lm with fewer targets than keys" "--method lm: 1 fitted targets for 2 --fit keys" \
    "$SC" --targets "$TMP/one.csv" "${good_fit[@]}" --fit decision.beta_quality=1:8 --method lm

# a target whose z cannot be squared is a runtime failure, not a fit
printf 'month,metric,subject,value,se\n0,share_spend,aws,1e308,1e-300\n' >"$TMP/huge.csv"
"$BIN" calibrate "$SC" --targets "$TMP/huge.csv" "${good_fit[@]}" --set buyers.count=100 -r 1 \
    --max-evals 3 -o "$TMP/huge" >/dev/null 2>"$TMP/err"
check "an overflowing objective exits 1 and writes nothing" [ $? -eq 1 -a ! -e "$TMP/huge" ]
check "  ... and says why" grep -q "the objective overflows" "$TMP/err"

touch "$TMP/afile"
for o in "" "$TMP/afile"; do
    "$BIN" calibrate "$SC" --targets "$T" "${good_fit[@]}" -o "$o" >"$TMP/out" 2>"$TMP/err"
    check "-o '$o' refused (exit 2)" [ $? -eq 2 -a -f "$TMP/afile" ]
done

check "help calibrate" bash -c "'$BIN' help calibrate | grep -q 'usage: marketsim calibrate SCENARIO.cfg --targets TARGETS.csv'"
check "calibrate listed in --help" bash -c "'$BIN' --help | grep -q '^  calibrate '"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
