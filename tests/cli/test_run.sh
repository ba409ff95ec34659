#!/usr/bin/env bash
# test_run.sh - `marketsim run` end to end: determinism (same seed, -j,
# --trace, the resolved config, the locale), invariants of market.csv,
# exit codes and the promise that a failed or bad run leaves nothing.
#
# usage: bash test_run.sh MARKETSIM_BINARY SOURCE_DIR
# Prints one line per check and `N passed, M failed`; exits 1 on failure.
set -u

BIN=${1:?usage: test_run.sh MARKETSIM_BINARY SOURCE_DIR}
SRC=${2:?usage: test_run.sh MARKETSIM_BINARY SOURCE_DIR}
# absolute paths: some checks run from other directories
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
SRC=$(cd "$SRC" && pwd)
SC="$SRC/scenarios/frontier_dispute.cfg"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ms_test_run.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export LC_ALL=C

# shellcheck source=lib.sh
source "$SRC/tests/cli/lib.sh"

SMALL=(--set buyers.count=2000 -r 3 -q)
RESULT_FILES="market.csv products.csv segments.csv events.csv summary.csv scenario.resolved.cfg"

# Same bytes in every file of two output directories, except the
# `command` row of manifest.csv (it names the directory and flags).
same_dirs() {
    local a=$1 b=$2 f
    [ "$(cd "$a" && ls -A)" = "$(cd "$b" && ls -A)" ] || { echo "  file lists differ"; return 1; }
    for f in $(cd "$a" && ls -A); do
        if [ "$f" = manifest.csv ]; then
            cmp -s <(grep -v '^command,' "$a/$f") <(grep -v '^command,' "$b/$f") ||
                { echo "  $f differs"; return 1; }
        else
            cmp -s "$a/$f" "$b/$f" || { echo "  $f differs"; return 1; }
        fi
    done
}

# The same, ignoring decisions.csv (present only in a --trace run).
same_except_trace() {
    local a=$1 b=$2 f
    for f in $RESULT_FILES; do
        cmp -s "$a/$f" "$b/$f" || { echo "  $f differs"; return 1; }
    done
}

has_files() {
    local d=$1 f
    for f in $RESULT_FILES manifest.csv; do
        [ -s "$d/$f" ] || { echo "  missing $d/$f"; return 1; }
    done
}

no_temporaries() { [ -z "$(find "$1" -name '.*.tmp-*' 2>/dev/null)" ]; }

run_ok() { # run_ok DIR ARGS... : a run that must succeed
    local dir=$1
    shift
    "$BIN" run "$@" -o "$dir" >"$TMP/stdout" 2>"$TMP/stderr"
    local rc=$?
    [ $rc -eq 0 ] || { echo "  exit $rc: $(head -3 "$TMP/stderr")"; return 1; }
}

run_fails() { # run_fails EXPECTED_RC DIR ARGS... : a run that must fail and leave no DIR
    local want=$1 dir=$2
    shift 2
    "$BIN" run "$@" -o "$dir" >"$TMP/stdout" 2>"$TMP/stderr"
    local rc=$?
    [ $rc -eq "$want" ] || { echo "  exit $rc, expected $want"; return 1; }
    [ ! -e "$dir" ] || { echo "  $dir was created"; return 1; }
    [ -s "$TMP/stderr" ] || { echo "  no message on stderr"; return 1; }
}

if [ ! -f "$SC" ]; then
    echo "note: $SC not found; nothing to test"
    echo "0 passed, 1 failed"
    exit 1
fi

