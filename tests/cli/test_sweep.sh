#!/usr/bin/env bash
# test_sweep.sh MARKETSIM SOURCE_DIR - `marketsim sweep` and `marketsim merge`
# end to end: designs, common random numbers, byte-identical output for
# -j 1/-j 2, three shards merged, SIGKILL + --resume and SIGINT + --resume,
# merge refusing missing/duplicate tasks, --target-ci, progress JSON and
# usage errors. Small scenarios (a few hundred buyers) keep it quick; the
# interrupt tests use bigger buyers counts so there is time to interrupt.
set -u
M=${1:?usage: test_sweep.sh MARKETSIM SOURCE_DIR}
SRC=${2:?usage: test_sweep.sh MARKETSIM SOURCE_DIR}
case $M in /*) ;; *) M=$PWD/$M ;; esac
case $SRC in /*) ;; *) SRC=$PWD/$SRC ;; esac
T=$(mktemp -d /tmp/test_sweep.XXXXXX)
trap 'rm -rf "$T"' EXIT
# a snapshot of the scenarios: every comparison below is between runs of
# the same inputs, even if the tree is edited while the test runs
cp -r "$SRC/scenarios" "$T/scenarios" || exit 1
S=$T/scenarios/frontier_dispute.cfg
cd "$T" || exit 1
export LC_ALL=C

# shellcheck source=lib.sh
source "$SRC/tests/cli/lib.sh"
# same3 DIR1 DIR2: the three sweep files byte-identical (the manifest's
# command row aside)
same3() {
    local f
    for f in sweep.csv sweep_summary.csv manifest.csv; do
        if [ ! -f "$1/$f" ] || [ ! -f "$2/$f" ]; then
            echo "  missing $f in $1 or $2"
            return 1
        fi
        if [ $f = manifest.csv ]; then same_manifest "$1/$f" "$2/$f" || return 1; else
            cmp "$1/$f" "$2/$f" || return 1; fi
    done
}
# field NAME FILE: the value of key NAME in a key,value manifest
field() { awk -F, -v k="$1" '$1 == k { print $2 }' "$2"; }
# points FILE: distinct point ids in a sweep.csv
points() { awk -F, 'NR > 1 { print $1 }' "$1" | sort -u | wc -l | tr -d ' '; }
# njournal FILE: complete-looking task records in a journal
njournal() {
    local n
    n=$(grep -ac '^task ' "$1" 2> /dev/null)
    echo "${n:-0}"
}

SMALL=(--set buyers.count=400 --set sim.horizon_months=24)
GRID=(--vary "dispute.p_amend=0.2,0.5,0.8" --vary buyers.count=300:600:2)

# ---- grid: layout, values, CRN --------------------------------------------
"$M" sweep "$S" "${SMALL[@]}" "${GRID[@]}" -r 3 -o g1 -j 1 -q
check "grid sweep exits 0" [ $? -eq 0 ]
check "sweep.csv header" [ "$(head -1 g1/sweep.csv)" = \
    "point,replication,seed,dispute.p_amend,buyers.count,metric,subject,value" ]
check "sweep_summary.csv header" [ "$(head -1 g1/sweep_summary.csv)" = \
    "point,dispute.p_amend,buyers.count,metric,subject,mean,sd,ci95_low,ci95_high,n" ]
check "grid: 6 points" [ "$(points g1/sweep.csv)" = 6 ]
check "manifest: design grid, 6 points, 3 reps, 18 tasks" [ \
    "$(field design g1/manifest.csv),$(field points g1/manifest.csv),$(field replications g1/manifest.csv),$(field tasks g1/manifest.csv)" \
    = "grid,6,3,18" ]
check "scenario.resolved.cfg written" [ -s g1/scenario.resolved.cfg ]
check "no journal left after success" [ ! -e g1/.sweep.journal ]
# point p's key values: first --vary slowest; replications 0..2 at every point
got=$(awk -F, 'NR > 1 { print $1 "," $2 "," $4 "," $5 }' g1/sweep.csv | sort -u -t, -k1,1n -k2,2n | tr '\n' ' ')
want=""
p=0
for a in 0.2 0.5 0.8; do for b in 300 600; do for r in 0 1 2; do
    want="$want$p,$r,$a,$b "
done; p=$((p + 1)); done; done
check "grid: point/replication/key values in cartesian order" [ "$got" = "$want" ]
check "task rows in id order" bash -c "awk -F, 'NR > 1 { print \$1 * 3 + \$2 }' g1/sweep.csv | sort -n -c"
check "CRN: every row has the same seed" [ "$(awk -F, 'NR > 1 { print $3 }' g1/sweep.csv | sort -u | wc -l)" -eq 1 ]
check "CRN: the seed is the scenario's" [ "$(awk -F, 'NR == 2 { print $3 }' g1/sweep.csv)" = 20260301 ]
# every task reports the final shares of the four clouds (some metrics,
# e.g. deferral_rate of a segment nobody deferred in, appear only in some
# replications: their summary n is smaller)
check "every task has its 4 final_share_spend rows" [ "$(awk -F, 'NR > 1 && $6 == "final_share_spend" { n[$1 "," $2]++ } END { for (k in n) print n[k] }' g1/sweep.csv | sort -u | tr '\n' ' ')" = "4 " ]
check "every task has the same number of rows give or take conditional metrics" [ "$(awk -F, 'NR > 1 { n[$1 "," $2]++ } END { for (k in n) print n[k] }' g1/sweep.csv | sort -u | wc -l)" -le 3 ]
v() { awk -F, -v p="$1" 'NR > 1 && $1 == p { print $2, $6, $7, $8 }' g1/sweep.csv; }
check "different points differ in value (buyers.count 300 vs 600)" [ "$(v 0)" != "$(v 1)" ]
check "different points differ in value (p_amend 0.2 vs 0.8)" [ "$(v 0)" != "$(v 4)" ]
check "summary: n = 3 for final_share_spend" [ "$(awk -F, 'NR > 1 && $4 == "final_share_spend" { print $NF }' g1/sweep_summary.csv | sort -u)" = 3 ]
check "summary: n = the number of rows of (point, metric, subject)" [ \
    "$(awk -F, 'NR > 1 { print $1 "," $6 "," $7 }' g1/sweep.csv | sort | uniq -c | awk '{ print $2 "," $1 }' | sort)" = \
    "$(awk -F, 'NR > 1 { print $1 "," $4 "," $5 "," $NF }' g1/sweep_summary.csv | sort)" ]
# the mean in the summary is the mean of the three replications
m1=$(awk -F, 'NR > 1 && $1 == 2 && $6 == "adoption_rate" && $7 == "all" { s += $8; n++ } END { printf "%.6f", s / n }' g1/sweep.csv)
m2=$(awk -F, 'NR > 1 && $1 == 2 && $4 == "adoption_rate" && $5 == "all" { printf "%.6f", $6 }' g1/sweep_summary.csv)
check "summary mean = mean of replications ($m1)" [ "$m1" = "$m2" ]

# ---- -j 1 vs -j 2 ----------------------------------------------------------
"$M" sweep "$S" "${SMALL[@]}" "${GRID[@]}" -r 3 -o g2 -j 2 -q
check "-j 2 byte-identical to -j 1 (sweep, summary, manifest)" same3 g1 g2
"$M" sweep "$S" "${SMALL[@]}" "${GRID[@]}" -r 3 -o g3 -j 5 -q
check "-j 5 byte-identical to -j 1" same3 g1 g3

# ---- shards + merge ----------------------------------------------------------
for k in 0 1; do
    "$M" sweep "$S" "${SMALL[@]}" "${GRID[@]}" -r 3 -o sh --shard $k/3 -q || bad "shard $k/3"
done
SLURM_ARRAY_TASK_ID=2 "$M" sweep "$S" "${SMALL[@]}" "${GRID[@]}" -r 3 -o sh --shard /3 -q ||
    bad "shard /3 with SLURM_ARRAY_TASK_ID=2"
check "shard part files" test -f sh/sweep.part-0-of-3.csv -a -f sh/sweep.part-2-of-3.csv \
    -a -f sh/manifest.part-1-of-3.csv
check "shards write no sweep.csv" [ ! -e sh/sweep.csv ]
check "part 1 holds only ids % 3 == 1" bash -c \
    "awk -F, 'NR > 1 && (\$1 * 3 + \$2) % 3 != 1 { bad = 1 } END { exit bad }' sh/sweep.part-1-of-3.csv"
cp -r sh sh_missing
cp -r sh sh_dup
cp -r sh sh_extra
cp -r sh sh_noman
cp -r sh sh_mixed
cp -r sh sh_seed
"$M" merge sh
check "merge exits 0" [ $? -eq 0 ]
check "3 shards merged byte-identical to unsharded" same3 g1 sh

rm sh_missing/sweep.part-1-of-3.csv sh_missing/manifest.part-1-of-3.csv
"$M" merge sh_missing 2> err.txt
check "merge refuses a missing part (exit 2)" [ $? -eq 2 ]
check "merge names the missing shard" grep -q "shard 1 of 3" err.txt
check "failed merge writes nothing" [ ! -e sh_missing/sweep.csv ]
rm sh_noman/manifest.part-1-of-3.csv  # a part file without its manifest
"$M" merge sh_noman 2> /dev/null
check "merge refuses a part without its manifest (exit 2)" [ $? -eq 2 ]

# duplicate: the first task of part 0 copied into part 1 (after its header)
first=$(awk -F, 'NR > 1 && $1 == 0 && $2 == 0' sh_dup/sweep.part-0-of-3.csv)
{ head -1 sh_dup/sweep.part-1-of-3.csv; echo "$first"; tail -n +2 sh_dup/sweep.part-1-of-3.csv; } > x.csv
mv x.csv sh_dup/sweep.part-1-of-3.csv
"$M" merge sh_dup 2> err.txt
check "merge refuses the edited part by its checksum" grep -q "sweep.part-1-of-3.csv: error: .* rows, but its manifest says" err.txt
# the same duplicate from a (hypothetically) buggy shard that wrote a
# matching proof: merge's task check must still catch it
python3 - sh_dup/sweep.part-1-of-3.csv sh_dup/manifest.part-1-of-3.csv <<'PY'
import sys
data = open(sys.argv[1], 'rb').read()
h = 0xcbf29ce484222325
for b in data:
    h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
lines = [l for l in open(sys.argv[2]) if not l.startswith('part_')]
lines += ['part_rows,%d\n' % (data.count(b'\n') - 1), 'part_fnv1a64,%016x\n' % h]
open(sys.argv[2], 'w').writelines(lines)
PY
"$M" merge sh_dup 2> err.txt
check "merge refuses a duplicate task (exit 2)" [ $? -eq 2 ]
check "merge names the duplicate" grep -q "task 0 appears twice" err.txt
check "failed merge writes nothing (dup)" [ ! -e sh_dup/sweep.csv ]
# a row for a task beyond the manifest's count
extra=$(sed -n '$p' sh_extra/sweep.part-2-of-3.csv | sed 's/^[0-9]*,/99,/')
echo "$extra" >> sh_extra/sweep.part-2-of-3.csv
"$M" merge sh_extra 2> err.txt
check "merge refuses tasks beyond the manifest (exit 2)" [ $? -eq 2 ]
# a shard of another split (N = 2) in the same directory
"$M" sweep "$S" "${SMALL[@]}" "${GRID[@]}" -r 3 -o sh_mixed --shard 1/2 -q
"$M" merge sh_mixed 2> err.txt
check "merge refuses mixed splits (exit 2)" [ $? -eq 2 ]
# a shard run with another seed: manifests disagree
"$M" sweep "$S" "${SMALL[@]}" "${GRID[@]}" -r 3 -s 7 -o sh_seed --shard 1/3 -q
"$M" merge sh_seed 2> err.txt
check "merge refuses manifests that differ (exit 2)" [ $? -eq 2 ]
"$M" merge 2> /dev/null
check "merge without DIR exits 2" [ $? -eq 2 ]

# ---- designs ---------------------------------------------------------------------
"$M" sweep "$S" "${SMALL[@]}" --design lhs -n 8 --vary dispute.p_amend=0.0:1 \
    --vary buyers.count=200:800 -r 1 -o lhs -q
check "lhs -n 8: 8 points" [ "$(points lhs/sweep.csv)" = 8 ]
check "lhs manifest" [ "$(field design lhs/manifest.csv),$(field points lhs/manifest.csv)" = lhs,8 ]
check "lhs: one point per eighth of p_amend" [ "$(awk -F, 'NR > 1 && $2 == 0 { b = int($4 * 8); if (b == 8) b = 7; print b }' lhs/sweep.csv | sort -u | wc -l)" -eq 8 ]
check "lhs: buyers.count whole and in range" bash -c \
    "awk -F, 'NR > 1 && (\$5 != int(\$5) || \$5 < 200 || \$5 > 800) { bad = 1 } END { exit bad }' lhs/sweep.csv"
"$M" sweep "$S" "${SMALL[@]}" --design sobol -n 8 --vary dispute.p_amend=0.0:1 \
    --vary buyers.count=200:800 -r 1 -o sob -q
check "sobol -n 8: 8 points" [ "$(points sob/sweep.csv)" = 8 ]
check "sobol: first point is the centre" [ "$(awk -F, 'NR == 2 { print $4 }' sob/sweep.csv)" = 0.5 ]
printf '\xEF\xBB\xBF"dispute.p_amend",buyers.count\r\n0.25,300\r\n"0.75",500\r\n0.5,700\r\n' > design.csv
"$M" sweep "$S" "${SMALL[@]}" --design-file design.csv -r 2 -o df -q
check "--design-file: 3 points x 2 reps" [ "$(points df/sweep.csv),$(field tasks df/manifest.csv),$(field design df/manifest.csv)" = 3,6,file ]
check "--design-file: values in row order" [ \
    "$(awk -F, 'NR > 1 && $2 == 0 { print $1 ":" $4 ":" $5 }' df/sweep.csv | sort -u | tr '\n' ' ')" = \
    "0:0.25:300 1:0.75:500 2:0.5:700 " ]
printf 'dispute.p_amend,buyers.count\n0.25,300\n0.5\n' > ragged.csv
"$M" sweep "$S" "${SMALL[@]}" --design-file ragged.csv -o ragged 2> err.txt
check "ragged design file: exit 2" [ $? -eq 2 ]
check "ragged design file: names line 3" grep -q "ragged.csv:3:" err.txt
check "ragged design file: no DIR" [ ! -e ragged ]

# ---- usage and config errors: exit 2, message, nothing written ----------------------
"$M" sweep "$S" --vary buyres.count=1,2 -o badkey 2> err.txt
check "unknown --vary key: exit 2" [ $? -eq 2 ]
check "unknown --vary key: message names it" grep -q "buyres.count" err.txt
check "unknown --vary key: no DIR created" [ ! -e badkey ]
"$M" sweep "$S" --vary dispute.p_amend=0.5,1.5 -o badval 2> err.txt
check "out-of-range --vary value: exit 2" [ $? -eq 2 ]
check "out-of-range --vary value: names the flag, the spec and the value as typed" \
    grep -qx 'marketsim: --vary: error: dispute.p_amend=0.5,1.5: "1.5" is out of range (expected float, 0 to 1)' err.txt
check "out-of-range --vary value: no DIR" [ ! -e badval ]
# what the schema cannot tell (an id the scenario does not define) is found
# by loading every point, on the -j threads, lowest bad point reported
"$M" sweep "$S" --vary "sim.initial_regime=R2p,R3,bogus,R2,nope,zzz" -j 2 -o badval 2> err.txt
check "-j 2 check of every point: exit 2" [ $? -eq 2 ]
check "-j 2 check of every point: reports the first bad point (bogus)" grep -q '"bogus"' err.txt
check "-j 2 check of every point: names it (--vary point 2)" grep -q "^marketsim: --vary point 2: error: sim.initial_regime" err.txt
check "-j 2 check of every point: only that point" [ "$(wc -l < err.txt)" -eq 1 ]
check "-j 2 check of every point: no DIR" [ ! -e badval ]
for spec in "buyers.count=" "buyers.count=5:1:3" "buyers.count=1:5" "buyers.count=1,,2"; do
    "$M" sweep "$S" --vary "$spec" -o badspec 2> err.txt
    rc=$?
    check "bad spec '$spec': exit 2, no DIR" test $rc -eq 2 -a ! -e badspec
done
"$M" sweep "$S" --vary buyers.count=1,2 --vary buyers.count=3 -o dupkey 2> /dev/null
check "key varied twice: exit 2" [ $? -eq 2 ]
"$M" sweep "$S" --design lhs --vary dispute.p_amend=0.0:1 -o nolhs 2> /dev/null
check "lhs without -n: exit 2" [ $? -eq 2 ]
"$M" sweep "$S" --vary buyers.count=300 -o x --shard 3/3 2> /dev/null
check "--shard 3/3: exit 2" [ $? -eq 2 ]
"$M" sweep "$S" --vary buyers.count=300 -o x --target-ci a:b:0.1 --shard 0/2 2> /dev/null
check "--target-ci with --shard: exit 2" [ $? -eq 2 ]
"$M" sweep "$S" --vary buyers.count=300 2> /dev/null
check "no -o: exit 2" [ $? -eq 2 ]
"$M" sweep --help > help.txt
check "sweep --help exits 0 and documents --resume" grep -q -- "--resume" help.txt

# ---- the same study as a shell for-loop over `marketsim run`, joined -------------
# python3 is installed by the test command (scripts/quickstart.sh test)
check "python3 is available for the join script" command -v python3
if command -v python3 > /dev/null; then
    for a in 0.2 0.8; do for n in 300 600; do
        "$M" run "$S" "${SMALL[@]}" --set "dispute.p_amend=$a" --set "buyers.count=$n" -r 3 \
            -o "loop/a$a-n$n" -q
    done; done
    python3 "$SRC/analysis/join_runs.py" --keys dispute.p_amend,buyers.count loop/a0.2-n300 \
        loop/a0.2-n600 loop/a0.8-n300 loop/a0.8-n600 > joined.csv
    check "join_runs.py: exit 0" [ $? -eq 0 ]
    check "join_runs.py header" [ "$(head -1 joined.csv)" = \
        "run,seed,dispute.p_amend,buyers.count,scenario,metric,subject,mean,sd,ci95_low,ci95_high,n" ]
    "$M" sweep "$S" "${SMALL[@]}" --vary dispute.p_amend=0.2,0.8 --vary buyers.count=300,600 -r 3 \
        -o loopsweep -q
    check "for-loop + join_runs.py = sweep_summary.csv (keys and statistics)" [ \
        "$(cut -d, -f3,4,6- joined.csv | sed 1d)" = "$(cut -d, -f2- loopsweep/sweep_summary.csv | sed 1d)" ]
fi

# ---- --progress json ---------------------------------------------------------------
"$M" sweep "$S" "${SMALL[@]}" --vary buyers.count=300,400 -r 3 -o pj --progress json -q \
    2> progress.txt > /dev/null
check "--progress json: exit 0" [ $? -eq 0 ]
check "--progress json: one line per task" [ "$(wc -l < progress.txt)" -eq 6 ]
if command -v python3 > /dev/null; then
    check "--progress json: every line a JSON object with done/total, last done = total" python3 -c '
import json, sys
last = None
for line in open(sys.argv[1]):
    o = json.loads(line)
    assert isinstance(o, dict) and isinstance(o["done"], int) and o["total"] == 6, line
    assert last is None or o["done"] > last
    last = o["done"]
assert last == 6
' progress.txt
fi
"$M" sweep "$S" "${SMALL[@]}" --vary buyers.count=300,400 -r 1 -o quiet 2> quiet.txt > /dev/null
check "no progress on a non-terminal stderr" [ ! -s quiet.txt ]

# ---- --target-ci -----------------------------------------------------------------------
H=0.03
"$M" sweep "$S" "${SMALL[@]}" --vary buyers.count=300,600 -r 2 --target-ci adoption_rate:all:$H \
    -o ci > ci.txt
check "--target-ci: exit 0" [ $? -eq 0 ]
check "--target-ci: reports the target reached" grep -q "<= $H with" ci.txt
reps=$(field replications ci/manifest.csv)
check "--target-ci: every point's half-width <= $H with n = $reps" bash -c "awk -F, -v h=$H -v r=$reps '
    NR > 1 && \$3 == \"adoption_rate\" && \$4 == \"all\" { n++; if (\$9 != r || (\$8 - \$7) / 2 > h) bad = 1 }
    END { exit bad || n != 2 }' ci/sweep_summary.csv"
check "--target-ci: replications grew beyond 2 ($reps)" [ "$reps" -gt 2 ]
check "--target-ci: summary n = manifest replications" [ \
    "$(awk -F, 'NR > 1 && $3 == "adoption_rate" { print $NF }' ci/sweep_summary.csv | sort -u)" = "$reps" ]
# the final files are exactly a plain sweep with that many replications
"$M" sweep "$S" "${SMALL[@]}" --vary buyers.count=300,600 -r "$reps" -o ci_plain -q
check "--target-ci result = plain sweep with -r $reps" same3 ci ci_plain
"$M" sweep "$S" "${SMALL[@]}" --vary buyers.count=300,600 -r 2 --target-ci nosuch:all:0.1 \
    -o ci_bad 2> err.txt > /dev/null
check "--target-ci unknown metric: exit 2" [ $? -eq 2 ]
check "--target-ci unknown metric: message names it" grep -q "nosuch" err.txt
check "--target-ci unknown metric: nothing left in DIR" [ ! -e ci_bad ]
"$M" sweep "$S" "${SMALL[@]}" --vary buyers.count=300 -r 2 --target-ci adoption_rate:all:0.000001 \
    --max-reps 5 -o ci_max > ci_max.txt
check "--target-ci stops at --max-reps" [ "$(field replications ci_max/manifest.csv)" = 5 ]
check "--target-ci says 'not reached'" grep -q "not reached" ci_max.txt

# ---- interrupts and --resume -------------------------------------------------------------
# Each task simulates tens of thousands of buyers, so the sweep runs for
# seconds: time to interrupt it after a few tasks are journaled.
BIG=(--set sim.horizon_months=60 --vary buyers.count=40000:80000:6 -r 4)
"$M" sweep "$S" "${BIG[@]}" -o ref -j 2 -q
check "reference sweep" [ -f ref/sweep.csv ]

# tamper_journal FILE: rewrites the first record's first row to end in
# value 424242 (fixing the record's length and FNV-1a hash), then appends a
# record whose hash does not match and a torn one (a header whose bytes
# never came): resume must stop at the first of these
tamper_journal() {
    python3 - "$1" << 'PYEOF'
import re, sys
p = sys.argv[1]
data = open(p, 'rb').read()
nl = data.index(b'\n') + 1
m = re.match(rb'task (\d+) (\d+) ([0-9a-f]+)\n', data[nl:])
start = nl + m.end()
text = data[start:start + int(m.group(2))]
first, rest = text.split(b'\n', 1)
text = first.rsplit(b',', 1)[0] + b',424242\n' + rest
h = 0xcbf29ce484222325
for c in text:
    h = ((h ^ c) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
rec = b'task %s %d %016x\n' % (m.group(1), len(text), h) + text
tail = data[start + int(m.group(2)):]
bad = b'task 99998 4 0123456789abcdef\nabc\n'  # whole, but its hash is wrong
open(p, 'wb').write(data[:nl] + rec + tail + bad + b'task 99999 100 0123456789abcdef\nabc')
PYEOF
}

# wait_journal DIR N PID: until DIR's journal has N records (or PID exits)
wait_journal() {
    local i
    for ((i = 0; i < 1200; i++)); do
        [ "$(njournal "$1/.sweep.journal")" -ge "$2" ] && return 0
        kill -0 "$3" 2> /dev/null || return 1
        sleep 0.05
    done
    return 1
}

"$M" sweep "$S" "${BIG[@]}" -o kill9 -j 2 -q &
pid=$!
if wait_journal kill9 3 $pid; then
    kill -9 $pid
    wait $pid 2> /dev/null
    rc=$?
    check "SIGKILL: killed (137)" [ $rc -eq 137 ]
    n=$(njournal kill9/.sweep.journal)
    check "SIGKILL: journal kept ($n tasks)" test "$n" -ge 3 -a "$n" -lt 24
    check "SIGKILL: no final files" [ ! -e kill9/sweep.csv ]
    # A copy whose first record is rewritten (valid length and hash) and
    # whose tail is torn: a resume that replays the journal shows the
    # rewritten row and cuts the tail; one that recomputed would not.
    cp -r kill9 forged
    tamper_journal forged/.sweep.journal
    "$M" sweep "$S" "${BIG[@]}" -o kill9 -q 2> err.txt
    check "unfinished journal without --resume: exit 2" [ $? -eq 2 ]
    check "... and says to add --resume" grep -q -- "--resume" err.txt
    "$M" sweep "$S" "${BIG[@]}" --set buyers.count=1000 -o kill9 --resume -q 2> err.txt
    check "--resume of another sweep's journal: exit 2" [ $? -eq 2 ]
    "$M" sweep "$S" "${BIG[@]}" -o kill9 --resume -j 2 > resume.txt
    check "--resume after SIGKILL: exit 0" [ $? -eq 0 ]
    check "--resume reports the journal's $n tasks as resumed" grep -q ", $n resumed" resume.txt
    check "--resume after SIGKILL byte-identical" same3 ref kill9
    check "--resume removes the journal" [ ! -e kill9/.sweep.journal ]
    "$M" sweep "$S" "${BIG[@]}" -o forged --resume -j 2 -q
    check "--resume of a journal with a torn tail: exit 0" [ $? -eq 0 ]
    check "--resume replays journaled rows (the rewritten one is in sweep.csv)" \
        grep -q ',424242$' forged/sweep.csv
    check "--resume recomputes only what the journal lacks (all other rows as the reference)" \
        [ "$(diff ref/sweep.csv forged/sweep.csv | grep -c '^[<>]')" -eq 2 ]
else
    bad "SIGKILL: the sweep ended before 3 tasks were journaled"
    wait $pid 2> /dev/null
fi

"$M" sweep "$S" "${BIG[@]}" -o int -j 1 -q &
pid=$!
if wait_journal int 2 $pid; then
    kill -INT $pid
    wait $pid 2> /dev/null
    rc=$?
    check "SIGINT: exit 130" [ $rc -eq 130 ]
    check "SIGINT: journal kept" [ "$(njournal int/.sweep.journal)" -ge 2 ]
    check "SIGINT: no final or temporary files" [ "$(find int -mindepth 1 ! -name .sweep.journal | wc -l)" -eq 0 ]
    "$M" sweep "$S" "${BIG[@]}" -o int --resume -j 2 -q
    check "--resume after SIGINT: exit 0" [ $? -eq 0 ]
    check "--resume after SIGINT byte-identical" same3 ref int
else
    bad "SIGINT: the sweep ended before 2 tasks were journaled"
    wait $pid 2> /dev/null
fi

# a torn last record (a crash mid-write) is cut off on --resume
"$M" sweep "$S" "${BIG[@]}" -o torn -j 2 -q &
pid=$!
if wait_journal torn 3 $pid; then
    kill -9 $pid
    wait $pid 2> /dev/null
    head -c -7 torn/.sweep.journal > j && cat j > torn/.sweep.journal
    "$M" sweep "$S" "${BIG[@]}" -o torn --resume -j 2 -q
    check "--resume over a torn journal: byte-identical" same3 ref torn
else
    bad "torn: the sweep ended too early"
    wait $pid 2> /dev/null
fi

# --target-ci interrupted in a later round: each round has its own journal
# (.sweep.rREPS.journal), so --resume reruns the earlier rounds and resumes
# the interrupted one
CI=(--set buyers.count=20000 --set sim.horizon_months=24 --vary "dispute.p_amend=0.3,0.7" -r 2
    --target-ci final_share_spend:aws:0.007)
"$M" sweep "$S" "${CI[@]}" -o ciref -j 2 -q
"$M" sweep "$S" "${CI[@]}" -o ciint -j 2 -q &
pid=$!
later=""
for ((i = 0; i < 1200; i++)); do
    later=$(find ciint -name '.sweep.r*.journal' ! -name '.sweep.r2.journal' 2> /dev/null | head -1)
    [ -n "$later" ] && [ "$(njournal "$later")" -ge 3 ] && break
    kill -0 $pid 2> /dev/null || break
    sleep 0.05
done
if [ -n "$later" ] && kill -INT $pid 2> /dev/null; then
    wait $pid 2> /dev/null
    check "--target-ci: SIGINT in a later round exits 130" [ $? -eq 130 ]
    "$M" sweep "$S" "${CI[@]}" -o ciint -j 2 -q 2> /dev/null
    check "--target-ci: unfinished round journal without --resume: exit 2" [ $? -eq 2 ]
    "$M" sweep "$S" "${CI[@]}" -o ciint -j 2 --resume > ciresume.txt
    check "--target-ci --resume: exit 0" [ $? -eq 0 ]
    check "--target-ci --resume took tasks from the round's journal" grep -Eq ", [1-9][0-9]* resumed" ciresume.txt
    check "--target-ci --resume byte-identical to uninterrupted" same3 ciref ciint
    check "--target-ci --resume leaves no journal" [ "$(find ciint -name '.sweep*journal' | wc -l)" -eq 0 ]
else
    bad "--target-ci: the sweep ended before a later round was journaled"
    wait $pid 2> /dev/null
fi

# a sharded sweep resumes too (its own journal name)
"$M" sweep "$S" "${BIG[@]}" -o shk --shard 1/2 -q &
pid=$!
for ((i = 0; i < 1200; i++)); do
    [ "$(njournal shk/.sweep.part-1-of-2.journal)" -ge 2 ] && break
    kill -0 $pid 2> /dev/null || break
    sleep 0.05
done
{ kill -9 $pid && wait $pid; } 2> /dev/null
"$M" sweep "$S" "${BIG[@]}" -o shk --shard 1/2 --resume -q
"$M" sweep "$S" "${BIG[@]}" -o shk --shard 0/2 -q
"$M" merge shk
check "sharded sweep: SIGKILL + --resume + merge byte-identical" same3 ref shk

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
