#!/usr/bin/env bash
# test_commit.sh - manifest.csv is the commit record, and every command
# dies cleanly.
#
# - A directory holds either an old complete set, a new complete set, or
#   no manifest.csv: with a directory in the way of summary.csv, and with
#   the run killed (strace's syscall fault injection) at each rename of its
#   commit. A later run removes the temporaries a killed run left.
# - Under `ulimit -f`, run, sweep, a shard, merge, compare and calibrate
#   exit 1 with a message naming the path and the reason (not SIGXFSZ's
#   exit 153), leaving no temporaries.
# - SIGHUP (an ssh disconnect) is SIGTERM: exit 130, no temporaries; merge
#   and calibrate interrupted while writing exit 130 and write nothing.
# usage: bash test_commit.sh MARKETSIM_BINARY SOURCE_DIR
set -u
BIN=${1:?usage: test_commit.sh MARKETSIM_BINARY SOURCE_DIR}
SRC=${2:?usage: test_commit.sh MARKETSIM_BINARY SOURCE_DIR}
SRC=$(cd "$SRC" && pwd)
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
# shellcheck source=lib.sh
source "$SRC/tests/cli/lib.sh"
T=$(mktemp -d "${TMPDIR:-/tmp}/ms_commit.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
export LC_ALL=C
S=$SRC/scenarios/frontier_dispute.cfg
RUN=(run "$S" --set buyers.count=200 -r 2 -q)
FILES="market.csv products.csv segments.csv events.csv summary.csv scenario.resolved.cfg manifest.csv"

no_temps() { ! ls -A "$1" 2>/dev/null | grep -q '\.tmp-'; }
same_set() { # same_set DIR REF: every file of the set equal (manifest's command row aside)
    local f
    for f in $FILES; do
        [ "$f" = manifest.csv ] && continue
        cmp -s "$1/$f" "$2/$f" || return 1
    done
    diff -q <(grep -v '^command,' "$1/manifest.csv") <(grep -v '^command,' "$2/manifest.csv") >/dev/null
}
# old complete set, new complete set, or no manifest.csv
consistent() { [ ! -e "$1/manifest.csv" ] || same_set "$1" old || same_set "$1" new; }

"$BIN" "${RUN[@]}" -s 1 -o old
"$BIN" "${RUN[@]}" -s 2 -o new

# a directory in the way of summary.csv: the commit fails after renaming
# some new files; the old manifest must not be left to vouch for them
cp -r old inway && rm inway/summary.csv && mkdir inway/summary.csv
"$BIN" "${RUN[@]}" -s 2 -o inway 2>inway.err
rc=$?
check "a directory in the way: exit 1" [ $rc -eq 1 ]
check "a directory in the way: no manifest.csv is left for a mixed set" [ ! -e inway/manifest.csv ]
check "a directory in the way: the error names the file" grep -q 'summary.csv' inway.err

# killed at the Nth rename of the commit (7 files: N = 1..8, 8 = none)
mixed=0
for n in 1 2 3 4 5 6 7 8; do
    rm -rf "k$n" && cp -r old "k$n"
    (strace -f -o /dev/null -e inject=rename:signal=KILL:when=$n \
        "$BIN" "${RUN[@]}" -s 2 -o "k$n" >/dev/null 2>&1) 2>/dev/null
    consistent "k$n" || { mixed=$((mixed + 1)); echo "  killed at rename $n: a mixed set"; }
done
check "killed between renames: old set, new set or no manifest.csv (8 cases)" [ $mixed -eq 0 ]
check "killed between renames: the killed run left temporaries (the test bites)" \
    eval '! no_temps k1'
"$BIN" "${RUN[@]}" -s 2 -o k1
check "the next run removes a killed run's temporaries" no_temps k1
check "the next run leaves the new complete set" same_set k1 new

# SIGXFSZ: a file-size limit is an I/O error with the path and the reason
limited() { (ulimit -f 8 && exec "$BIN" "$@") >/dev/null 2>"$T/err"; }
limited "${RUN[@]}" -s 2 -o xrun
rc=$?
check "run under ulimit -f: exit 1" [ $rc -eq 1 ]
check "run under ulimit -f: the message names the directory, the file and the reason" \
    eval 'grep -q "xrun" err && grep -q "\.csv" err && grep -q "File too large" err'
SW=(sweep "$S" --set buyers.count=300 --vary dispute.p_amend=0.1:0.9:40 -r 2 -q)
limited "${SW[@]}" -o xsweep
rc=$?
check "sweep under ulimit -f: exit 1 (not 153)" [ $rc -eq 1 ]
check "sweep under ulimit -f: a message with the reason" grep -q "File too large" err
check "sweep under ulimit -f: no temporaries" no_temps xsweep
limited "${SW[@]}" --shard 0/2 -o xshard
rc=$?
check "a shard under ulimit -f: exit 1 (not 153)" [ $rc -eq 1 ]
check "a shard under ulimit -f: no temporaries" no_temps xshard
"$BIN" "${SW[@]}" --shard 0/2 -o shards && "$BIN" "${SW[@]}" --shard 1/2 -o shards
limited merge shards
rc=$?
check "merge under ulimit -f: exit 1 (not 153)" [ $rc -eq 1 ]
check "merge under ulimit -f: the message names the directory and the reason" \
    eval 'grep -q "shards" err && grep -q "File too large" err'
check "merge under ulimit -f: no temporaries" no_temps shards
CMPARGS=(compare "$S" --set-b dispute.p_amend=0.9 --set buyers.count=300 -r 2 -q)
limited "${CMPARGS[@]}" -o xcompare
rc=$?
check "compare under ulimit -f: exit 1 (not 153)" [ $rc -eq 1 ]
check "compare under ulimit -f: the message names the directory and the reason" \
    eval 'grep -q "xcompare" err && grep -q "File too large" err'
check "compare under ulimit -f: no temporaries" eval '! find xcompare -name ".*.tmp-*" 2>/dev/null | grep -q .'
CAL=(calibrate "$SRC/scenarios/baseline.cfg" --targets "$SRC/scenarios/targets/example.csv"
    --fit decision.beta_price=0.5:4 --set buyers.count=200 --set sim.horizon_months=24 -r 2
    --max-evals 3 -q)
limited "${CAL[@]}" -o xcal
rc=$?
check "calibrate under ulimit -f: exit 1 (not 153)" [ $rc -eq 1 ]
check "calibrate under ulimit -f: the message names the file and the reason" \
    eval 'grep -q "xcal/" err && grep -q "File too large" err'
check "calibrate under ulimit -f: no temporaries" no_temps xcal

# SIGTERM while writing: strace delivers it at a system call of the write
# phase; the command must finish as interrupted (130), not die of it (143)
# and leave temporaries (LeakSanitizer cannot run under ptrace: the Asan
# build's leak check is off for these two). merge: at its first write(2),
# mid-stream.
rm -rf mterm && cp -r shards mterm
(ASAN_OPTIONS=detect_leaks=0 strace -f -o /dev/null -e inject=write:signal=TERM:when=1 \
    "$BIN" merge mterm >/dev/null 2>mterm.err)
rc=$?
check "merge on SIGTERM: exit 130" [ $rc -eq 130 ]
check "merge on SIGTERM: says so, writes nothing, leaves no temporaries" \
    eval 'grep -q "interrupted" mterm.err && [ ! -e mterm/manifest.csv ] && [ ! -e mterm/sweep.csv ] && no_temps mterm'
# calibrate: at the mkdir of -o, after the fit, before its files
(ASAN_OPTIONS=detect_leaks=0 strace -f -o /dev/null -e inject=mkdir:signal=TERM:when=1 \
    "$BIN" "${CAL[@]}" -o cterm >/dev/null 2>cterm.err)
rc=$?
check "calibrate on SIGTERM while writing: exit 130" [ $rc -eq 130 ]
check "calibrate on SIGTERM while writing: nothing written" eval '[ ! -e cterm ]'

# SIGHUP is SIGTERM
BIG=(sweep "$S" --set buyers.count=200000 --vary dispute.p_amend=0.1:0.9:8 -r 4 -q)
hup_dir=hsweep
"$BIN" "${BIG[@]}" -o $hup_dir 2>/dev/null &
pid=$!
sleep 1
kill -HUP $pid
wait $pid
rc=$?
check "sweep on SIGHUP: exit 130 (as SIGTERM; was 129)" [ $rc -eq 130 ]
check "sweep on SIGHUP: no temporaries" no_temps $hup_dir
"$BIN" run "$S" --set buyers.count=400000 -r 8 -q -o hrun 2>/dev/null &
pid=$!
sleep 1
kill -HUP $pid
wait $pid
rc=$?
check "run on SIGHUP: exit 130" [ $rc -eq 130 ]
check "run on SIGHUP: nothing written" eval '[ ! -e hrun/manifest.csv ] && no_temps hrun'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
