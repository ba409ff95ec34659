#!/usr/bin/env bash
# test_set_ranges.sh - integers given with --set at the edges of their
# types: a 64-bit seed takes every value from 0 to 2^64-1 and refuses 2^64
# and beyond (never wrapped or clamped to a valid seed); a 32-bit or signed
# 64-bit key refuses values past its type. Exit 2 and a message naming
# the key, as for any bad value.
# usage: bash test_set_ranges.sh MARKETSIM_BINARY SOURCE_DIR
set -u
BIN=${1:?usage: test_set_ranges.sh MARKETSIM_BINARY SOURCE_DIR}
SRC=${2:?usage: test_set_ranges.sh MARKETSIM_BINARY SOURCE_DIR}
SRC=$(cd "$SRC" && pwd)
# shellcheck source=lib.sh
source "$SRC/tests/cli/lib.sh"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ms_ranges.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export LC_ALL=C
S=$SRC/scenarios/baseline.cfg

accepts() { "$BIN" validate "$S" --set "$1" > /dev/null 2>&1; }
refuses() { # refuses KEY=VALUE: exit 2, one message naming the key
    "$BIN" validate "$S" --set "$1" > /dev/null 2> "$TMP/err"
    [ $? -eq 2 ] && grep -q "${1%%=*}" "$TMP/err"
}
check "sim.seed=0 accepted" accepts sim.seed=0
check "sim.seed=2^64-1 accepted" accepts sim.seed=18446744073709551615
check "sim.seed=2^64 refused" refuses sim.seed=18446744073709551616
check "sim.seed=10^30 refused" refuses sim.seed=1000000000000000000000000000000
check "buyers.count=2^63 refused" refuses buyers.count=9223372036854775808
check "buyers.count=-2^63-1 refused" refuses buyers.count=-9223372036854775809

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
