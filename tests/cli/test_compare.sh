#!/usr/bin/env bash
# test_compare.sh MARKETSIM SOURCE_DIR - `marketsim compare` end to end:
# A vs A gives exactly 0, side files equal `run`'s, byte identity for any
# -j, --set-b, the outcome fan (exact and estimated probabilities),
# --target-ci, and bad input exiting 2 with one line and nothing written.
set -u
M=${1:?usage: test_compare.sh MARKETSIM SOURCE_DIR}
SRC=${2:?usage: test_compare.sh MARKETSIM SOURCE_DIR}
case $M in /*) ;; *) M=$PWD/$M ;; esac
case $SRC in /*) ;; *) SRC=$PWD/$SRC ;; esac
T=$(mktemp -d /tmp/test_compare.XXXXXX)
trap 'rm -rf "$T"' EXIT
cp -r "$SRC/scenarios" "$T/scenarios" || exit 1
S=$T/scenarios/frontier_dispute.cfg
cd "$T" || exit 1
export LC_ALL=C

# shellcheck source=lib.sh
source "$SRC/tests/cli/lib.sh"

SMALL=(--set buyers.count=300 --set sim.horizon_months=24)
RUNFILES="market.csv products.csv segments.csv events.csv summary.csv scenario.resolved.cfg"

# ---- A vs A: exactly zero -------------------------------------------------------
"$M" compare "$S" "$S" "${SMALL[@]}" -r 5 -o aa -q
check "compare A A exits 0" [ $? -eq 0 ]
check "compare.csv header" [ "$(head -1 aa/compare.csv)" = \
    "metric,subject,mean_a,mean_b,diff,diff_sd,ci95_low,ci95_high,unpaired_ci95_low,unpaired_ci95_high,variance_reduction,n" ]
check "compare A A: every diff, sd and interval exactly 0" \
    awk -F, 'NR > 1 && ($5 != "0" || ($12 > 1 && ($6 != "0" || $7 != "0" || $8 != "0"))) { bad = 1 } END { exit bad }' aa/compare.csv
check "compare A A: rows for every summary.csv key" \
    [ "$(wc -l < aa/compare.csv)" = "$(wc -l < aa/a/summary.csv)" ]
check "compare_monthly.csv header" [ "$(head -1 aa/compare_monthly.csv)" = \
    "month,metric,subject,diff,ci95_low,ci95_high,n" ]
check "compare A A: every monthly diff exactly 0" \
    awk -F, 'NR > 1 && ($4 != "0" || $5 != "0" || $6 != "0") { bad = 1 } END { exit bad }' aa/compare_monthly.csv
# 25 months x (4 clouds + 5 vendors + 4 segments)
check "compare_monthly.csv: every month and series" [ "$(wc -l < aa/compare_monthly.csv)" = 326 ]

# ---- side files are run's files -------------------------------------------------
"$M" run "$S" "${SMALL[@]}" -r 5 -o run5 -q
same_run=0
for f in $RUNFILES; do cmp -s aa/a/$f run5/$f || same_run=1; done
check "DIR/a holds exactly what run writes" [ $same_run -eq 0 ]
check "side manifest names the side" grep -q '^side,b$' aa/b/manifest.csv
check "side manifest is run's but for command and side" \
    [ "$(grep -v '^command,\|^side,' aa/a/manifest.csv)" = "$(grep -v '^command,' run5/manifest.csv)" ]

# ---- --set-b, byte identity for any -j ---------------------------------------------
"$M" compare "$S" "${SMALL[@]}" --set-b clouds.aws.price_index=3 -r 6 -j 1 -o b1 -q
check "--set-b exits 0" [ $? -eq 0 ]
"$M" compare "$S" "${SMALL[@]}" --set-b clouds.aws.price_index=3 -r 6 -j 3 -o b3 -q
ident=0
for f in compare.csv compare_monthly.csv; do cmp -s b1/$f b3/$f || ident=1; done
for d in a b; do for f in $RUNFILES; do cmp -s b1/$d/$f b3/$d/$f || ident=1; done; done
check "-j 1 and -j 3 write the same bytes" [ $ident -eq 0 ]
check "--set-b reaches side b only" \
    sh -c "grep -q 'price_index = 3' b1/b/scenario.resolved.cfg && ! grep -q 'price_index = 3' b1/a/scenario.resolved.cfg"
check "a dearer AWS loses buyers (paired interval below 0)" \
    awk -F, '$1 == "final_share_buyers" && $2 == "aws" { found = 1; if (!($8 < 0)) bad = 1 } END { exit bad || !found }' b1/compare.csv
out=$("$M" compare "$S" "${SMALL[@]}" --set-b clouds.aws.price_index=3 -r 6 -o b4)
check "stdout lists differences whose interval excludes 0" \
    sh -c "echo \"\$1\" | grep -q 'final_share_buyers *aws'" _ "$out"

# ---- the outcome fan --------------------------------------------------------------
"$M" compare "$S" "${SMALL[@]}" --outcomes amended,injunction -r 4 -o fan -q
check "--outcomes exits 0" [ $? -eq 0 ]
check "fan: a directory per side" [ -s fan/amended/summary.csv ] && [ -s fan/injunction/market.csv ] \
    && [ -s fan/stochastic/manifest.csv ]
check "outcomes.csv header" [ "$(head -1 fan/outcomes.csv)" = \
    "outcome,probability,metric,subject,mean,ci95_low,ci95_high,diff,diff_ci95_low,diff_ci95_high,n" ]
check "fan: rows for both outcomes, stochastic and expected" \
    [ "$(cut -d, -f1 fan/outcomes.csv | sed 1d | sort -u | tr '\n' ' ')" = "amended expected injunction stochastic " ]
check "fan: probabilities are exact for continuous timings" \
    [ "$(awk -F, 'NR > 1 { print $5 }' fan/outcome_probabilities.csv | sort -u)" = exact ]
check "fan: amended has probability p_amend F_N(24) = 0.7 - 2e-8" grep -q "^amended,0.69999998" fan/outcomes.csv
check "fan: the injunction blocks Frontier on AWS: OpenAI loses share" \
    awk -F, '$1 == "injunction" && $3 == "vendor_share_spend" && $4 == "openai" { found = 1; if (!($10 < 0)) bad = 1 } END { exit bad || !found }' fan/outcomes.csv
check "fan: the forced injunction happens in every replication" \
    awk -F, '$1 == "injunction" && $3 == "outcome_probability" && $4 == "injunction" { found = 1; if ($5 != "1") bad = 1 } END { exit bad || !found }' fan/outcomes.csv
"$M" compare "$S" "${SMALL[@]}" --set dispute.timing_sigma=0 --outcomes all -r 4 -o fan0 -q
check "fan: point-mass timings give estimated probabilities" \
    [ "$(awk -F, 'NR > 1 { print $5 }' fan0/outcome_probabilities.csv | sort -u)" = estimated ]
check "fan all: six outcomes and the stochastic side" [ "$(ls -d fan0/*/ | wc -l)" = 7 ]
check "fan all: expected rows cover probability 1" \
    awk -F, '$1 == "expected" { found = 1; if ($2 != "1") bad = 1 } END { exit bad || !found }' fan0/outcomes.csv
