#!/usr/bin/env bash
# test_include_depth.sh - @include chains: a few levels load, a chain
# deeper than the loader's limit (6) is refused with its own message (a
# cycle of includes is the usual cause), never followed without end.
# usage: bash test_include_depth.sh MARKETSIM_BINARY SOURCE_DIR
set -u
BIN=${1:?usage: test_include_depth.sh MARKETSIM_BINARY SOURCE_DIR}
SRC=${2:?usage: test_include_depth.sh MARKETSIM_BINARY SOURCE_DIR}
SRC=$(cd "$SRC" && pwd)
# shellcheck source=lib.sh
source "$SRC/tests/cli/lib.sh"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ms_include.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export LC_ALL=C

chain() { # chain N: DIR/top.cfg includes l1.cfg ... lN.cfg, which includes the baseline
    local n=$1 d=$TMP/chain$1 i
    mkdir -p "$d"
    echo "@include \"l1.cfg\"" > "$d/top.cfg"
    for ((i = 1; i < n; i++)); do echo "@include \"l$((i + 1)).cfg\"" > "$d/l$i.cfg"; done
    echo "@include \"$SRC/scenarios/baseline.cfg\"" > "$d/l$n.cfg"
    echo "$d/top.cfg"
}

top=$(chain 3)
"$BIN" validate "$top" > /dev/null 2> "$TMP/err"
check "a 3-level include chain validates" [ $? -eq 0 ]
top=$(chain 10)
"$BIN" validate "$top" > /dev/null 2> "$TMP/err"
check "a 10-level include chain: exit 2" [ $? -eq 2 ]
check "... refused as nested too deeply" grep -q "includes nested too deeply (at most 6 levels" "$TMP/err"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
