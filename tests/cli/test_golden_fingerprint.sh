#!/usr/bin/env bash
# test_golden_fingerprint.sh - event-trace fingerprints (docs/engine.md):
# a 64-bit hash of every event's (time, type, target) in order. The stored
# values (tests/golden/fingerprints.txt) catch a change to the simulation's
# path even when every summary figure happens to agree; the other checks
# hold whatever the model does: the fingerprint is the one in manifest.csv,
# and threads and --trace never change it, while the seed does.
# A meant change: MS_UPDATE_GOLDEN=1 ctest -R golden (as for test_golden.sh).
# usage: bash test_golden_fingerprint.sh MARKETSIM_BINARY SOURCE_DIR
set -u
BIN=${1:?usage: test_golden_fingerprint.sh MARKETSIM_BINARY SOURCE_DIR}
SRC=${2:?usage: test_golden_fingerprint.sh MARKETSIM_BINARY SOURCE_DIR}
SRC=$(cd "$SRC" && pwd)
# shellcheck source=lib.sh
source "$SRC/tests/cli/lib.sh"
G="$SRC/tests/golden/fingerprints.txt"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ms_fp.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export LC_ALL=C

fp_of() { # fp_of SCENARIO OUTDIR [ARGS...]: the printed fingerprint
    local s=$1 o=$2
    shift 2
    "$BIN" run "$SRC/scenarios/$s.cfg" --set buyers.count=1000 -r 2 -q --fingerprint \
        -o "$o" "$@" | sed -n 's/^fingerprint: //p'
}

for s in baseline frontier_dispute litigation_injunction history_2025_2026 microsoft_diversifies; do
    fp=$(fp_of "$s" "$TMP/$s")
    echo "$s $fp" >> "$TMP/fingerprints.txt"
    check "$s: --fingerprint prints 16 hex digits" grep -qE '^[0-9a-f]{16}$' <<< "$fp"
    check "$s: manifest.csv records the printed fingerprint" \
        grep -qx "fingerprint,$fp" "$TMP/$s/manifest.csv"
done
fp=$(sed -n 's/^frontier_dispute //p' "$TMP/fingerprints.txt")
check "-j 2 --trace: same fingerprint" \
    test "$(fp_of frontier_dispute "$TMP/j2" -j 2 --trace)" = "$fp"
check "another seed: another fingerprint" \
    test "$(fp_of frontier_dispute "$TMP/s2" -s 12345)" != "$fp"
check "one replication fewer: another fingerprint" \
    test "$(fp_of frontier_dispute "$TMP/r1" -r 1)" != "$fp"
check "PHOLD: bench phold prints a fingerprint that repeats" test \
    "$("$BIN" bench phold --lps 64 --end-time 20 | grep '^fingerprint:')" = \
    "$("$BIN" bench phold --lps 64 --end-time 20 | grep '^fingerprint:')"
"$BIN" bench phold --lps 256 --events-per-lp 4 --end-time 40 -s 7 |
    sed -n 's/^fingerprint: /phold /p' >> "$TMP/fingerprints.txt"

if [ -n "${MS_UPDATE_GOLDEN:-}" ]; then
    cp "$TMP/fingerprints.txt" "$G"
    ok "updated $(basename "$G")"
elif cmp -s "$G" "$TMP/fingerprints.txt"; then
    ok "fingerprints match tests/golden/fingerprints.txt"
else
    cp "$TMP/fingerprints.txt" "$G.UPDATED"
    bad "fingerprints differ from the golden copy (new ones: $G.UPDATED)"
    diff "$G" "$TMP/fingerprints.txt"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
