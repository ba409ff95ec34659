#!/usr/bin/env bash
# test_after.sh - events that follow the dispute (events.[].after).
#
# usage: bash test_after.sh MARKETSIM_BINARY SOURCE_DIR
# On the Frontier dispute (30 replications, 2,000 buyers): a price change
# 2.5 months after dispute_filed fires exactly then in every replication
# that files and never in the others; forcing dispute.outcome=amended
# removes it everywhere; a launch that waits for dispute_settled keeps the
# product without contracts until the settlement (and for good where there
# is none); the resolved configuration keeps `after` (same events).
set -u
BIN=${1:?usage: test_after.sh MARKETSIM_BINARY SOURCE_DIR}
SRC=${2:?usage: test_after.sh MARKETSIM_BINARY SOURCE_DIR}
SRC=$(cd "$SRC" && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ms_test_after.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export LC_ALL=C
# shellcheck source=lib.sh
source "$SRC/tests/cli/lib.sh"

cat >"$TMP/after.cfg" <<CFG
@include "$SRC/scenarios/frontier_dispute.cfg"
sim = { name = "after"; };
products = { claude_agents = { launch_month = 1200; }; };
events = (
  { month = 2.5; type = "price_change"; product = "frontier"; cloud = "aws"; value = 0.9;
    after = "dispute_filed"; },
  { month = 0.0; type = "launch"; product = "claude_agents"; after = "dispute_settled"; },
  { month = 6.0; type = "clarifying_statement"; value = 0.5; after = "dispute_threat"; }
);
CFG
RUN=(-r 30 --set buyers.count=2000 -q)
"$BIN" run "$TMP/after.cfg" -o "$TMP/a" "${RUN[@]}" || bad "run after.cfg"
"$BIN" run "$TMP/after.cfg" -o "$TMP/amended" "${RUN[@]}" --set dispute.outcome=amended ||
    bad "run after.cfg, amended"

# Per replication: filing time, price-change times; every price change is
# the one 2.5 months after a filing, and every filing within the horizon
# has it. Prints "filed unfiled" counts on success.
price_follows_filing() {
    awk -F, 'NR > 1 {
        if ($4 == "dispute_filed") filed[$2] = $3
        if ($4 == "price_change") { n[$2]++; t[$2] = $3 }
        reps[$2] = 1
    } END {
        for (r in reps) {
            if (r in filed) {
                want = filed[r] + 2.5
                if (want <= 60 && (n[r] != 1 || (t[r] - want)^2 > 1e-12)) { print "rep " r; exit 1 }
                if (want > 60 && n[r] != 0) { print "rep " r " late"; exit 1 }
                f++
            } else {
                if (n[r] != 0) { print "rep " r " unfiled"; exit 1 }
                u++
            }
        }
        print f + 0, u + 0
    }' "$1/events.csv"
}
counts=$(price_follows_filing "$TMP/a")
check "a price change fires 2.5 months after every filing, never without one ($counts)" \
    test $? -eq 0
check "both kinds of replication occur (filed, not filed)" \
    awk -v c="$counts" 'BEGIN { split(c, a, " "); exit !(a[1] > 0 && a[2] > 0) }'
check "forced amendment: no filing, no price change" \
    test "$(grep -cE ',(dispute_filed|price_change),' "$TMP/amended/events.csv")" -eq 0
check "forced amendment: the statement after the threat still fires in all 30" \
    test "$(grep -c ',6,clarifying_statement,' "$TMP/amended/events.csv")" -eq 30
check "the statement fires 6 months after the threat in all 30 (stochastic)" \
    test "$(grep -c ',6,clarifying_statement,' "$TMP/a/events.csv")" -eq 30

# The waiting launch: one launch row per settlement, at its time, and no
# claude_agents contract in a month before it (none at all without one).
check "one launch per settlement, at the settlement" awk -F, '
    FNR == 1 { next }
    $4 == "dispute_settled" { s[$2] = $3; ns++ }
    $4 == "launch" { if ($5 != "claude_agents" || !($2 in s) || s[$2] != $3) exit 1; nl++ }
    END { exit !(ns > 0 && ns == nl) }' "$TMP/a/events.csv"
check "no claude_agents contract before the settlement" awk -F, '
    FNR == NR { if ($4 == "dispute_settled") s[$2] = $3; next }
    FNR == 1 { next }
    $5 == "claude_agents" && $7 > 0 { if (!($2 in s) || $3 < s[$2]) exit 1; seen++ }
    END { exit !(seen > 0) }' "$TMP/a/events.csv" "$TMP/a/products.csv"
check "a forced amendment never launches it" \
    test "$(grep -c ',claude_agents,' "$TMP/amended/products.csv")" -eq 0

# The resolved configuration keeps `after` and reproduces the run.
check "scenario.resolved.cfg keeps after" grep -q 'after = "dispute_filed"' "$TMP/a/scenario.resolved.cfg"
"$BIN" run "$TMP/a/scenario.resolved.cfg" -o "$TMP/b" -r 30 -q || bad "run resolved"
check "the resolved configuration gives the same events" cmp -s "$TMP/a/events.csv" "$TMP/b/events.csv"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
