#!/usr/bin/env bash
# test_io_failure.sh - a disk that fails at commit time. An LD_PRELOAD shim
# (tests/shim/eio_shim.c, path in MS_EIO_SHIM) makes fsync or rename fail
# with EIO; run, sweep and merge must then exit 1 with one error line
# naming the file and the error, leave no final file and no temporary
# behind, and leave an earlier complete set as it was. A commit that
# renamed without fsync'ing first would "succeed" here: the test would see
# exit 0 and files.
# usage: bash test_io_failure.sh MARKETSIM_BINARY SOURCE_DIR  (MS_EIO_SHIM set)
set -u
BIN=${1:?usage: test_io_failure.sh MARKETSIM_BINARY SOURCE_DIR}
SRC=${2:?usage: test_io_failure.sh MARKETSIM_BINARY SOURCE_DIR}
SHIM=${MS_EIO_SHIM:?MS_EIO_SHIM must name the shim library (ctest sets it)}
SRC=$(cd "$SRC" && pwd)
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
# shellcheck source=lib.sh
source "$SRC/tests/cli/lib.sh"
T=$(mktemp -d "${TMPDIR:-/tmp}/ms_eio.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
export LC_ALL=C
# an ASan build wants its runtime first among the libraries; the shim is
# built without instrumentation, so the order does not matter here
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
S=$SRC/scenarios/frontier_dispute.cfg
RUN=(run "$S" --set buyers.count=300 -r 2 -q)
SWEEP=(sweep "$S" --set buyers.count=200 --vary dispute.p_amend=0.3,0.7 -r 2 -q)

failing() { # failing CALLS [AFTER] CMD...: runs the binary with the shim on
    local calls=$1 after=$2
    shift 2
    LD_PRELOAD=$SHIM MS_EIO_FAIL=$calls MS_EIO_AFTER=$after "$BIN" "$@"
}
nothing_in() { [ ! -e "$1" ] || [ -z "$(ls -A "$1")" ]; }
one_error() { # one_error FILE WHAT: a single line naming WHAT and EIO
    [ "$(wc -l < "$1")" -eq 1 ] && grep -q "$2" "$1" && grep -q "Input/output error" "$1"
}

# the shim does nothing unless asked
LD_PRELOAD=$SHIM "$BIN" "${RUN[@]}" -o plain
check "shim loaded, nothing asked: run succeeds" [ -f plain/manifest.csv ]

for calls in fsync rename; do
    failing $calls 0 "${RUN[@]}" -o "run_$calls" 2> err.txt
    check "run, $calls fails: exit 1" [ $? -eq 1 ]
    check "run, $calls fails: one error line with the cause" one_error err.txt manifest.csv\\\|market.csv
    check "run, $calls fails: no directory left" nothing_in "run_$calls"

    cp -r plain "old_$calls"
    failing $calls 0 "${RUN[@]}" -s 99 -o "old_$calls" 2> err.txt
    check "run over an old set, $calls fails: exit 1" [ $? -eq 1 ]
    check "run over an old set, $calls fails: old set unchanged, no temporaries" \
        diff -r plain "old_$calls"

    failing $calls 0 "${SWEEP[@]}" -o "sweep_$calls" 2> err.txt
    check "sweep, $calls fails: exit 1" [ $? -eq 1 ]
    check "sweep, $calls fails: one error line with the cause" one_error err.txt sweep
    check "sweep, $calls fails: no final file, no temporary" \
        [ -z "$(find "sweep_$calls" -type f ! -name .sweep.journal 2> /dev/null)" ]
done

# merge: three parts written normally, the merge's commit fails
for k in 0 1 2; do
    "$BIN" "${SWEEP[@]}" --shard $k/3 -o parts || bad "shard $k"
done
for calls in fsync rename; do
    cp -r parts "merge_$calls"
    failing $calls 0 merge "merge_$calls" 2> err.txt
    check "merge, $calls fails: exit 1" [ $? -eq 1 ]
    check "merge, $calls fails: one error line with the cause" one_error err.txt sweep
    check "merge, $calls fails: only the parts remain" diff -r parts "merge_$calls"
done

# a rename failing after the first one succeeded, into an empty directory:
# what was renamed stays, but without manifest.csv the set is not complete
failing rename 1 "${RUN[@]}" -o late 2> err.txt
check "run, second rename fails: exit 1" [ $? -eq 1 ]
check "run, second rename fails: no manifest.csv" [ ! -e late/manifest.csv ]
check "run, second rename fails: no temporaries" \
    [ -z "$(find late -name '.*.tmp-*' 2> /dev/null)" ]

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
