#!/usr/bin/env bash
# test_validate.sh - `marketsim validate` and `marketsim schema` end to end.
#
# usage: test_validate.sh MARKETSIM_BINARY SOURCE_DIR
# Every library scenario validates with a summary; --print-config output is
# itself valid and a fixed point (resolve(resolve(x)) == resolve(x));
# --set changes the summary; docs/scenario-reference.md equals
# `marketsim schema --markdown` (the reference cannot drift from the schema).
set -u
BIN=$1
SRC=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }

for name in baseline frontier_dispute settlement_carveout litigation_injunction \
            restricted_routing full_exclusivity open_multicloud microsoft_diversifies \
            history_2025_2026 history_2024_2026; do
    f=$SRC/scenarios/$name.cfg
    [ -f "$f" ] || { bad "$name.cfg missing"; continue; }
    if "$BIN" validate "$f" >"$TMP/out" 2>"$TMP/err" && grep -q "^  name  *$name$" "$TMP/out" &&
        grep -q "^  tasks  *20 " "$TMP/out" && [ ! -s "$TMP/err" ]; then ok; else
        bad "$name: validate"; cat "$TMP/out" "$TMP/err"; fi
    "$BIN" validate "$f" --print-config >"$TMP/r1.cfg" 2>"$TMP/err" || bad "$name: --print-config"
    "$BIN" validate "$TMP/r1.cfg" --print-config >"$TMP/r2.cfg" 2>>"$TMP/err" ||
        bad "$name: resolved config does not validate"
    if cmp -s "$TMP/r1.cfg" "$TMP/r2.cfg"; then ok; else bad "$name: resolved config is not a fixed point"; fi
    if grep -q '^@include' "$TMP/r1.cfg"; then bad "$name: resolved config has an @include"; else ok; fi
done

# the summary reflects --set, including keys the file leaves at their default
"$BIN" validate "$SRC/scenarios/baseline.cfg" --set buyers.count=5000 --set sim.replications=3 \
    --set clouds.gcp.capacity=100 >"$TMP/out" 2>&1
if grep -q "buyers  *5000 in" "$TMP/out" && grep -q "tasks  *3 " "$TMP/out"; then ok; else
    bad "--set not reflected"; cat "$TMP/out"; fi
"$BIN" validate "$SRC/scenarios/baseline.cfg" --set clouds.gcp.capacity=100 --print-config |
    grep -A4 '^  gcp = {' | grep -q 'capacity = 100.0;' && ok || bad "--set absent key not in --print-config"

# usage errors exit 2; --help exits 0
"$BIN" validate >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "no scenario should exit 2"
"$BIN" validate a.cfg b.cfg >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "two scenarios should exit 2"
"$BIN" validate --bogus x.cfg >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "unknown option should exit 2"
"$BIN" validate "$TMP/none.cfg" >/dev/null 2>"$TMP/err"; rc=$?
[ $rc -eq 2 ] && grep -q "none.cfg: error: cannot open" "$TMP/err" && ok || bad "missing file: exit $rc"
"$BIN" validate --help | grep -q "usage: marketsim validate" && ok || bad "validate --help"
"$BIN" schema --help | grep -q "usage: marketsim schema" && ok || bad "schema --help"
"$BIN" schema --bogus >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "schema --bogus should exit 2"

# schema: text lists every key; the Markdown reference is the committed doc
"$BIN" schema >"$TMP/schema.txt" || bad "schema failed"
for key in sim.seed sim.horizon_months sim.replications buyers.count buyers.initial_adoption \
           'clouds.<id>.initial_share' 'vendors.<id>.initial_share' dispute.enabled \
           dispute.outcome dispute.p_amend 'regimes.<id>.rules.[].state' 'events.[].type'; do
    grep -qF "  $key " "$TMP/schema.txt" && ok || bad "schema lacks $key"
done
"$BIN" schema --markdown >"$TMP/ref.md" || bad "schema --markdown failed"
if diff -u "$SRC/docs/scenario-reference.md" "$TMP/ref.md" >"$TMP/diff"; then ok; else
    bad "docs/scenario-reference.md drifted from the schema; regenerate with:" \
        "marketsim schema --markdown > docs/scenario-reference.md"
    head -20 "$TMP/diff"
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