# --- determinism -----------------------------------------------------------
check "run writes every file" run_ok "$TMP/a" "$SC" "${SMALL[@]}"
check "all files present, no temporaries left" eval 'has_files "$TMP/a" && no_temporaries "$TMP/a"'
check "no decisions.csv without --trace" test ! -e "$TMP/a/decisions.csv"
check "same seed twice: identical bytes" eval 'run_ok "$TMP/b" "$SC" "${SMALL[@]}" && same_dirs "$TMP/a" "$TMP/b"'
check "-j 1 vs -j 2: identical bytes" eval 'run_ok "$TMP/j2" "$SC" "${SMALL[@]}" -j 2 && same_dirs "$TMP/a" "$TMP/j2"'
check "-j 4 (more threads than replications): identical" eval 'run_ok "$TMP/j4" "$SC" "${SMALL[@]}" -j 4 && same_dirs "$TMP/a" "$TMP/j4"'
check "--trace leaves the other files unchanged" eval 'run_ok "$TMP/t" "$SC" "${SMALL[@]}" --trace -j 2 && same_except_trace "$TMP/a" "$TMP/t"'
check "--trace adds decisions.csv with rows" eval '[ "$(head -1 "$TMP/t/decisions.csv")" = "scenario,replication,time,buyer,segment,defer_utility,offers,choice,held,forced" ] && [ "$(wc -l <"$TMP/t/decisions.csv")" -gt 1 ]'
# A trace above the 4 MB spill threshold (decisions go through a temporary
# file): same bytes for -j 1 and -j 2, times ascending within a replication.
trace_spills() {
    local big=(--set buyers.count=10000 -r 2 --trace -q)
    run_ok "$TMP/tr1" "$SC" "${big[@]}" && run_ok "$TMP/tr2" "$SC" "${big[@]}" -j 2 &&
        same_dirs "$TMP/tr1" "$TMP/tr2" &&
        [ "$(wc -c <"$TMP/tr1/decisions.csv")" -gt 4194304 ] &&
        awk -F, 'NR > 1 { if ($2 == r && $3 + 0 < t) bad++; r = $2; t = $3 + 0 }
                 END { exit bad > 0 }' "$TMP/tr1/decisions.csv"
}
check "a large (spilled) trace is complete and ordered" trace_spills
check "a different seed changes market.csv" eval 'run_ok "$TMP/s2" "$SC" "${SMALL[@]}" -s 7 && ! cmp -s "$TMP/a/market.csv" "$TMP/s2/market.csv"'
check "rerunning scenario.resolved.cfg reproduces the run" eval 'run_ok "$TMP/re" "$TMP/a/scenario.resolved.cfg" -q && same_dirs "$TMP/a" "$TMP/re"'
check "the seed override is in the resolved config and manifest" eval 'run_ok "$TMP/s3" "$SC" "${SMALL[@]}" -s 12345678901234567890 && grep -q "^seed,12345678901234567890$" "$TMP/s3/manifest.csv" && run_ok "$TMP/s3re" "$TMP/s3/scenario.resolved.cfg" -q && same_dirs "$TMP/s3" "$TMP/s3re"'

# The locale must not reach the numbers. Use an installed decimal-comma
# locale, or build one into a private LOCPATH (no root needed).
LOC=""
if [ "$(LC_ALL=de_DE.UTF-8 locale decimal_point 2>/dev/null)" = "," ]; then
    LOC=de_DE.UTF-8
elif command -v localedef >/dev/null && mkdir -p "$TMP/locales" &&
    localedef -i de_DE -f UTF-8 "$TMP/locales/de_DE.UTF-8" >/dev/null 2>&1 &&
    [ "$(LOCPATH="$TMP/locales" LC_ALL=de_DE.UTF-8 locale decimal_point 2>/dev/null)" = "," ]; then
    LOC=de_DE.UTF-8
    LOCPATH_DE="$TMP/locales"
fi
locale_run() {
    env ${LOCPATH_DE:+LOCPATH="$LOCPATH_DE"} LC_ALL=$LOC LANG=$LOC \
        "$BIN" run "$SC" "${SMALL[@]}" -o "$TMP/de" >/dev/null 2>&1 && same_dirs "$TMP/a" "$TMP/de"
}
# the test command installs `locales`, so a decimal-comma locale can always be built
check "a decimal-comma locale is available (installed or built)" [ -n "$LOC" ]
[ -n "$LOC" ] && check "LC_ALL=$LOC (decimal comma) gives the same bytes" locale_run

# --- contents ---------------------------------------------------------------
check "market.csv header" test "$(head -1 "$TMP/a/market.csv")" = "scenario,replication,month,cloud,buyers,spend,share_spend,share_buyers"
check "products.csv header" test "$(head -1 "$TMP/a/products.csv")" = "scenario,replication,month,vendor,product,cloud,contracts,spend"
check "segments.csv header" test "$(head -1 "$TMP/a/segments.csv")" = "scenario,replication,month,segment,buyers,adopted,deferred,multicloud"
check "events.csv header" test "$(head -1 "$TMP/a/events.csv")" = "scenario,replication,time,event,subject,detail"
check "summary.csv header" test "$(head -1 "$TMP/a/summary.csv")" = "scenario,metric,subject,mean,sd,ci95_low,ci95_high,n"

