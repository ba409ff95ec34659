#!/usr/bin/env bash
# test_include_path.sh - a scenario written outside scenarios/ includes the
# library: `@include "NAME"` looks in the including file's directory, then
# in each -I DIR, then in each $MARKETSIM_PATH directory, then in the
# scenario library that came with the program (the source tree's for this
# build-tree binary; BINDIR/../share/marketsim/scenarios once installed,
# checked here with `cmake --install` into a scratch prefix). Every command
# that loads a scenario takes -I; a missing include names the file, the line
# and every directory tried; the resolved config needs no include to rerun.
# usage: bash test_include_path.sh MARKETSIM_BINARY SOURCE_DIR
set -u
BIN=${1:?usage: test_include_path.sh MARKETSIM_BINARY SOURCE_DIR}
SRC=${2:?usage: test_include_path.sh MARKETSIM_BINARY SOURCE_DIR}
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ms_incpath.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
unset MARKETSIM_PATH
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
SMALL=(--set buyers.count=200 --set sim.horizon_months=12)

mkdir -p "$TMP/work" "$TMP/lib1" "$TMP/lib2" "$TMP/elsewhere"
cd "$TMP/work" || exit 1
# the user's scenario: the library's common.cfg and a layer named tag.cfg
printf '@include "common.cfg"\n@include "tag.cfg"\nsim = { initial_regime = "R2"; };\ndispute = { enabled = false; };\n' >my.cfg
for d in lib1 lib2; do printf 'sim = { name = "from_%s"; };\n' $d >"$TMP/$d/tag.cfg"; done
printf '@include "frontier_dispute.cfg"\nsim = { name = "mine"; };\n' >plain.cfg
name_of() { "$BIN" validate "$@" | awk '$1 == "name" { print $2 }'; }

# ---- where it looks, in order ------------------------------------------------
check "the library's common.cfg from a scenario outside the tree" \
    eval '"$BIN" validate plain.cfg >/dev/null'
check "-I DIR finds tag.cfg" [ "$(name_of -I "$TMP/lib1" my.cfg)" = from_lib1 ]
check "--include-dir=DIR is -I" [ "$(name_of --include-dir="$TMP/lib1" my.cfg)" = from_lib1 ]
check "\$MARKETSIM_PATH finds tag.cfg" [ "$(MARKETSIM_PATH=$TMP/lib2 name_of my.cfg)" = from_lib2 ]
check "\$MARKETSIM_PATH: directories in order, empty entries ignored" \
    [ "$(MARKETSIM_PATH=::$TMP/elsewhere:$TMP/lib2:$TMP/lib1 name_of my.cfg)" = from_lib2 ]
check "-I comes before \$MARKETSIM_PATH" [ "$(MARKETSIM_PATH=$TMP/lib2 name_of -I "$TMP/lib1" my.cfg)" = from_lib1 ]
check "-I flags in their order" [ "$(name_of -I "$TMP/lib2" -I "$TMP/lib1" my.cfg)" = from_lib2 ]
cp "$TMP/lib1/tag.cfg" "$TMP/work/tag.cfg" && sed -i 's/from_lib1/from_work/' tag.cfg
check "the including file's directory comes first" [ "$(name_of -I "$TMP/lib2" my.cfg)" = from_work ]
rm tag.cfg
mkdir -p "$TMP/shadow" && printf '@include "%s"\nsim = { name = "shadowed"; };\n' "$SRC/scenarios/common.cfg" >"$TMP/shadow/common.cfg"
printf '@include "common.cfg"\nsim = { initial_regime = "R2"; };\ndispute = { enabled = false; };\n' >nameless.cfg
check "a common.cfg on the path comes before the library's" [ "$(name_of -I "$TMP/shadow" nameless.cfg)" = shadowed ]
check "without it, the library's" [ "$(name_of nameless.cfg)" = nameless ]
check "a library file's own includes resolve beside it" \
    eval '"$BIN" validate "$TMP/work/plain.cfg" -p | grep -q "name = \"mine\""'
check "a scenario on a pipe includes from the path" \
    eval '"$BIN" validate -I "$TMP/lib1" <(cat my.cfg) | grep -q "from_lib1"'

# ---- every command that loads a scenario takes -I -------------------------------
I=(-I "$TMP/lib1")
check "run -I" eval '"$BIN" run my.cfg "${I[@]}" "${SMALL[@]}" -r 2 -q -o run && [ -s run/market.csv ]'
check "sweep -I" eval '"$BIN" sweep my.cfg "${I[@]}" "${SMALL[@]}" --vary decision.beta_price=1,2 -r 1 -q -o sweep && [ -s sweep/sweep.csv ]'
check "compare -I" eval '"$BIN" compare my.cfg "${I[@]}" "${SMALL[@]}" --set-b clouds.aws.price_index=1.1 -r 2 -q -o cmp && [ -s cmp/compare.csv ]'
check "sensitivity -I" eval '"$BIN" sensitivity my.cfg "${I[@]}" "${SMALL[@]}" --method morris -n 2 --vary decision.beta_price=1:2 -r 1 --bootstrap 0 -q -o sens && [ -s sens/sensitivity.csv ]'
check "calibrate -I" eval '"$BIN" calibrate my.cfg "${I[@]}" --set buyers.count=200 --targets "$SRC/scenarios/targets/example.csv" --fit decision.beta_quality=1:10 --max-evals 3 -r 1 -q -o cal && [ -s cal/calibrated.cfg ]'
check "the manifest records -I with the command" grep -q -- "-I $TMP/lib1" run/manifest.csv

