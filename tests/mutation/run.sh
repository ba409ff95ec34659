#!/usr/bin/env bash
# run.sh - mutation testing: plants each bug of mutants.txt in turn into a
# private copy of the tree, builds it, runs the tests, and reverts it.
#
# A mutant is killed when a test other than the golden comparisons fails
# (the tests named in its line first, then the whole suite); killed by
# golden only when nothing but cli_test_golden* notices it (the byte
# comparison catches any change, so it says nothing about which mechanism
# is tested); a survivor when every test passes. A mutant that does not
# compile is reported and left out of the rates.
#
# CPU heavy (a build and up to a full ctest per mutant): run it alone,
# serially. It works on a copy (tracked and untracked files of this tree,
# build directories excluded) under MUT_DIR (default /tmp/ms_mutation), so
# the checkout is never touched. MUT_ONLY="M1 M4" runs those mutants only;
# MUT_JOBS (default 2) is the build and ctest parallelism.
# usage: bash tests/mutation/run.sh
set -uo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
DIR=${MUT_DIR:-/tmp/ms_mutation}
JOBS=${MUT_JOBS:-2}
TREE=$DIR/tree
B=$TREE/build
REPORT=$DIR/report.txt
rm -rf "$DIR"
mkdir -p "$TREE"
: > "$REPORT"
cp "$SRC/tests/mutation/mutants.txt" "$DIR/" # read from a copy: edits cannot disturb the loop
(cd "$SRC" && git ls-files -co --exclude-standard | grep -v '^build' | tar -cf - -T -) |
    tar -C "$TREE" -xf -
cmake -S "$TREE" -B "$B" -DCMAKE_BUILD_TYPE=None -DCMAKE_C_FLAGS="-O2" > /dev/null || exit 2
build() { cmake --build "$B" -j "$JOBS" > "$DIR/build.log" 2>&1; }
# tests ARGS...: runs ctest; prints the failing tests' names (none: passed)
tests() {
    ctest --test-dir "$B" --timeout 600 -j "$JOBS" "$@" > "$DIR/ctest.log" 2>&1 && return 0
    sed -n 's/^[[:space:]]*[0-9][0-9]* - \([^ ]*\) .*/\1/p' "$DIR/ctest.log" | tr '\n' ' '
    return 1
}
echo "== baseline: the unmutated tree builds and passes its tests"
build || { echo "baseline does not build (see $DIR/build.log)"; exit 2; }
# a test that already fails cannot kill anything: it is left out (and named)
broken=$(tests)
SKIP=golden
for t in $broken; do SKIP="$SKIP|^$t\$"; done
[ -z "$broken" ] || echo "baseline: already failing, left out: $broken" | tee -a "$REPORT"

killed=0 golden=0 survived=0 stillborn=0 total=0
survivors=() golden_only=()
while IFS= read -r line; do
    case $line in '#'* | '') continue ;; esac
    IFS=$'\x1f' read -r id layer file old new hint <<< "${line// @@ /$'\x1f'}"
    if [ -n "${MUT_ONLY:-}" ] && [[ " $MUT_ONLY " != *" $id "* ]]; then continue; fi
    [ "$new" = "<empty>" ] && new=""
    cp "$TREE/$file" "$DIR/saved"
    if ! python3 - "$TREE/$file" "$old" "$new" << 'PYEOF'; then
import sys
path, old, new = sys.argv[1:4]
text = open(path).read()
if text.count(old) != 1:
    sys.exit(1)
open(path, 'w').write(text.replace(old, new))
PYEOF
        echo "$id: the text to mutate is not in $file exactly once: fix mutants.txt" | tee -a "$REPORT"
        exit 2
    fi
    total=$((total + 1))
    t0=$SECONDS
    if ! build; then
        verdict="does not compile"
        stillborn=$((stillborn + 1))
    elif by=$(tests -R "$hint" -E "$SKIP"); [ -n "$by" ]; then
        verdict="killed by $by"
        killed=$((killed + 1))
    elif by=$(tests -E "$SKIP"); [ -n "$by" ]; then
        verdict="killed by $by(whole suite)"
        killed=$((killed + 1))
    elif by=$(tests -R golden); [ -n "$by" ]; then
        verdict="killed by golden only: $by"
        golden=$((golden + 1))
        golden_only+=("$id")
    else
        verdict="SURVIVED"
        survived=$((survived + 1))
        survivors+=("$id")
    fi
    cp "$DIR/saved" "$TREE/$file"
    printf '%-4s %-10s %-32s %s (%ds)\n' "$id" "$layer" "$file" "$verdict" $((SECONDS - t0)) |
        tee -a "$REPORT"
done < "$DIR/mutants.txt"
build > /dev/null || true # leave the copy unmutated

counted=$((total - stillborn))
{
    echo "mutants: $total ($stillborn do not compile, left out)"
    echo "killed by a test other than the golden comparison: $killed of $counted" \
        "($(awk -v k=$killed -v n=$counted 'BEGIN { printf "%.1f", n ? 100 * k / n : 0 }')%)"
    echo "killed by the golden comparison only: $golden ${golden_only[*]:-}"
    echo "survived: $survived ${survivors[*]:-}"
} | tee -a "$REPORT"
