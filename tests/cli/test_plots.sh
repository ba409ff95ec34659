#!/usr/bin/env bash
# test_plots.sh MARKETSIM SOURCE_DIR - analysis/plot.py, analysis/report.py
# and analysis/gnuplot/ end to end: every figure kind drawn from small
# outputs, every PNG decoded and not blank, every SVG parsed as XML, the
# report parsed with no http(s) reference, the gnuplot scripts' PNGs, and
# bad input (no outputs, a missing column, a missing Python package) as
# one line and exit 2.
#
# Every figure kind is drawn from small real outputs of run, sweep,
# compare (both forms), sensitivity (sobol and morris) and calibrate.
# Rendering the report in headless Chromium is .ci/run's stage 6
# (tests/ci/report_chromium.sh), which installs chromium.
set -u
M=${1:?usage: test_plots.sh MARKETSIM SOURCE_DIR}
SRC=${2:?usage: test_plots.sh MARKETSIM SOURCE_DIR}
case $M in /*) ;; *) M=$PWD/$M ;; esac
case $SRC in /*) ;; *) SRC=$PWD/$SRC ;; esac
T=$(mktemp -d /tmp/test_plots.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
export LC_ALL=C MPLCONFIGDIR=$T/mpl PYTHONDONTWRITEBYTECODE=1
# Debian's interpreter has the packages (the first python3 on PATH may not)
PY=/usr/bin/python3
[ -x $PY ] || PY=python3
PLOT="$PY $SRC/analysis/plot.py"
REPORT="$PY $SRC/analysis/report.py"
CHECK="$PY $SRC/tests/analysis/check_outputs.py"
S=$SRC/scenarios/frontier_dispute.cfg

# shellcheck source=lib.sh
source "$SRC/tests/cli/lib.sh"
# has DIR NAME...: each DIR/NAME exists
has() {
    local d=$1 n
    shift
    for n in "$@"; do [ -f "$d/$n" ] || { echo "  missing $d/$n"; return 1; }; done
}
# [ONLY=GLOBS] drawn DIR PLOTDIR NAME...: plot.py draws DIR (only figures
# matching ONLY when set: fewer figures keep the test quick on a shared
# machine) into PLOTDIR, prints one path per file, writes the named
# figures, and every file passes the checks
drawn() {
    local d=$1 p=$2
    shift 2
    $PLOT "$d" -o "$p" ${ONLY:+--only "$ONLY"} >"$T/paths" 2>"$T/err" || { cat "$T/err"; return 1; }
    [ -s "$T/paths" ] || { echo "  no paths printed"; return 1; }
    has "$p" "$@" || return 1
    # shellcheck disable=SC2046
    $CHECK $(cat "$T/paths")
}
# bad2 PATTERN CMD...: exit 2, one line on stderr matching PATTERN, no traceback
bad2() {
    local pat=$1 rc
    shift
    "$@" >"$T/out" 2>"$T/err"
    rc=$?
    if [ $rc -ne 2 ]; then echo "  exit $rc, expected 2"; cat "$T/err"; return 1; fi
    if [ "$(wc -l <"$T/err")" -ne 1 ]; then echo "  stderr is not one line:"; cat "$T/err"; return 1; fi
    if grep -q Traceback "$T/err"; then cat "$T/err"; return 1; fi
    grep -q -- "$pat" "$T/err" || { echo "  stderr lacks '$pat':"; cat "$T/err"; return 1; }
}

# ---- small real outputs ----
"$M" run "$S" --set buyers.count=300 -r 3 -q -o run || exit 1
"$M" sweep "$S" --set buyers.count=200 --vary dispute.p_amend=0.2:0.8:3 -r 2 -q -o sw1 || exit 1
"$M" sweep "$S" --set buyers.count=200 --vary dispute.p_amend=0.2,0.8 \
    --vary buyers.count=100:300:2 -r 2 -q -o sw2 || exit 1
"$M" sweep "$S" --set buyers.count=100 --design lhs -n 6 --vary dispute.p_amend=0.0:1 \
    --vary buyers.count=100:300 --vary clouds.aws.price_index=0.8:1.2 -r 1 -q -o sw3 || exit 1
"$M" sweep "$S" --set buyers.count=100 --vary dispute.outcome=amended,injunction -r 2 -q \
    -o swcat || exit 1

RUNFIGS="cloud_shares.png vendor_shares.png segments.png outcomes.png events.png"
check "run: the five run figures, decoded and not blank" drawn run run/plots $RUNFIGS
check "run: the paths printed are the files written" \
    cmp <(ls run/plots/*.png | sort) <(sort "$T/paths")
check "sweep, one key: a figure per metric" drawn sw1 p1 sweep_final_share_spend.png \
    sweep_vendor_share_spend.png sweep_adoption_rate.png sweep_outcome_probability.png
ONLY=sweep_final_share_spend check "sweep, a key with words: points with whiskers" drawn swcat pc sweep_final_share_spend.png
ONLY=sweep_final_share_spend,sweep_outcome_probability check "sweep, two keys (grid): heat maps" drawn sw2 p2 sweep_final_share_spend.png
ONLY=sweep_vendor_share_spend check "sweep, three keys (lhs): small multiples" drawn sw3 p3 sweep_vendor_share_spend.png
# ---- compare, the outcome fan, sensitivity, calibration ----
"$M" compare "$S" --set buyers.count=200 --set-b dispute.outcome=injunction -r 3 -q -o cmp || exit 1
"$M" compare "$S" --set buyers.count=200 --outcomes amended,injunction -r 3 -q -o fan || exit 1
"$M" sensitivity "$S" --method sobol -n 8 --set buyers.count=100 -r 2 --bootstrap 100 \
    --vary dispute.p_amend=0.1:0.9 --vary clouds.aws.price_index=0.8:1.2 -q -o sob || exit 1
"$M" sensitivity "$S" --method morris -n 4 --set buyers.count=100 -r 2 --bootstrap 100 \
    --vary dispute.p_amend=0.1:0.9 --vary clouds.aws.price_index=0.8:1.2 -q -o mor || exit 1
"$M" calibrate "$S" --targets "$SRC/scenarios/targets/example.csv" --fit dispute.p_amend=0.1:0.9 \
    --set buyers.count=200 -r 2 --max-evals 6 --holdout-after 12 -q -o cal || exit 1
check "compare: differences by month and final differences" drawn cmp pcmp \
    compare_share_spend_by_month.png compare_vendor_share_spend_by_month.png \
    compare_adoption_rate_by_month.png compare_final.png
check "outcome fan: shares under each outcome" drawn fan pout outcomes_final_share_spend.png \
    outcomes_vendor_share_spend.png
ONLY='sensitivity_*' check "sensitivity (saltelli sweep): Sobol S1 and ST bars" drawn sob psob \
    sensitivity_sobol_final_share_spend.png sensitivity_sobol_vendor_share_spend.png
ONLY='sensitivity_morris_final*,sweep_final_share_spend' \
    check "sensitivity (morris sweep): mu* against sigma, and the sweep's own figures" drawn mor pmor \
    sensitivity_morris_final_share_spend.png sweep_final_share_spend.png
check "calibration: fit (monthly and whole-run targets), objective, parameters" drawn cal pcal \
    calibration_fit.png calibration_objective.png calibration_parameters.png

# ---- other formats, tables ----
$PLOT run -o svg --format svg >"$T/paths" 2>&1
# shellcheck disable=SC2046
check "run as SVG: five files, each parses as XML" eval '[ "$(grep -c "\.svg$" "$T/paths")" -eq 5 ] && $CHECK $(cat "$T/paths")'
$PLOT cal -o pdf --format pdf >"$T/paths" 2>&1
# shellcheck disable=SC2046
check "calibration as PDF" $CHECK $(cat "$T/paths")
$PLOT run -o tab --tables -q
check "--tables: the tidy tables behind the run figures" has tab/tables cloud_share_by_month.csv \
    vendor_share_by_month.csv segments_by_month.csv event_times.csv
check "--tables: cloud shares, one row per month and cloud" \
    test "$(awk -F, 'NR > 1' tab/tables/cloud_share_by_month.csv | wc -l)" -eq $((61 * 4))
# the table's means are the simulator's own: final month's mean = summary.csv's
check "--tables: final-month means equal summary.csv's final_share_spend" "$PY" - <<EOF
import pandas as pd
t = pd.read_csv("tab/tables/cloud_share_by_month.csv")
s = pd.read_csv("run/summary.csv")
f = t[t.month == t.month.max()].set_index("cloud")
s = s[s.metric == "final_share_spend"].set_index("subject")
d = (f["mean"] - s["mean"]).abs().max()
dl = (f["ci95_low"] - s["ci95_low"]).abs().max()
assert d < 1e-8 and dl < 1e-8, (d, dl)
EOF

# ---- the report (one figure of each kind keeps it quick) ----
REPONLY='cloud*,segments,sweep_final_share_spend,compare_final,outcomes_final*,sensitivity_sobol_final*,calibration_*'
for d in run cmp fan sob cal; do
    n=$(basename "$d")
    check "report.py $n: parses, no http(s), inline SVG" \
        eval "$REPORT '$d' -o rep_$n.html --only '$REPONLY' >/dev/null && $CHECK rep_$n.html"
done
check "report: provenance (seed, commit, command) and the summary table" \
    eval 'grep -q 20260301 rep_run.html && grep -q "$(awk -F, '"'"'$1=="git"{print $2}'"'"' run/manifest.csv)" rep_run.html && grep -q "marketsim run" rep_run.html && grep -q "final share of AI spend" rep_run.html'
check "report of compare: the scenario's name from the sides' resolved configs" \
    grep -q 'marketsim report: frontier_dispute' rep_cmp.html
check "report: the same bytes twice (no dates, fixed ids)" \
    eval "$REPORT run -o rep_run2.html --only '$REPONLY' >/dev/null && cmp rep_run.html rep_run2.html"

# ---- gnuplot, no Python ----
for gp in shares adoption; do
    check "gnuplot $gp.gp on a run directory: a non-blank PNG" \
        eval "gnuplot -e \"dir='run'\" '$SRC/analysis/gnuplot/$gp.gp' 2>/dev/null && $CHECK run/plots/${gp/shares/cloud_shares}_gnuplot.png"
done
check "gnuplot shares.gp out= names the file" \
    eval "gnuplot -e \"dir='run'; out='g.png'\" '$SRC/analysis/gnuplot/shares.gp' 2>/dev/null && $CHECK g.png"
mkdir empty
check "gnuplot on a directory without outputs: exit 2" \
    eval "gnuplot -e \"dir='empty'\" '$SRC/analysis/gnuplot/shares.gp' 2>/dev/null; [ \$? -eq 2 ]"

# ---- the checker itself fails on a blank image and a broken SVG ----
"$PY" -c "from PIL import Image; Image.new('RGB', (400, 300), 'white').save('blank.png')"
printf '<svg><g></svg>' >broken.svg
check "checker: a blank PNG fails" eval "! $CHECK blank.png >/dev/null"
check "checker: a broken SVG fails" eval "! $CHECK broken.svg >/dev/null"

# ---- bad input: one line, exit 2 ----
check "no outputs in the directory" bad2 "no marketsim outputs here" $PLOT empty
check "no such directory" bad2 "no such directory" $PLOT nowhere
check "report: no outputs" bad2 "no marketsim outputs here" $REPORT empty
mkdir nocol badnum sweepnocol fixnocol
cut -d, -f1-6,8 run/market.csv >nocol/market.csv
check "market.csv without share_spend" bad2 "market.csv: missing column 'share_spend'" $PLOT nocol
awk -F, -v OFS=, 'NR == 3 { $7 = "lots" } 1' run/market.csv >badnum/market.csv
check "a word in a number column: file and line" bad2 "market.csv:3: column 'share_spend'" $PLOT badnum
# sweep_summary.csv without its mean column
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "mean") c = i }
    { s = ""; for (i = 1; i <= NF; i++) if (i != c) s = s (s == "" ? "" : ",") $i; print s }' \
    sw1/sweep_summary.csv >sweepnocol/sweep_summary.csv
check "sweep_summary.csv without mean" bad2 "missing column 'mean'" $PLOT sweepnocol
cut -d, -f1-9,11- cal/fit.csv >fixnocol/fit.csv
check "fit.csv without set" bad2 "fit.csv: missing column 'set'" $REPORT fixnocol
: >empty/market.csv
check "an empty market.csv" bad2 "empty file" $PLOT empty
check "an unknown flag" bad2 "unrecognized arguments" $PLOT run --colour
check "--only matching nothing draws nothing" eval "$PLOT run -o none --only nothing && test -z \"\$(ls none)\""
check "a missing Python package names the Debian package" \
    bad2 "install Debian's python3-" "$PY" -S "$SRC/analysis/plot.py" run
check "nothing drawn for bad input" test ! -e nocol/plots -a ! -e badnum/plots
if command -v python3 >/dev/null; then
    check "the first python3 on PATH runs the scripts too" \
        eval "python3 '$SRC/analysis/plot.py' run -o viapath -q && test -f viapath/cloud_shares.png"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