# share_spend over the clouds of each (replication, month) sums to 1, or
# to 0 before any adoption; shares lie in [0, 1].
shares_sum_to_one() {
    awk -F, 'NR > 1 { k = $2 "," $3; s[k] += $7; b[k] += $8
                      if ($7 < 0 || $7 > 1 || $6 < 0) bad++ }
             END { for (k in s) {
                       if ((s[k] < 1 - 1e-6 || s[k] > 1 + 1e-6) && s[k] != 0) bad++
                       if ((b[k] < 1 - 1e-6 || b[k] > 1 + 1e-6) && b[k] != 0) bad++
                       n++ }
                   if (bad) print "  " bad " bad (replication, month) groups"
                   exit !(n > 0 && bad == 0) }' "$1/market.csv"
}
check "shares per (replication, month) sum to 1" shares_sum_to_one "$TMP/a"
check "market.csv has all 3 replications in order" eval '[ "$(awk -F, "NR > 1 { print \$2 }" "$TMP/a/market.csv" | uniq | tr "\n" " ")" = "0 1 2 " ]'
check "summary: n = 3 for final_share_spend" eval 'awk -F, "\$2 == \"final_share_spend\" { c++; if (\$8 != 3) bad++ } END { exit !(c > 0 && !bad) }" "$TMP/a/summary.csv"'
check "manifest records seed, replications and generator" eval 'grep -q "^replications,3$" "$TMP/a/manifest.csv" && grep -q "^generator,philox4x32-10$" "$TMP/a/manifest.csv" && grep -q "^seed," "$TMP/a/manifest.csv"'
check "no comment lines in any CSV" eval '! grep -l "^#" "$TMP"/a/*.csv'
check "stdout table unless --quiet" eval '"$BIN" run "$SC" --set buyers.count=2000 -r 2 -o "$TMP/tbl" >"$TMP/table" 2>/dev/null && grep -q "final share of AI spend by cloud" "$TMP/table" && grep -q "deferral rate by segment" "$TMP/table"'
check "--quiet prints nothing on stdout" test ! -s "$TMP/stdout"
check "default DIR is out/<scenario name>" eval 'mkdir -p "$TMP/cwd" && (cd "$TMP/cwd" && "$BIN" run "$SC" "${SMALL[@]}" >/dev/null 2>&1) && has_files "$TMP/cwd/out/frontier_dispute"'
check "a run without --trace removes a stale decisions.csv" eval 'cp -r "$TMP/t" "$TMP/stale" && run_ok "$TMP/stale" "$SC" "${SMALL[@]}" && [ ! -e "$TMP/stale/decisions.csv" ] && same_dirs "$TMP/a" "$TMP/stale"'

# --- errors leave nothing -----------------------------------------------------
check "unknown flag: exit 2, no DIR" run_fails 2 "$TMP/bad1" "$SC" --bogus
check "bad --set value: exit 2, no DIR" run_fails 2 "$TMP/bad2" "$SC" --set buyers.count=abc
check "unknown --set key: exit 2, no DIR" run_fails 2 "$TMP/bad3" "$SC" --set no_such.key=1
check "--set without '=': exit 2, no DIR" run_fails 2 "$TMP/bad4" "$SC" --set buyers.count
check "-j 0: exit 2, no DIR" run_fails 2 "$TMP/bad5" "$SC" -j 0
check "-r x: exit 2, no DIR" run_fails 2 "$TMP/bad6" "$SC" -r x
check "missing scenario file: exit 2, no DIR" run_fails 2 "$TMP/bad7" "$TMP/nonexistent.cfg"
check "two scenario files: exit 2, no DIR" run_fails 2 "$TMP/bad8" "$SC" "$SC"
check "nested default parents are not created on error" eval '(cd "$TMP" && mkdir -p cwd2 && cd cwd2 && "$BIN" run "$SC" --bogus >/dev/null 2>&1; [ $? -eq 2 ] && [ ! -e out ])'
# A write failure (file-size limit -> EFBIG) fails the run with exit 1
# and leaves neither files nor the directory.
check "write failure: exit 1, no partial files" eval '(ulimit -f 16; run_fails 1 "$TMP/full" "$SC" "${SMALL[@]}")'
check "write failure keeps an older complete run intact" eval 'cp -r "$TMP/a" "$TMP/old" && (ulimit -f 16; "$BIN" run "$SC" "${SMALL[@]}" -s 99 -o "$TMP/old" >/dev/null 2>&1; [ $? -eq 1 ]) && same_dirs "$TMP/a" "$TMP/old" && no_temporaries "$TMP/old"'

# SIGINT while replications run: exit 130, nothing committed.
interrupted() {
    "$BIN" run "$SC" --set buyers.count=20000 -r 400 -j 2 -q -o "$TMP/int" >/dev/null 2>&1 &
    local pid=$!
    sleep 1
    kill -INT $pid
    wait $pid
    local rc=$?
    [ $rc -eq 130 ] || { echo "  exit $rc, expected 130"; return 1; }
    [ ! -e "$TMP/int" ] || { echo "  $TMP/int exists"; return 1; }
}
check "SIGINT: exit 130, nothing written" interrupted

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
