#!/usr/bin/env bash
# market_scale.sh - the market model's cost per buyer-month as buyers grow
# from 10^4 to 10^6 (5 years, one replication, one thread). Prints each
# run's figures, then the time ratio of the 10^6 run to the 10^5 run
# (flat cost per buyer-month would give 10).
# usage: tests/bench/market_scale.sh [BUILD_DIR] [YEARS]
set -euo pipefail
B=${1:-build}
Y=${2:-5}
declare -A secs
for n in 10000 100000 1000000; do
    out=$("$B/marketsim" bench market --buyers "$n" --years "$Y")
    echo "$out" | tr '\n' ' '
    echo
    secs[$n]=$(echo "$out" | awk '/^seconds:/ {print $2}')
done
awk -v a="${secs[100000]}" -v b="${secs[1000000]}" \
    'BEGIN {printf "ratio seconds(10^6) / seconds(10^5): %.2f (flat cost = 10, limit 12)\n", b / a}'
