#!/usr/bin/env bash
# test_sensitivity.sh MARKETSIM SOURCE_DIR - `sweep --design saltelli|morris`
# and `marketsim sensitivity` end to end: design layouts and manifests,
# sensitivity.csv columns and row counts, byte identity for -j 1/-j 2 and
# for shards merged, both forms giving the same bytes, seeded bootstrap,
# and bad input (not a sensitivity sweep, unmerged shards, too few points,
# bad -n/--levels/--bootstrap) exiting 2 with nothing written. The
# estimators' accuracy is tested in tests/unit/test_sensitivity.c.
set -u
M=${1:?usage: test_sensitivity.sh MARKETSIM SOURCE_DIR}
SRC=${2:?usage: test_sensitivity.sh MARKETSIM SOURCE_DIR}
case $M in /*) ;; *) M=$PWD/$M ;; esac
case $SRC in /*) ;; *) SRC=$PWD/$SRC ;; esac
T=$(mktemp -d /tmp/test_sensitivity.XXXXXX)
trap 'rm -rf "$T"' EXIT
cp -r "$SRC/scenarios" "$T/scenarios" || exit 1
S=$T/scenarios/frontier_dispute.cfg
cd "$T" || exit 1
export LC_ALL=C

# shellcheck source=lib.sh
source "$SRC/tests/cli/lib.sh"
field() { awk -F, -v k="$1" '$1 == k { print $2 }' "$2"; }
points() { awk -F, 'NR > 1 { print $1 }' "$1" | sort -u | wc -l | tr -d ' '; }
# row P FILE: the key values of point P (replication 0, first metric)
row() { awk -F, -v p="$1" 'NR > 1 && $1 == p && $2 == 0 { print $4 "," $5 "," $6; exit }' "$2"; }
# fails CODE DIR_OR_FILE_ABSENT CMD...: exit status CODE and the path absent
fails() {
    local code=$1 absent=$2
    shift 2
    "$@" > /dev/null 2> err.txt
    local rc=$?
    [ $rc -eq "$code" ] && [ ! -e "$absent" ] && [ "$(wc -l < err.txt)" -eq 1 ] ||
        { echo "  exit $rc, $(cat err.txt)"; return 1; }
}

SMALL=(--set buyers.count=150 --set sim.horizon_months=12)
VARY=(--vary dispute.p_amend=0.0:1 --vary clouds.aws.price_index=0.8:1.2 --vary buyers.count=100:200)

# ---- saltelli: layout and manifest ----------------------------------------
"$M" sweep "$S" "${SMALL[@]}" "${VARY[@]}" --design saltelli -n 8 -r 2 -o sa -q -j 1
check "saltelli sweep exits 0" [ $? -eq 0 ]
check "saltelli: N (k + 2) = 40 points" [ "$(points sa/sweep.csv)" = 40 ]
check "saltelli manifest: design, samples, bounds" [ \
    "$(field design sa/manifest.csv)|$(field design_samples sa/manifest.csv)|$(field design_bounds sa/manifest.csv)" \
    = "saltelli|8|0:1;0.8:1.2;100:200" ]
check "saltelli: no design_levels" [ -z "$(field design_levels sa/manifest.csv)" ]
a=$(row 0 sa/sweep.csv) b=$(row 4 sa/sweep.csv)
IFS=, read -r a1 a2 a3 <<< "$a"
IFS=, read -r b1 b2 b3 <<< "$b"
check "saltelli: A and B differ in every key" [ "$a1" != "$b1" -a "$a2" != "$b2" -a "$a3" != "$b3" ]
check "saltelli: AB_1 = A with key 1 from B" [ "$(row 1 sa/sweep.csv)" = "$b1,$a2,$a3" ]
check "saltelli: AB_2 = A with key 2 from B" [ "$(row 2 sa/sweep.csv)" = "$a1,$b2,$a3" ]
check "saltelli: AB_3 = A with key 3 from B" [ "$(row 3 sa/sweep.csv)" = "$a1,$a2,$b3" ]
check "saltelli: whole numbers for integral bounds" bash -c \
    "awk -F, 'NR > 1 && (\$6 != int(\$6) || \$6 < 100 || \$6 > 200) { bad = 1 } END { exit bad }' sa/sweep.csv"

# ---- sensitivity DIR -------------------------------------------------------
"$M" sensitivity sa > sa_table.txt
check "sensitivity DIR exits 0" [ $? -eq 0 ]
check "sensitivity.csv: sobol header" [ "$(head -1 sa/sensitivity.csv)" = \
    "method,metric,subject,key,S1,S1_ci95_low,S1_ci95_high,ST,ST_ci95_low,ST_ci95_high,noise_share" ]
check "sensitivity.csv: 3 rows (one per key) for final_share_spend aws" [ \
    "$(awk -F, '$2 == "final_share_spend" && $3 == "aws" { print $4 }' sa/sensitivity.csv | tr '\n' ' ')" \
    = "dispute.p_amend clouds.aws.price_index buyers.count " ]
check "sensitivity.csv: every row has 11 fields, method sobol" bash -c \
    "awk -F, 'NR > 1 && (NF != 11 || \$1 != \"sobol\") { bad = 1 } END { exit bad }' sa/sensitivity.csv"
check "sensitivity.csv: ST intervals hold ST" bash -c \
    "awk -F, 'NR > 1 && \$8 != \"\" && (\$9 > \$8 || \$10 < \$8) { bad = 1 } END { exit bad }' sa/sensitivity.csv"
check "sensitivity.csv: noise_share in [0, 1] (2 replications)" bash -c \
    "awk -F, 'NR > 1 && \$11 != \"\" && (\$11 < 0 || \$11 > 1) { bad = 1 } END { exit bad }' sa/sensitivity.csv"
check "table names the file and the metrics" grep -q "sobol indices: 8 base samples x 3 keys = 40 points x 2 replications, 1000 bootstrap resamples -> sa/sensitivity.csv" sa_table.txt
check "table lists final_share_spend aws" grep -q "^final_share_spend aws" sa_table.txt
cp sa/sensitivity.csv sa_j1.csv
"$M" sensitivity sa -j 2 -q
check "sensitivity -j 2 byte-identical to -j 1" cmp sa/sensitivity.csv sa_j1.csv
check "-q prints nothing" [ -z "$("$M" sensitivity sa -q)" ]
"$M" sensitivity sa -s 99 -q
check "another bootstrap seed moves the intervals" bash -c "! cmp -s sa/sensitivity.csv sa_j1.csv"
check "... but not the indices" [ "$(cut -d, -f5,8,11 sa/sensitivity.csv)" = "$(cut -d, -f5,8,11 sa_j1.csv)" ]
"$M" sensitivity sa --bootstrap 0 -q
check "--bootstrap 0: empty intervals" [ "$(awk -F, 'NR == 2 { print $6 "|" $7 "|" $9 }' sa/sensitivity.csv)" = "||" ]

# the SCENARIO form: the same sweep, then the same indices (default seeds)
"$M" sensitivity "$S" --method sobol -n 8 "${SMALL[@]}" "${VARY[@]}" -r 2 -o sb -j 2 -q
check "SCENARIO form exits 0" [ $? -eq 0 ]
for f in sweep.csv sweep_summary.csv; do
    check "SCENARIO form: $f as the sweep's" cmp sa/$f sb/$f
done
check "SCENARIO form: manifest.csv as the sweep's (but its command)" same_manifest sa/manifest.csv sb/manifest.csv
check "SCENARIO form: sensitivity.csv as the DIR form's" cmp sa_j1.csv sb/sensitivity.csv

# designs are sweeps: shards merged give the same bytes
for k in 0 1; do
    "$M" sweep "$S" "${SMALL[@]}" "${VARY[@]}" --design saltelli -n 8 -r 2 --shard $k/2 -o ssh -q
done
fails 2 ssh/sensitivity.csv "$M" sensitivity ssh
check "unmerged shards: exit 2, nothing written" [ $? -eq 0 ]
check "unmerged shards: says merge" grep -q "marketsim merge" err.txt
"$M" merge ssh && "$M" sensitivity ssh -q
check "merged shards: same sweep and indices" bash -c "cmp sa/sweep.csv ssh/sweep.csv && cmp sa_j1.csv ssh/sensitivity.csv"

# ---- morris ----------------------------------------------------------------
"$M" sensitivity "$S" --method morris -n 4 --levels 6 "${SMALL[@]}" "${VARY[@]}" -r 2 -o mo -q
check "morris exits 0" [ $? -eq 0 ]
check "morris: r (k + 1) = 16 points" [ "$(points mo/sweep.csv)" = 16 ]
check "morris manifest: design, samples, levels" [ \
    "$(field design mo/manifest.csv)|$(field design_samples mo/manifest.csv)|$(field design_levels mo/manifest.csv)" \
    = "morris|4|6" ]
check "morris: p_amend on the 6-level grid" bash -c \
    "awk -F, 'NR > 1 { v = \$4 * 5; if (v - int(v + 0.5) > 1e-9 || int(v + 0.5) - v > 1e-9) bad = 1 } END { exit bad }' mo/sweep.csv"
check "morris header" [ "$(head -1 mo/sensitivity.csv)" = \
    "method,metric,subject,key,mu,mu_star,mu_star_ci95_low,mu_star_ci95_high,sigma,noise_share" ]
check "morris: mu* >= |mu| on every row" bash -c \
    "awk -F, 'NR > 1 && \$5 != \"\" && (\$6 < \$5 - 1e-12 && \$6 < -\$5 - 1e-12) { bad = 1 } END { exit bad }' mo/sensitivity.csv"
"$M" sweep "$S" "${SMALL[@]}" "${VARY[@]}" --design morris -n 4 --levels 6 -r 2 -o mo2 -q -j 2
check "morris sweep = the SCENARIO form's (seeded from sim.seed)" cmp mo/sweep.csv mo2/sweep.csv
"$M" sweep "$S" "${SMALL[@]}" "${VARY[@]}" --design morris -n 4 --levels 6 -r 2 -s 5 -o mo3 -q
check "another -s draws other trajectories" bash -c "! cmp -s mo/sweep.csv mo3/sweep.csv"

# ---- bad input: exit 2, one line, nothing written ---------------------------
"$M" sweep "$S" "${SMALL[@]}" --vary dispute.p_amend=0.2,0.8 -r 1 -o grid -q
check "grid sweep refused (exit 2)" fails 2 grid/sensitivity.csv "$M" sensitivity grid
check "... saying which designs it needs" grep -q "'grid' sweep: sensitivity needs one made with --design saltelli" err.txt
# a DIR another command still writes (flock(1) holds its lock as a running
# sweep or shard would): refused, sensitivity.csv untouched
cp sa/sensitivity.csv before.csv
flock -s -o sa/.marketsim.lock "$M" sensitivity sa --bootstrap 0 > /dev/null 2> err.txt
check "a DIR a sweep still writes refused (exit 2)" [ $? -eq 2 ]
check "... sensitivity.csv untouched" cmp sa/sensitivity.csv before.csv
mkdir unfinished && : > unfinished/.sweep.journal
check "an unfinished sweep refused" fails 2 unfinished/sensitivity.csv "$M" sensitivity unfinished
check "... saying to --resume it" grep -q "unfinished sweep is here.*--resume" err.txt
mkdir empty
check "a directory without a manifest refused" fails 2 empty/sensitivity.csv "$M" sensitivity empty
check "... saying it is not a sweep" grep -q "not a sweep directory" err.txt
"$M" sweep "$S" "${SMALL[@]}" "${VARY[@]}" --design saltelli -n 4 -r 1 -o few -q
check "too few points (N = 4) refused" fails 2 few/sensitivity.csv "$M" sensitivity few
check "... saying so" grep -q "too few points: sobol needs at least 8 base samples" err.txt
"$M" sweep "$S" "${SMALL[@]}" "${VARY[@]}" --design morris -n 1 -r 1 -o few1 -q
check "one trajectory refused" fails 2 few1/sensitivity.csv "$M" sensitivity few1
cp -r sa trunc && head -n 200 sa/sweep.csv > trunc/sweep.csv && rm trunc/sensitivity.csv
check "a truncated sweep.csv refused" fails 2 trunc/sensitivity.csv "$M" sensitivity trunc
check "SCENARIO form, -n below the minimum: nothing run" fails 2 x1 "$M" sensitivity "$S" --method sobol -n 4 "${VARY[@]}" -o x1
check "-n 0" fails 2 x2 "$M" sensitivity "$S" --method sobol -n 0 "${VARY[@]}" -o x2
check "-n abc" fails 2 x3 "$M" sensitivity "$S" --method morris -n abc "${VARY[@]}" -o x3
check "--levels 3 (odd)" fails 2 x4 "$M" sensitivity "$S" --method morris -n 4 --levels 3 "${VARY[@]}" -o x4
check "sweep --levels 3 (odd)" fails 2 x5 "$M" sweep "$S" --design morris -n 4 --levels 3 "${VARY[@]}" -o x5
check "sweep --levels with saltelli" fails 2 x6 "$M" sweep "$S" --design saltelli -n 8 --levels 4 "${VARY[@]}" -o x6
check "--bootstrap 50" fails 2 sa/x7 "$M" sensitivity sa --bootstrap 50
check "--bootstrap abc" fails 2 sa/x8 "$M" sensitivity sa --bootstrap abc
check "--method other" fails 2 x9 "$M" sensitivity "$S" --method fast -n 8 "${VARY[@]}" -o x9
check "a missing path without --method" fails 2 nowhere "$M" sensitivity nowhere
check "a DIR with sweep flags" fails 2 sa/x10 "$M" sensitivity sa -n 8
many=()
for i in $(seq 1 21); do many+=(--vary "k$i=0.0:1"); done
check "saltelli with 21 keys refused" fails 2 x11 "$M" sweep "$S" --design saltelli -n 8 "${many[@]}" -o x11
check "... naming the 40 dimensions" grep -q "at most 20 keys" err.txt
check "saltelli lo = hi refused" fails 2 x12 "$M" sweep "$S" --design saltelli -n 8 --vary dispute.p_amend=0.5:0.5 -o x12
check "saltelli list spec refused" fails 2 x13 "$M" sweep "$S" --design saltelli -n 8 --vary dispute.p_amend=0.2,0.5 -o x13
check "sensitivity --help exits 0" "$M" help sensitivity > /dev/null

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
