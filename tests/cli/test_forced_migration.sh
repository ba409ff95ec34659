#!/usr/bin/env bash
# test_forced_migration.sh - terminating rules (regimes.<id>.rules.[].terminate).
#
# usage: bash test_forced_migration.sh MARKETSIM_BINARY SOURCE_DIR
# scenarios/forced_migration.cfg (an injunction whose rule ends Frontier on
# AWS's contracts), 12 replications of 2,000 buyers, against the same file
# with terminate = false: no contract holds the offer from the end of the
# migration window on (every replication, every month), while without it
# contracts run on; forced_migration_rate = the trace's forced decisions
# per adopted buyer; both runs are identical up to the window's end
# (common random numbers); the forced_migration row comes at the window's
# end; a non-blocked terminating rule is refused.
set -u
BIN=${1:?usage: test_forced_migration.sh MARKETSIM_BINARY SOURCE_DIR}
SRC=${2:?usage: test_forced_migration.sh MARKETSIM_BINARY SOURCE_DIR}
SRC=$(cd "$SRC" && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ms_test_forced.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export LC_ALL=C
# shellcheck source=lib.sh
source "$SRC/tests/cli/lib.sh"

SC=$SRC/scenarios/forced_migration.cfg
RUN=(-r 12 --set buyers.count=2000 --trace -q)
"$BIN" run "$SC" -o "$TMP/f" "${RUN[@]}" || bad "run forced_migration.cfg"
"$BIN" run "$SC" -o "$TMP/n" "${RUN[@]}" --set 'regimes.RI.rules[2].terminate=false' ||
    bad "run with terminate = false"
W=$(awk -F' *= *' '/^ *migration_months/ { gsub(/;/, "", $2); print $2 }' "$TMP/f/scenario.resolved.cfg")
check "the migration window is in the resolved file ($W months)" test -n "$W"

# window end per replication: the switch to RI + W
ends() { awk -F, -v w="$W" '$4 == "regime_change" && $5 == "RI" { printf "%s,%.12g\n", $2, $3 + w }' "$1/events.csv"; }
ends "$TMP/f" >"$TMP/ends"
check "every replication switches to RI" test "$(wc -l <"$TMP/ends")" -eq 12

no_holder_after() { # DIR: no frontier@aws contract in a month at or after the window's end
    awk -F, 'FNR == NR { e[$1] = $2; next }
        FNR > 1 && $5 == "frontier" && $6 == "aws" && $7 > 0 && $3 >= e[$2] { bad++ }
        END { exit bad > 0 }' "$TMP/ends" "$1/products.csv"
}
check "terminate: no contract holds Frontier on AWS after the window (every rep, month)" \
    no_holder_after "$TMP/f"
holds_after() { ! no_holder_after "$1"; }
check "no terminate: contracts run on after the window" holds_after "$TMP/n"
check "terminate: contracts held it before the switch" \
    awk -F, '$5 == "frontier" && $6 == "aws" && $7 > 0 { n++ } END { exit !(n > 0) }' "$TMP/f/products.csv"

check "one forced_migration row per replication, at the window's end" awk -F, '
    FNR == NR { e[$1] = $2; next }
    $4 == "forced_migration" { if ($5 != "frontier" || ($3 - e[$2])^2 > 1e-12 || $6 <= 0) exit 1; n++ }
    END { exit n != 12 }' "$TMP/ends" "$TMP/f/events.csv"
check "no forced_migration without terminate" test "$(grep -c ',forced_migration,' "$TMP/n/events.csv")" -eq 0
check "no forced_migration_rate without terminate" test "$(grep -c forced_migration_rate "$TMP/n/summary.csv")" -eq 0

# forced_migration_rate = forced decisions of the trace / adopted buyers
# (last month), replication by replication; summary.csv holds their mean
check "forced_migration_rate = forced decisions (trace) / adopted buyers" awk -F, '
    FILENAME ~ /segments/ { if (FNR > 1 && $3 == 60) ad[$2] += $6; next }
    FILENAME ~ /decisions/ { if (FNR > 1 && $NF == 1) forced[$2]++; next }
    FILENAME ~ /summary/ { if ($2 == "forced_migration_rate") mean = $4; next }
    END {
        for (r in ad) { sum += forced[r] / ad[r]; n++; tot += forced[r] }
        d = sum / n - mean
        exit !(n == 12 && tot > 0 && d * d < 1e-18)
    }' "$TMP/f/segments.csv" "$TMP/f/decisions.csv" "$TMP/f/summary.csv"

# common random numbers: identical up to the window's end
before() { # DIR FILE TIMECOL: rows dated before their replication's window end
    awk -F, -v c="$3" 'FNR == NR { e[$1] = $2; next } FNR > 1 && $c < e[$2]' "$TMP/ends" "$1/$2"
}
for f in events.csv decisions.csv; do
    check "terminate false vs true: $f identical before the window's end" \
        cmp -s <(before "$TMP/f" $f 3) <(before "$TMP/n" $f 3)
done
check "... and there are such rows" test "$(before "$TMP/f" decisions.csv 3 | wc -l)" -gt 100
check "terminate false vs true: products.csv identical before the window's end" \
    cmp -s <(before "$TMP/f" products.csv 3) <(before "$TMP/n" products.csv 3)

# a terminating rule must block
cat >"$TMP/bad.cfg" <<CFG
@include "$SRC/scenarios/common.cfg"
regimes = { R3 = { rules = ( { product = "frontier"; state = "contested"; terminate = true; } ); }; };
CFG
"$BIN" validate "$TMP/bad.cfg" >/dev/null 2>"$TMP/err"
rc=$?
check "a contested terminating rule: exit 2" test $rc -eq 2
check "... naming file:line and key" grep -qF "bad.cfg:2: error: regimes.R3.rules[0].terminate: only a blocked rule" "$TMP/err"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
