#!/usr/bin/env bash
# test_golden.sh - golden outputs: a small run of the default scenario and a
# small PHOLD run must give exactly the stored bytes (tests/golden/). Any
# change to the model's trajectory, the random streams or the event order
# shows here. When a change is meant, look at the differences, then
# regenerate:  MS_UPDATE_GOLDEN=1 bash tests/cli/test_golden.sh BUILD/marketsim .
# (on a mismatch the new files are also left as *.UPDATED for review).
#
# Goldens are tied to this platform (Debian 12, x86-64, glibc's libm):
# another libm may round a last digit differently (see docs/outputs.md).
# usage: bash test_golden.sh MARKETSIM_BINARY SOURCE_DIR
set -u
BIN=${1:?usage: test_golden.sh MARKETSIM_BINARY SOURCE_DIR}
SRC=${2:?usage: test_golden.sh MARKETSIM_BINARY SOURCE_DIR}
SRC=$(cd "$SRC" && pwd)
# shellcheck source=lib.sh
source "$SRC/tests/cli/lib.sh"
G="$SRC/tests/golden"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ms_golden.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export LC_ALL=C

"$BIN" run "$SRC/scenarios/frontier_dispute.cfg" --set buyers.count=1500 -r 3 -q \
    -o "$TMP/frontier_small" >/dev/null
"$BIN" bench phold --lps 256 --events-per-lp 4 --end-time 40 -s 7 |
    grep -E '^(lps|events_per_lp|end_time|mean|lookahead|seed|events|pending|checksum):' \
    > "$TMP/phold.txt"

compare() { # GOLDEN NEW
    if [ -n "${MS_UPDATE_GOLDEN:-}" ]; then
        cp "$2" "$1"
        ok "updated $(basename "$1")"
    elif cmp -s "$1" "$2"; then
        ok "$(basename "$(dirname "$1")")/$(basename "$1") matches the golden copy"
    else
        cp "$2" "$1.UPDATED"
        bad "$(basename "$1") differs from the golden copy (new one: $1.UPDATED)"
        diff "$1" "$2" | head -5
    fi
}
for f in market.csv segments.csv events.csv summary.csv; do
    compare "$G/frontier_small/$f" "$TMP/frontier_small/$f"
done
compare "$G/phold.txt" "$TMP/phold.txt"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