"$M" compare "$S" "${SMALL[@]}" --set dispute.timing_sigma=0 --outcomes all -r 4 -j 3 -o fan3 -q
ident=0
for f in outcomes.csv outcome_probabilities.csv; do cmp -s fan0/$f fan3/$f || ident=1; done
for d in amended settled injunction plaintiff_wins dismissed none stochastic; do
    for f in $RUNFILES; do cmp -s fan0/$d/$f fan3/$d/$f || ident=1; done
done
check "fan: -j 1 and -j 3 write the same bytes" [ $ident -eq 0 ]

# ---- --target-ci ------------------------------------------------------------------
out=$("$M" compare "$S" "${SMALL[@]}" --set-b clouds.aws.price_index=3 -r 2 \
    --target-ci final_share_buyers:aws:0.004 --max-reps 40 -o tc -j 2)
check "--target-ci exits 0" [ $? -eq 0 ]
reps=$(awk -F, '$1 == "replications" { print $2 }' tc/manifest.csv)
check "--target-ci added replications ($reps)" [ "${reps:-0}" -gt 2 ]
"$M" compare "$S" "${SMALL[@]}" --set-b clouds.aws.price_index=3 -r "$reps" -o tcr -q
ident=0
for f in compare.csv compare_monthly.csv; do cmp -s tc/$f tcr/$f || ident=1; done
for f in $RUNFILES; do cmp -s tc/b/$f tcr/b/$f || ident=1; done
check "--target-ci writes what -r FINAL writes" [ $ident -eq 0 ]

