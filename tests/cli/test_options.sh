#!/usr/bin/env bash
# test_options.sh - the shared flags read the same under every command
# (sim/cli/options.c): a bad -r, -s, -j, -o, --set, a missing value or an
# unknown option gives exit 2, one line on stderr naming the flag and
# quoting the value, the same text but for the command's name, nothing on
# stdout and nothing written; --help lists the shared flags in one layout.
# usage: bash test_options.sh MARKETSIM_BINARY SOURCE_DIR
set -u
BIN=${1:?usage: test_options.sh MARKETSIM_BINARY SOURCE_DIR}
SRC=${2:?usage: test_options.sh MARKETSIM_BINARY SOURCE_DIR}
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ms_options.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1
SC=$SRC/scenarios/baseline.cfg

# refused CMD WANT ARGS...: exit 2, stderr exactly "marketsim: CMD: error: WANT",
# stdout empty, no out/ directory
refused() {
    local cmd=$1 want=$2
    shift 2
    rm -rf out
    # shellcheck disable=SC2086 # "bench market" is two words
    "$BIN" $cmd "$@" >o.txt 2>e.txt
    local rc=$?
    [ $rc -eq 2 ] && [ ! -s o.txt ] && [ ! -e out ] &&
        [ "$(cat e.txt)" = "marketsim: $cmd: error: $want" ] ||
        { echo "    rc $rc, stderr: $(cat e.txt)"; return 1; }
}

for cmd in run sweep compare calibrate sensitivity; do
    check "$cmd -r 0" refused $cmd "-r: '0' is not a whole number in [1, 1000000]" "$SC" -r 0 -o out
    check "$cmd --replications x" refused $cmd "-r: 'x' is not a whole number in [1, 1000000]" "$SC" --replications x -o out
    check "$cmd -j 0" refused $cmd "-j: '0' is not a whole number in [1, 1024]" "$SC" -j 0 -o out
    check "$cmd -j 1025" refused $cmd "-j: '1025' is not a whole number in [1, 1024]" "$SC" -j 1025 -o out
    check "$cmd -s -1" refused $cmd "-s: '-1' is not a whole number in [0, 18446744073709551615]" "$SC" -s -1 -o out
    check "$cmd -s 2^64" refused $cmd "-s: '18446744073709551616' is not a whole number in [0, 18446744073709551615]" "$SC" -s 18446744073709551616 -o out
    check "$cmd --set without =" refused $cmd "--set: 'buyers.count' is not KEY=VALUE" "$SC" --set buyers.count -o out
    check "$cmd --set =1" refused $cmd "--set: '=1' is not KEY=VALUE" "$SC" --set =1 -o out
    check "$cmd -o ''" refused $cmd "-o: empty directory name (expected a path; is a variable unset?)" "$SC" -o ""
    check "$cmd -r with no value" refused $cmd "option '-r' needs a value (see marketsim $cmd --help)" "$SC" -o out -r
    check "$cmd --seed with no value" refused $cmd "option '--seed' needs a value (see marketsim $cmd --help)" "$SC" -o out --seed
    check "$cmd unknown --bogus" refused $cmd "unknown option '--bogus' (see marketsim $cmd --help)" "$SC" --bogus -o out
    check "$cmd unknown -x" refused $cmd "unknown option '-x' (see marketsim $cmd --help)" "$SC" -x -o out
    check "$cmd no operand" refused $cmd "missing $([ $cmd = sensitivity ] && echo "DIR or SCENARIO.cfg" || echo SCENARIO.cfg) (see marketsim $cmd --help)" -o out
    check "$cmd --help: the shared rows in one layout" eval '"$BIN" $cmd --help >h.txt &&
        grep -qx "  -r, --replications N    .*" h.txt && grep -qx "  -j, --threads N         worker threads (default 1; same bytes for any N)" h.txt &&
        grep -qx "  -h, --help              this help" h.txt && grep -q "^usage: marketsim $cmd " h.txt'
done
# the flags each command does not take are unknown there, not ignored
check "run takes no --vary" refused run "unknown option '--vary' (see marketsim run --help)" "$SC" --vary a=1 -o out
check "validate takes no -o" refused validate "unknown option '-o' (see marketsim validate --help)" "$SC" -o out
check "validate --set without =" refused validate "--set: 'x' is not KEY=VALUE" "$SC" --set x
check "run: one scenario" refused run "unexpected argument 'b.cfg'" a.cfg b.cfg
check "compare: at most two scenarios" refused compare "unexpected argument 'c.cfg'" a.cfg b.cfg c.cfg -o out
for cmd in sweep compare; do
    check "$cmd --max-reps without --target-ci" refused $cmd "--max-reps applies with --target-ci only" "$SC" --max-reps 9 -o out
    check "$cmd --max-reps below -r" refused $cmd "--max-reps 3 is below -r 5 (expected at least the starting replications)" "$SC" -r 5 --target-ci adoption_rate:all:0.01 --max-reps 3 -o out
    check "$cmd --target-ci malformed" refused $cmd "--target-ci: expected METRIC:SUBJECT:HALFWIDTH, got 'aws'" "$SC" --target-ci aws -o out
    check "$cmd --max-reps 1" refused $cmd "--max-reps: '1' is not a whole number in [2, 1000000]" "$SC" --max-reps 1 -o out
done
for cmd in sweep sensitivity; do
    check "$cmd --levels odd" refused $cmd "--levels: morris needs an even level count, got '5'" "$SC" --levels 5 -o out
    check "$cmd -n 0" refused $cmd "-n: '0' is not a whole number in [1, 10000000]" "$SC" -n 0 -o out
done
# the benchmarks and schema read their flags the same way
check "bench phold -s x" refused "bench phold" "-s: 'x' is not a whole number in [0, 18446744073709551615]" -s x
check "bench market --years with no value" refused "bench market" "option '--years' needs a value (see marketsim bench market --help)" --years
check "bench market -I missing" refused "bench market" "-I: 'nope' is not a directory" -I nope
check "merge needs DIR" refused merge "missing DIR (see marketsim merge --help)"
check "merge takes one DIR" refused merge "unexpected argument 'b'" a b
check "merge -x" refused merge "unknown option '-x' (see marketsim merge --help)" -x
check "schema takes no operand" refused schema "unexpected argument 'x'" x
check "schema --bogus" refused schema "unknown option '--bogus' (see marketsim schema --help)" --bogus
check "bench phold --help lists its defaults" eval '"$BIN" bench phold --help | grep -qx "      --lps N             logical processes (default 16384)"'
# long and short forms are one option; values may follow with '='
check "--threads=2 --replications=2 --seed=7 --output=DIR --quiet run" eval \
    '"$BIN" run "$SC" --threads=2 --replications=2 --seed=7 --set buyers.count=200 --output=out --quiet && [ -s out/summary.csv ]'
check "run -q prints nothing" eval '"$BIN" run "$SC" -r 1 --set buyers.count=200 -o out2 -q >o.txt && [ ! -s o.txt ]'
check "help run is run --help" eval 'cmp <("$BIN" help run) <("$BIN" run --help)'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