# ---- the resolved config stands alone ---------------------------------------
check "scenario.resolved.cfg has no @include" eval '! grep -q "^ *@include" run/scenario.resolved.cfg'
check "it reruns elsewhere with no path and gives the same bytes" \
    eval 'cp run/scenario.resolved.cfg "$TMP/elsewhere/r.cfg" && (cd "$TMP/elsewhere" && "$BIN" run r.cfg -r 2 -q -o again) &&
          cmp run/market.csv "$TMP/elsewhere/again/market.csv" && cmp run/summary.csv "$TMP/elsewhere/again/summary.csv"'

# ---- errors ------------------------------------------------------------------------
missing() { # missing WANT ARGS...: exit 2, one line on stderr matching WANT, no out/
    local want=$1
    shift
    rm -rf out
    "$BIN" "$@" >o.txt 2>e.txt
    local rc=$?
    [ $rc -eq 2 ] && [ "$(wc -l <e.txt)" -eq 1 ] && grep -q -- "$want" e.txt && [ ! -e out ] ||
        { echo "    rc $rc: $(cat e.txt)"; return 1; }
}
L=$SRC/scenarios
check "a missing include: file, line, name and every directory tried" \
    missing "^marketsim: my.cfg:2: error: @include: \"tag.cfg\" not found (looked in \. (the including file's directory), $TMP/elsewhere (-I, \$MARKETSIM_PATH), $L (the scenario library))$" \
    validate -I "$TMP/elsewhere" my.cfg
check "... the same from run, nothing written" missing "my.cfg:2: error: @include: \"tag.cfg\" not found" run my.cfg -o out
check "... the same for \$MARKETSIM_PATH, -I first" eval 'MARKETSIM_PATH=$TMP/elsewhere missing "looked in \. (the including file.s directory), $TMP/shadow, $TMP/elsewhere (-I, \$MARKETSIM_PATH), $L (the scenario library)" validate -I "$TMP/shadow" my.cfg'
check "-I of a missing directory is a usage error" missing "^marketsim: run: error: -I: '$TMP/nope' is not a directory$" run my.cfg -I "$TMP/nope" -o out
check "-I of a file is a usage error" missing "-I: 'my.cfg' is not a directory" validate -I my.cfg my.cfg
check "-I with ':' is a usage error" missing "-I: 'a:b' contains ':'" sweep my.cfg -I a:b --vary sim.seed=1 -o out
check "-I '' is a usage error" missing "-I: '' is empty" compare my.cfg -I "" -o out
mkfifo "$TMP/lib1/fifo.cfg"
printf '@include "fifo.cfg"\n' >fifo_user.cfg
check "a FIFO found on the path is refused, not skipped" \
    missing "fifo_user.cfg:1: error: @include: \"$TMP/lib1/fifo.cfg\": is not a regular file" validate -I "$TMP/lib1" -I "$TMP/lib2" fifo_user.cfg

# ---- installed: cmake --install into a scratch prefix -------------------------
BUILD=$(dirname "$BIN")
if cmake --install "$BUILD" --prefix "$TMP/prefix" >"$TMP/install.log" 2>&1; then ok "cmake --install into a scratch prefix"; else
    bad "cmake --install into a scratch prefix"; sed 's/^/    /' "$TMP/install.log"; fi
IBIN=$TMP/prefix/bin/marketsim
ILIB=$TMP/prefix/share/marketsim/scenarios
check "the library is installed beside the program" [ -s "$ILIB/common.cfg" ] && [ -s "$ILIB/targets/example.csv" ]
check "the installed program includes its library from outside the tree" \
    eval '(cd "$TMP/elsewhere" && "$IBIN" validate "$TMP/work/plain.cfg" >/dev/null)'
check "... and runs it" eval '(cd "$TMP/elsewhere" && "$IBIN" run "$TMP/work/plain.cfg" "${SMALL[@]}" -r 1 -q -o inst && [ -s inst/market.csv ])'
check "its missing-include message names the installed library, not the source tree" \
    eval '(cd "$TMP/work" && "$IBIN" validate my.cfg 2>&1 | grep -q "$TMP/prefix/share/marketsim/scenarios (the scenario library))\$")'
check "bench market finds its scenario in the installed library" \
    eval '(cd "$TMP/elsewhere" && "$IBIN" bench market --buyers 100 --years 1 | grep -q "^buyers: 100$")'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