# ---- bad input: exit 2, one line, nothing written ---------------------------------
# bad2 DESCRIPTION EXPECTED-TEXT ARGS...: exit 2, one stderr line holding
# EXPECTED-TEXT, no DIR `nope`
bad2() {
    local desc=$1 want=$2
    shift 2
    rm -rf nope
    "$M" compare "$@" > out.txt 2> err.txt
    local rc=$?
    if [ $rc -eq 2 ] && [ "$(wc -l < err.txt)" -eq 1 ] && grep -q -- "$want" err.txt \
        && [ ! -e nope ] && [ ! -s out.txt ]; then
        ok "$desc"
    else
        bad "$desc (rc $rc: $(cat err.txt))"
    fi
}
bad2 "unknown outcome name" "unknown outcome 'appeal'" "$S" --outcomes amended,appeal -o nope
bad2 "outcome listed twice" "listed twice" "$S" --outcomes amended,amended -o nope
bad2 "--outcomes with the dispute disabled" "dispute is disabled" \
    "$S" --set dispute.enabled=false --outcomes amended -o nope
bad2 "--set dispute.outcome with --outcomes" "--set dispute.outcome" \
    "$S" --set dispute.outcome=settled --outcomes amended -o nope
bad2 "--set-b of an unknown key" "marketsim: --set-b: error: clouds.aws.price_indx: unknown key" \
    "$S" --set-b clouds.aws.price_indx=1.2 -o nope
bad2 "--set-b out of range" "--set-b: error: dispute.p_amend" "$S" --set-b dispute.p_amend=2 -o nope
bad2 "--set-b without =" "not KEY=VALUE" "$S" --set-b clouds.aws.price_index -o nope
bad2 "one scenario and no --set-b or --outcomes" "needs --set-b" "$S" -o nope
bad2 "two scenarios and --set-b" "takes one SCENARIO.cfg" "$S" "$S" --set-b sim.seed=1 -o nope
bad2 "--set-b and --outcomes together" "exclude each other" "$S" --set-b sim.seed=1 --outcomes none -o nope
bad2 "missing -o" "-o DIR is required" "$S" "$S"
bad2 "-r 0" "-r: '0'" "$S" "$S" -r 0 -o nope
bad2 "unknown option" "unknown option '--frobnicate'" "$S" "$S" --frobnicate -o nope
bad2 "bad --target-ci" "expected METRIC:SUBJECT:HALFWIDTH" "$S" "$S" --target-ci aws -o nope
bad2 "--max-reps without --target-ci" "--max-reps applies with --target-ci only" "$S" "$S" --max-reps 9 -o nope
bad2 "missing scenario file" "no-such.cfg" "$S" no-such.cfg -o nope
bad2 "three scenarios" "unexpected argument" "$S" "$S" "$S" -o nope
bad2 "--target-ci on a metric that does not exist" "--target-ci" \
    "$S" "${SMALL[@]}" -r 2 --set-b sim.seed=1 --target-ci nosuch:aws:0.1 -o nope

# ---- help --------------------------------------------------------------------------
check "marketsim help compare" sh -c "\"$M\" help compare | grep -q -- '--outcomes LIST'"
check "compare in the command list" sh -c "\"$M\" --help | grep -q '^  compare'"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
