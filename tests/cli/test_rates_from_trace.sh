#!/usr/bin/env bash
# test_rates_from_trace.sh - the churn rates of summary.csv recomputed from
# the raw outputs, by their definitions (docs/model.md, docs/outputs.md):
#   cloud_switch_rate  = renewals in decisions.csv (--trace) whose choice is
#                        on another cloud than the offer held, per adopted
#                        buyer-year; buyer-years = the adopted buyers of
#                        segments.csv summed over months 1..horizon, / 12
#   vendor_switch_rate = the same for the product's vendor
#                        (scenario.resolved.cfg maps products to vendors)
#   multicloud_rate    = multicloud / adopted at the last month
# each per replication, then averaged as summary.csv does. A model that
# counted switches wrongly, counted month 0's buyers as time spent, or
# mislabelled multi-homing shows here whatever its headline figures say.
# usage: bash test_rates_from_trace.sh MARKETSIM_BINARY SOURCE_DIR
set -u
BIN=${1:?usage: test_rates_from_trace.sh MARKETSIM_BINARY SOURCE_DIR}
SRC=${2:?usage: test_rates_from_trace.sh MARKETSIM_BINARY SOURCE_DIR}
SRC=$(cd "$SRC" && pwd)
# shellcheck source=lib.sh
source "$SRC/tests/cli/lib.sh"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ms_rates.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export LC_ALL=C

# 12-month terms: plenty of renewals in 36 months; no capacity caps (a
# capped switch is decided again the next month, see docs/outputs.md)
"$BIN" run "$SRC/scenarios/baseline.cfg" --set buyers.count=3000 --set decision.term_months=12 \
    --set sim.horizon_months=36 -r 3 -q --trace -o "$TMP/run"
check "traced run exits 0" [ $? -eq 0 ]
check "no capacity cap in the scenario" \
    python3 -c 'import re,sys; sys.exit(any(float(v) > 0 for v in re.findall(r"capacity = ([0-9.eE+-]+);", open(sys.argv[1]).read())))' \
    "$TMP/run/scenario.resolved.cfg"

python3 - "$TMP/run" > "$TMP/rates.txt" << 'PYEOF'
import csv, re, sys
d = sys.argv[1]
cfg = open(d + '/scenario.resolved.cfg').read()
block = cfg[cfg.index('\nproducts = {'):]
vendor = dict(re.findall(r'^  (\w+) = \{\n    vendor = "(\w+)";', block, re.M))
horizon = int(re.search(r'horizon_months = (\d+);', cfg).group(1))
reps = {}
def rep(r):
    return reps.setdefault(r, {'clouds': 0, 'vendors': 0, 'renewals': 0, 'months': 0.0,
                               'multi': 0.0, 'adopted': 0.0})
for row in csv.DictReader(open(d + '/decisions.csv')):
    x = rep(row['replication'])
    if not row['held'] or row['choice'] == 'defer':
        continue
    x['renewals'] += 1
    (p0, c0), (p1, c1) = row['held'].split('@'), row['choice'].split('@')
    x['clouds'] += c0 != c1
    x['vendors'] += vendor[p0] != vendor[p1]
for row in csv.DictReader(open(d + '/segments.csv')):
    x = rep(row['replication'])
    m = int(row['month'])
    if m >= 1:
        x['months'] += float(row['adopted'])
    if m == horizon:
        x['multi'] += float(row['multicloud'])
        x['adopted'] += float(row['adopted'])
n = len(reps)
mean = lambda f: sum(f(x) for x in reps.values()) / n
print('cloud_switch_rate %.12g' % mean(lambda x: x['clouds'] / (x['months'] / 12)))
print('vendor_switch_rate %.12g' % mean(lambda x: x['vendors'] / (x['months'] / 12)))
print('multicloud_rate %.12g' % mean(lambda x: x['multi'] / x['adopted']))
print('renewals %d' % min(x['renewals'] for x in reps.values()))
print('switches %d' % min(x['clouds'] for x in reps.values()))
PYEOF
check "rates recomputed" [ -s "$TMP/rates.txt" ]
cat "$TMP/rates.txt"
got() { awk -v k="$1" '$1 == k { print $2 }' "$TMP/rates.txt"; }
summary() { awk -F, -v m="$1" '$2 == m && $3 == "all" { print $4 }' "$TMP/run/summary.csv"; }
close() { # close A B: equal to summary.csv's 10 significant digits
    awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(b != "" && d <= 1e-9 * (a < 0 ? -a : a) + 1e-12) }'
}
check "every replication renews contracts ($(got renewals) at least)" [ "$(got renewals)" -ge 100 ]
check "every replication switches clouds ($(got switches) at least)" [ "$(got switches)" -ge 1 ]
for m in cloud_switch_rate vendor_switch_rate multicloud_rate; do
    check "$m: summary.csv $(summary $m), recomputed $(got $m)" close "$(got $m)" "$(summary $m)"
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
