#!/usr/bin/env bash
# test_vary_types.sh - --vary specs and design files are typed by the
# schema, not by how their numbers are written: a float key's 0:1 gives
# reals in every design (the same points as 0.0:1.0), an integer key's
# bounds give whole numbers (300.0 reads as 300, the same sweep as 300),
# and every refusal is one line naming the flag and quoting the user's
# text (never a reformatted 3e+02), exit 2, nothing written. sensitivity's
# SCENARIO form goes through the same path; calibrate's --fit refuses keys
# that are not floats and bounds outside the key's range.
# usage: bash test_vary_types.sh MARKETSIM_BINARY SOURCE_DIR
set -u
M=${1:?usage: test_vary_types.sh MARKETSIM_BINARY SOURCE_DIR}
SRC=${2:?usage: test_vary_types.sh MARKETSIM_BINARY SOURCE_DIR}
SRC=$(cd "$SRC" && pwd)
case $M in /*) ;; *) M=$PWD/$M ;; esac
# shellcheck source=lib.sh
source "$SRC/tests/cli/lib.sh"
T=$(mktemp -d "${TMPDIR:-/tmp}/ms_vary_types.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
export LC_ALL=C
S=$SRC/scenarios/frontier_dispute.cfg
TINY=(--set buyers.count=100 --set sim.horizon_months=3 -r 1 -q)

# column 4 (the first varied key) of sweep.csv, one value per point
values() { awk -F, 'NR > 1 && $2 == 0 && !seen[$1]++ {print $4}' "$1/sweep.csv"; }
all_whole() { values "$1" | awk '$1 != int($1) || $1 !~ /^-?[0-9]+$/ {bad = 1} END {exit bad}'; }
# some value is not whole, and all lie in [lo, hi]
reals_in() {
    values "$1" | awk -v lo="$2" -v hi="$3" \
        '{ if ($1 != int($1)) frac = 1; if ($1 < lo || $1 > hi) out = 1 } END {exit !(frac && !out)}'
}

# ---- a float key's 0:1 is a real range in every design ------------------------------
for d in "lhs -n 8" "sobol -n 8" "saltelli -n 4" "morris -n 3"; do
    name=${d%% *}
    # shellcheck disable=SC2086
    "$M" sweep "$S" "${TINY[@]}" --design $d --vary dispute.p_amend=0:1 -o "f_$name"
    check "float key 0:1, $name: reals in [0, 1]" reals_in "f_$name" 0 1
    # shellcheck disable=SC2086
    "$M" sweep "$S" "${TINY[@]}" --design $d --vary dispute.p_amend=0.0:1.0 -o "g_$name"
    check "float key, $name: 0:1 and 0.0:1.0 are the same sweep" cmp -s "f_$name/sweep.csv" "g_$name/sweep.csv"
done
"$M" sweep "$S" "${TINY[@]}" --vary dispute.p_amend=0:1:5 -o f_grid
check "float key 0:1:5, grid: 0, 0.25, 0.5, 0.75, 1" [ "$(values f_grid | tr '\n' ' ')" = "0 0.25 0.5 0.75 1 " ]

# ---- an integer key takes whole numbers, however its bounds are written ---------
"$M" sweep "$S" "${TINY[@]}" --vary buyers.count=100:200:3 -o i_grid
"$M" sweep "$S" "${TINY[@]}" --vary buyers.count=100.0:2e2:3 -o j_grid
check "integer key, grid: 100:200:3 gives 100, 150, 200" [ "$(values i_grid | tr '\n' ' ')" = "100 150 200 " ]
check "integer key, grid: 100.0:2e2:3 is the same sweep as 100:200:3" cmp -s i_grid/sweep.csv j_grid/sweep.csv
"$M" sweep "$S" "${TINY[@]}" --vary buyers.count=100.0,2e2 -o j_list
check "integer key, list: 100.0,2e2 read as 100 and 200" [ "$(values j_list | tr '\n' ' ')" = "100 200 " ]
for d in "lhs -n 8" "sobol -n 8" "saltelli -n 4" "morris -n 3"; do
    name=${d%% *}
    # shellcheck disable=SC2086
    "$M" sweep "$S" "${TINY[@]}" --design $d --vary buyers.count=100.0:130 -o "i_$name"
    check "integer key, $name: whole numbers" all_whole "i_$name"
done
printf 'buyers.count,dispute.p_amend\n100.0,0.5\n2e2,0.25\n' > pandas.csv
printf 'buyers.count,dispute.p_amend\n100,0.5\n200,0.25\n' > plain.csv
"$M" sweep "$S" "${TINY[@]}" --design-file pandas.csv -o pandas
"$M" sweep "$S" "${TINY[@]}" --design-file plain.csv -o plain
check "design file: an integer column written 100.0 is the sweep of 100" cmp -s pandas/sweep.csv plain/sweep.csv

# ---- refusals: one line, the flag, the user's text; exit 2, nothing written ------------
refused() { # refused DIR EXPECTED-LINE COMMAND...
    local dir=$1 want=$2
    shift 2
    "$@" > out.txt 2> err.txt
    local rc=$?
    [ "$rc" -eq 2 ] && [ ! -e "$dir" ] && [ ! -s out.txt ] && [ "$(wc -l < err.txt)" -eq 1 ] &&
        [ "$(cat err.txt)" = "$want" ] && ! grep -q 'e+' err.txt ||
        { echo "  rc=$rc, got: $(cat err.txt)"; return 1; }
}
check "integer key, 300.5 bound: refused quoting it" refused x1 \
    'marketsim: --vary: error: buyers.count=300.5:400:3: "300.5" is not a whole number (expected 64-bit integer, 1 to 100000000)' \
    "$M" sweep "$S" --vary buyers.count=300.5:400:3 -o x1
check "integer key, 3.005e2 in a list: refused quoting it as typed" refused x2 \
    'marketsim: --vary: error: buyers.count=3.005e2,400: "3.005e2" is not a whole number (expected 64-bit integer, 1 to 100000000)' \
    "$M" sweep "$S" --vary buyers.count=3.005e2,400 -o x2
check "float key, bound out of the schema's range (lhs)" refused x3 \
    'marketsim: --vary: error: dispute.p_amend=0:2: "2" is out of range (expected float, 0 to 1)' \
    "$M" sweep "$S" --design lhs -n 4 --vary dispute.p_amend=0:2 -o x3
check "integer key, bound out of range (grid)" refused x4 \
    'marketsim: --vary: error: sim.horizon_months=0:12:3: "0" is out of range (expected integer, 1 to 1200)' \
    "$M" sweep "$S" --vary sim.horizon_months=0:12:3 -o x4
check "a bound that is no number" refused x5 \
    'marketsim: --vary: error: dispute.p_amend=low:0.5: "low" is not a number (expected float, 0 to 1)' \
    "$M" sweep "$S" --design sobol -n 4 --vary dispute.p_amend=low:0.5 -o x5
check "a word key sampled by lhs" refused x6 \
    'marketsim: --vary: error: dispute.outcome=amended:settled: lhs samples number keys from a range lo:hi, and dispute.outcome is a choice (vary it with a list a,b,c in a grid)' \
    "$M" sweep "$S" --design lhs -n 4 --vary dispute.outcome=amended:settled -o x6
check "unknown key, before anything loads" refused x7 \
    "marketsim: --vary: error: buyres.count=1,2: unknown key (did you mean 'buyers.count'?)" \
    "$M" sweep "$S" --vary buyres.count=1,2 -o x7
check "sensitivity SCENARIO: the same refusal as sweep" refused x8 \
    'marketsim: --vary: error: dispute.p_amend=0:2: "2" is out of range (expected float, 0 to 1)' \
    "$M" sensitivity "$S" --method sobol -n 8 --vary dispute.p_amend=0:2 -o x8
check "sensitivity SCENARIO: an integer key's 300.5" refused x9 \
    'marketsim: --vary: error: buyers.count=300.5:400: "300.5" is not a whole number (expected 64-bit integer, 1 to 100000000)' \
    "$M" sensitivity "$S" --method morris -n 4 --vary buyers.count=300.5:400 -o x9
printf 'dispute.p_amend,buyers.count\n0.5,300\n0.25,300.5\n' > notwhole.csv
check "design file: an integer column's 300.5, file and line" refused x10 \
    'marketsim: notwhole.csv:3: error: buyers.count: "300.5" is not a whole number (expected 64-bit integer, 1 to 100000000)' \
    "$M" sweep "$S" --design-file notwhole.csv -o x10
printf 'month,metric,subject,value,se,source\n3,share_spend,aws,0.3,0.01,x\n' > targets.csv
check "calibrate --fit: an integer key refused" refused x11 \
    "marketsim: calibrate: error: --fit: 'buyers.count=100:400': not a float key (it is 64-bit integer; calibrate fits real numbers)" \
    "$M" calibrate "$S" --targets targets.csv --fit buyers.count=100:400 -o x11
check "calibrate --fit: bounds outside the key's range refused" refused x12 \
    "marketsim: calibrate: error: --fit: 'dispute.p_amend=0:2': the bounds leave the key's range [0, 1]" \
    "$M" calibrate "$S" --targets targets.csv --fit dispute.p_amend=0:2 -o x12

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
