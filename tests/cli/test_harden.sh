#!/usr/bin/env bash
# test_harden.sh - hostile-but-realistic inputs (issue 9): names that are
# not one path component, empty or misplaced -o, invalid UTF-8, huge or
# deep files, NUL bytes in design files, flag values with blanks. Each
# check states the promise; docs/reliability.md lists them all.
#
# usage: bash test_harden.sh MARKETSIM_BINARY SOURCE_DIR
# Prints one line per check and `N passed, M failed`; exits 1 on failure.
set -u

BIN=${1:?usage: test_harden.sh MARKETSIM_BINARY SOURCE_DIR}
SRC=${2:?usage: test_harden.sh MARKETSIM_BINARY SOURCE_DIR}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
SRC=$(cd "$SRC" && pwd)
SC="$SRC/scenarios/frontier_dispute.cfg"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ms_test_harden.XXXXXX")
trap 'chmod -R u+w "$TMP" 2>/dev/null; rm -rf "$TMP"' EXIT
export LC_ALL=C

# shellcheck source=lib.sh
source "$SRC/tests/cli/lib.sh"

SMALL=(--set buyers.count=300 -r 2 -q)

# fails_with RC PATTERN CMD...: exit RC, stderr one line matching PATTERN.
fails_with() {
    local want=$1 pat=$2
    shift 2
    "$@" >"$TMP/stdout" 2>"$TMP/stderr"
    local rc=$?
    [ $rc -eq "$want" ] || { echo "  exit $rc, expected $want: $(head -2 "$TMP/stderr")"; return 1; }
    [ "$(wc -l <"$TMP/stderr")" -eq 1 ] || { echo "  not one line:"; head -3 "$TMP/stderr"; return 1; }
    grep -q -- "$pat" "$TMP/stderr" || { echo "  message: $(cat "$TMP/stderr")"; return 1; }
}

# A work directory holding a file the user cares about.
fresh_work() {
    rm -rf "$TMP/w"
    mkdir -p "$TMP/w"
    echo keep >"$TMP/w/decisions.csv"
}
work_untouched() {
    [ "$(ls -A "$TMP/w")" = decisions.csv ] && [ "$(cat "$TMP/w/decisions.csv")" = keep ] ||
        { echo "  work dir now: $(ls -A "$TMP/w" | tr '\n' ' ')"; return 1; }
}

# --- 1. scenario names that are not one path component --------------------
name_refused() { # name_refused NAME PATTERN: via --set and in the file
    local name=$1 pat=$2
    fresh_work
    (cd "$TMP/w" && fails_with 2 "error: sim.name: .*$pat" "$BIN" run "$SC" --set "sim.name=$name" "${SMALL[@]}") &&
        work_untouched && [ ! -e "$TMP/w/out" ] || return 1
    printf '@include "%s"\nsim = { name = "%s"; };\n' "$SC" "$name" >"$TMP/w/n.cfg"
    (cd "$TMP/w" && fails_with 2 "n.cfg:[0-9]*: error: sim.name: .*$pat" "$BIN" run n.cfg "${SMALL[@]}") ||
        { echo "  (in the file)"; return 1; }
}
check "1. sim.name=.. refused (exit 2, key named), nothing written or deleted" name_refused .. 'not a usable name'
check "1. sim.name=. refused" name_refused . 'not a usable name'
check "1. sim.name with '/' refused" name_refused 'a/../..' "contains '/'"
# a file named "..cfg" gives the default name "."; it must stay inside out/
dotfile_name() {
    fresh_work
    printf '@include "%s"\nsim = { name = ""; };\n' "$SC" >"$TMP/w/..cfg"
    (cd "$TMP/w" && "$BIN" run ..cfg "${SMALL[@]}") || return 1
    [ -f "$TMP/w/out/_/market.csv" ] && [ "$(cat "$TMP/w/decisions.csv")" = keep ] && [ ! -e "$TMP/w/market.csv" ]
}
check "1. a file named ..cfg writes into out/_/, not out/" dotfile_name

# --- 2. -o empty or naming a file -----------------------------------------
o_refused() { # o_refused DIR CMD-ARGS...
    local dir=$1
    shift
    fresh_work
    (cd "$TMP/w" && fails_with 2 "$dir" "$BIN" "$@") && work_untouched
}
check '2. run -o "" is a usage error, the current directory untouched' \
    o_refused "-o: empty directory name" run "$SC" "${SMALL[@]}" -o ""
check '2. sweep -o "" is a usage error' \
    o_refused "-o: empty directory name" sweep "$SC" --vary dispute.p_amend=0.3,0.7 "${SMALL[@]}" -o ""
check '2. merge "" is a usage error' o_refused "DIR: empty directory name" merge ""
check '2. run -o FILE is a usage error (exit 2), the file kept' \
    o_refused "exists and is not a directory" run "$SC" "${SMALL[@]}" -o decisions.csv
check '2. sweep -o FILE is a usage error' \
    o_refused "exists and is not a directory" sweep "$SC" --vary dispute.p_amend=0.3 "${SMALL[@]}" -o decisions.csv
check '2. merge FILE is a usage error' o_refused "exists and is not a directory" merge decisions.csv
for cmd in compare calibrate sensitivity; do
    check "2. $cmd -o \"\" is a usage error" o_refused "$cmd: error: -o: empty directory name" $cmd "$SC" -o ""
    check "2. $cmd -o FILE is a usage error" o_refused "$cmd: error: -o: 'decisions.csv' exists" $cmd "$SC" -o decisions.csv
done
# -o cases that were already right: keep them so
check "-o in a nonexistent parent: the parents are made" \
    eval '"$BIN" run "$SC" "${SMALL[@]}" -o "$TMP/nope/x/y" && [ -s "$TMP/nope/x/y/market.csv" ]'
# Permission cases need an unprivileged user (CI runs as root): nobody,
# through setpriv, on a copy of the binary it can execute.
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
if command -v setpriv >/dev/null && as_nobody true 2>/dev/null; then
    mkdir -p "$TMP/pub" "$TMP/pub/ro" && cp "$BIN" "$TMP/pub/marketsim" && cp "$SRC"/scenarios/*.cfg "$TMP/pub/" &&
        chmod -R a+rX "$TMP" && chmod 555 "$TMP/pub/ro"
    NB=(as_nobody "$TMP/pub/marketsim" run "$TMP/pub/frontier_dispute.cfg" "${SMALL[@]}")
    check "-o in a read-only directory: exit 1 naming the path and the reason" \
        fails_with 1 "$TMP/pub/ro/x.*Permission denied" "${NB[@]}" -o "$TMP/pub/ro/x"
    check "-o /: exit 1 naming the reason, nothing written" \
        eval 'fails_with 1 "Permission denied" "${NB[@]}" -o / && [ -z "$(ls -A / | grep -e "^\.market" -e "^market.csv")" ]'
else
    bad "setpriv cannot switch to nobody here: permission cases not tested"
fi

# --- 3. invalid UTF-8, byte-order mark ------------------------------------
check "3. --set sim.name=caf\\xe9 refused with the key" \
    fails_with 2 "error: sim.name: byte 4 is not valid UTF-8" "$BIN" run "$SC" --set "sim.name=$(printf 'caf\xe9')" "${SMALL[@]}" -o "$TMP/u1"
check "3. nothing written for it" test ! -e "$TMP/u1"
utf8_in_file() {
    printf 'sim = { name = "ok"; };\nproducts = { frontier = { vendor = "\xc0\xaf"; }; };\n' >"$TMP/u.cfg"
    fails_with 2 "u.cfg:2: error: products.frontier.vendor: .*not valid UTF-8" "$BIN" validate "$TMP/u.cfg"
}
check "3. invalid UTF-8 (overlong) in a file: file:line:key" utf8_in_file
check "3. a surrogate in an id list via --set refused" \
    fails_with 2 "products.frontier.clouds: .*not valid UTF-8" "$BIN" validate "$SC" --set "products.frontier.clouds=aws,$(printf '\xed\xa0\x80')"
check "3. valid UTF-8 names are fine" eval '"$BIN" validate "$SC" --set "sim.name=café-Δ" >/dev/null'
bom_file() {
    { printf '\xef\xbb\xbf'; sed "s#@include \"#@include \"$SRC/scenarios/#" "$SC"; } >"$TMP/bom.cfg"
    "$BIN" validate "$TMP/bom.cfg" >/dev/null
}
check "3. a UTF-8 byte-order mark at the start of a scenario is accepted" bom_file
design_utf8() {
    printf 'sim.name\ncaf\xe9\n' >"$TMP/u.csv"
    fails_with 2 "u.csv:2: error: --design-file: .*not valid UTF-8" \
        "$BIN" sweep "$SC" --design-file "$TMP/u.csv" "${SMALL[@]}" -o "$TMP/du"
}
check "3. invalid UTF-8 in a design file: file:line" design_utf8

# --- 4. size limits before libconfig --------------------------------------
# (`timeout 120` only stops a hang: these take well under a second now and
# took minutes before the limits existed)
big_group() {
    awk 'BEGIN { print "x = {"; for (i = 0; i < 800000; i++) printf "k%d = 1;\n", i; print "};" }' >"$TMP/big.cfg"
    fails_with 2 "big.cfg:1002: error: file too large: more than 1000 settings in one group (at most 1000)" \
        timeout 120 "$BIN" validate "$TMP/big.cfg"
}
check "4. 800k keys in a group: refused at once, the limit stated" big_group
many_groups() {
    awk 'BEGIN { for (g = 0; g < 20; g++) { printf "g%d = {\n", g; for (i = 0; i < 600; i++) printf "k%d = 1;\n", i; print "};" } }' >"$TMP/many.cfg"
    fails_with 2 "many.cfg:[0-9]*: error: file too large: more than 10000 settings in one file (at most 10000)" \
        "$BIN" validate "$TMP/many.cfg"
}
check "4. 12k keys over many groups: refused, the limit stated" many_groups
deep() {
    awk 'BEGIN { printf "x = "; for (i = 0; i < 5000; i++) printf "{ a = "; printf "1;"; for (i = 0; i < 5000; i++) printf "};"; print "" }' >"$TMP/deep.cfg"
    fails_with 2 "deep.cfg:1: error: file too large: nested more than 16 levels deep (at most 16)" \
        "$BIN" validate "$TMP/deep.cfg"
}
check "4. nesting 5000 deep: refused, the limit stated" deep
check "4. every shipped scenario is within the limits" \
    eval 'for f in "$SRC"/scenarios/*.cfg; do "$BIN" validate "$f" >/dev/null || exit 1; done'

# --- @include reads regular files only --------------------------------------
include_special() { # include_special TARGET: refused at once, naming it
    printf '@include "%s"\n' "$1" >"$TMP/inc.cfg"
    fails_with 2 "inc.cfg:1: error: @include: .*is not a regular file" timeout 60 "$BIN" validate "$TMP/inc.cfg"
}
mkfifo "$TMP/fifo" && mkdir -p "$TMP/incdir"
check "@include of a FIFO is refused (it used to block)" include_special "$TMP/fifo"
check "@include of a directory is refused" include_special "$TMP/incdir"
check "@include of a device is refused" include_special /dev/zero
check "the main scenario may still be a pipe" eval '"$BIN" validate <(printf "@include \"%s\"\n" "$SC") >/dev/null'

# --- 7. design files: NUL bytes, row cap -----------------------------------
nul_design() {
    printf 'dispute.p_amend\0buyers.count,x\n0.3\n' >"$TMP/nul.csv"
    fails_with 2 "nul.csv:1: error: --design-file: contains a NUL byte" \
        "$BIN" sweep "$SC" --design-file "$TMP/nul.csv" "${SMALL[@]}" -o "$TMP/dn" && [ ! -e "$TMP/dn" ]
}
check "7. a NUL byte in a design file is refused, nothing written" nul_design
huge_design() {
    awk 'BEGIN { print "dispute.p_amend"; for (i = 0; i < 1000000; i++) print "0.5"; print "7" }' >"$TMP/huge.csv"
    fails_with 2 "huge.csv:100002: error: --design-file: more than 100000 points" \
        timeout 120 "$BIN" sweep "$SC" --design-file "$TMP/huge.csv" "${SMALL[@]}" -o "$TMP/dh"
}
check "7. a million-row design file is refused at row 100001" huge_design

# --- 6. merge refuses parts that fail their proof ----------------------------
SW=(--vary dispute.p_amend=0.3,0.7 --vary buyers.count=300:600:2 -r 3 -q)
shards() { # shards DIR: the sweep in 3 shards, then merged
    local k
    for k in 0 1 2; do "$BIN" sweep "$SC" "${SW[@]}" --shard $k/3 -o "$1" || return 1; done
}
merge_refused() { # merge_refused NAME PATTERN EDIT...: edited copy of the parts is refused
    local name=$1 pat=$2
    shift 2
    rm -rf "$TMP/m_$name"
    cp -r "$TMP/parts" "$TMP/m_$name" && (cd "$TMP/m_$name" && eval "$*") || return 1
    fails_with 2 "m_$name/sweep.part-.*error: $pat" "$BIN" merge "$TMP/m_$name" || return 1
    [ ! -e "$TMP/m_$name/sweep.csv" ] || { echo "  sweep.csv written"; return 1; }
}
check "6. shards merge to the unsharded bytes" eval 'shards "$TMP/parts" && cp -r "$TMP/parts" "$TMP/merged" &&
    "$BIN" merge "$TMP/merged" && "$BIN" sweep "$SC" "${SW[@]}" -o "$TMP/serial" &&
    cmp "$TMP/merged/sweep.csv" "$TMP/serial/sweep.csv" && cmp "$TMP/merged/sweep_summary.csv" "$TMP/serial/sweep_summary.csv" &&
    same_manifest "$TMP/merged/manifest.csv" "$TMP/serial/manifest.csv"'
check "6. a part 5 lines short is refused, naming it" merge_refused cut "[0-9]* rows, but its manifest says"     'head -n -5 sweep.part-1-of-3.csv >x && mv x sweep.part-1-of-3.csv'
check "6. a part cut mid-number (truncate -s -4) is refused" merge_refused trunc "the last line is cut off"     'truncate -s -4 sweep.part-2-of-3.csv'
check "6. a tampered value is refused" merge_refused value "checksum .* differs"     "sed -i '5s/,[0-9.e+-]*\$/,0.5/' sweep.part-0-of-3.csv"
check "6. a garbage row is refused (not 'task 0 appears twice')" merge_refused garbage "[0-9]* rows, but its manifest says [0-9]*"     'echo garbage >>sweep.part-0-of-3.csv'
check "6. a manifest without the proof is refused" \
    eval 'rm -rf "$TMP/m_old" && cp -r "$TMP/parts" "$TMP/m_old" && sed -i "/^part_/d" "$TMP/m_old/manifest.part-1-of-3.csv" &&
          fails_with 2 "manifest.part-1-of-3.csv: error: no part_rows" "$BIN" merge "$TMP/m_old"'

# --- locks: two commands into one -o ---------------------------------------
# flock(1) holds the lock the way a running marketsim would.
locked_refused() { # locked_refused MODE CMD...: refused while DIR is held in MODE (-x or -s)
    local mode=$1
    shift
    mkdir -p "$TMP/busy"
    flock "$mode" -o "$TMP/busy/.marketsim.lock" bash -c '"$@" >"'"$TMP"'/stdout" 2>"'"$TMP"'/stderr"; echo $? >"'"$TMP"'/rc"' _ "$@"
    [ "$(cat "$TMP/rc")" -eq 2 ] && grep -q "another marketsim command" "$TMP/stderr" ||
        { echo "  exit $(cat "$TMP/rc"): $(cat "$TMP/stderr")"; return 1; }
}
check "lock: run into a directory another command holds refuses (exit 2)" \
    eval 'locked_refused -x "$BIN" run "$SC" "${SMALL[@]}" -o "$TMP/busy" && [ ! -e "$TMP/busy/market.csv" ]'
sweep_resume_locked() {
    mkdir -p "$TMP/busy" && : >"$TMP/busy/.sweep.csv.tmp-AbCdEf" # the holder's temporary
    locked_refused -x "$BIN" sweep "$SC" "${SW[@]}" --resume -o "$TMP/busy" && [ -e "$TMP/busy/.sweep.csv.tmp-AbCdEf" ]
}
check "lock: sweep --resume refuses and leaves the holder's temporaries" sweep_resume_locked
check "lock: merge refuses while a shard holds the directory" \
    eval 'rm -rf "$TMP/busy" && cp -r "$TMP/parts" "$TMP/busy" && locked_refused -s "$BIN" merge "$TMP/busy" && [ ! -e "$TMP/busy/sweep.csv" ]'
shard_beside_shard() { # a shard runs while a sibling holds the directory shared
    rm -rf "$TMP/sib" && mkdir -p "$TMP/sib" && : >"$TMP/sib/.sweep.part-0-of-3.csv.tmp-AbCdEf" &&
        : >"$TMP/sib/.scenario.resolved.cfg.tmp-GhIjKl" || return 1
    flock -s -o "$TMP/sib/.marketsim.lock" "$BIN" sweep "$SC" "${SW[@]}" --shard 1/3 --resume -o "$TMP/sib" || return 1
    [ -s "$TMP/sib/sweep.part-1-of-3.csv" ] && [ -e "$TMP/sib/.sweep.part-0-of-3.csv.tmp-AbCdEf" ] &&
        [ -e "$TMP/sib/.scenario.resolved.cfg.tmp-GhIjKl" ] || { echo "  a sibling's temporary was removed"; return 1; }
}
check "lock: a shard runs beside a sibling and leaves the sibling's temporaries" shard_beside_shard
check "lock: a shard's --resume removes its own stale temporaries" \
    eval ': >"$TMP/sib/.sweep.part-2-of-3.csv.tmp-MnOpQr" && "$BIN" sweep "$SC" "${SW[@]}" --shard 2/3 --resume -o "$TMP/sib" &&
          [ ! -e "$TMP/sib/.sweep.part-2-of-3.csv.tmp-MnOpQr" ]'
same_shard_twice() {
    mkdir -p "$TMP/sib2"
    flock -x -o "$TMP/sib2/.marketsim.part-1-of-3.lock" "$BIN" sweep "$SC" "${SW[@]}" --shard 1/3 -o "$TMP/sib2" 2>"$TMP/stderr"
    [ $? -eq 2 ] && grep -q "this shard is already running" "$TMP/stderr" || { cat "$TMP/stderr"; return 1; }
}
check "lock: the same shard twice refuses" same_shard_twice
check "lock: compare into a held directory refuses" \
    eval 'rm -rf "$TMP/busy" && locked_refused -x "$BIN" compare "$SC" "$SC" "${SMALL[@]}" -o "$TMP/busy" && [ ! -e "$TMP/busy/compare.csv" ]'
sens_locked() { # sensitivity DIR writes into a sweep's directory: not while a shard runs there
    "$BIN" sweep "$SC" --design morris -n 2 --vary dispute.p_amend=0.2:0.8 --vary buyers.count=300:600 \
        --set buyers.count=300 -r 2 -q -o "$TMP/mo" || return 1
    rm -rf "$TMP/busy" && cp -r "$TMP/mo" "$TMP/busy" &&
        locked_refused -s "$BIN" sensitivity "$TMP/busy" -q && [ ! -e "$TMP/busy/sensitivity.csv" ] &&
        "$BIN" sensitivity "$TMP/mo" -q && [ -s "$TMP/mo/sensitivity.csv" ]
}
check "lock: sensitivity DIR refuses while a shard holds DIR, and works after" sens_locked
check "lock: no lock file is left behind" \
    eval '[ -z "$(find "$TMP/parts" "$TMP/serial" "$TMP/merged" "$TMP/sib" "$TMP/mo" -name ".marketsim*.lock")" ]'

# --- shards at the same time: scripts/parallel_sweep.sh with 3 jobs ---------
par_sweep() {
    command -v parallel >/dev/null || { echo "  GNU parallel is not installed (scripts/quickstart.sh test installs it)"; return 1; }
    JOBS=3 MARKETSIM=$BIN bash "$SRC/scripts/parallel_sweep.sh" 3 "$TMP/par" "$SC" "${SW[@]}" >/dev/null || return 1
    cmp "$TMP/par/sweep.csv" "$TMP/serial/sweep.csv" && cmp "$TMP/par/sweep_summary.csv" "$TMP/serial/sweep_summary.csv" &&
        same_manifest "$TMP/par/manifest.csv" "$TMP/serial/manifest.csv"
}
check "parallel_sweep.sh, 3 shards at once under GNU parallel: same bytes as one sweep" par_sweep
check "parallel_sweep.sh a second time (all resumed): same bytes" \
    eval 'rm -f "$TMP/par/sweep.csv" && JOBS=3 MARKETSIM=$BIN bash "$SRC/scripts/parallel_sweep.sh" 3 "$TMP/par" "$SC" "${SW[@]}" >/dev/null &&
          cmp "$TMP/par/sweep.csv" "$TMP/serial/sweep.csv"'

# --- journal, stdout, options -------------------------------------------------
check "a zero-byte .sweep.journal is no journal (fresh start)" \
    eval 'mkdir -p "$TMP/j0" && : >"$TMP/j0/.sweep.journal" && "$BIN" sweep "$SC" "${SW[@]}" -o "$TMP/j0" && cmp "$TMP/j0/sweep.csv" "$TMP/serial/sweep.csv"'
check "a zero-byte .sweep.journal is no journal (--resume)" \
    eval 'mkdir -p "$TMP/j1" && : >"$TMP/j1/.sweep.journal" && "$BIN" sweep "$SC" "${SW[@]}" --resume -o "$TMP/j1" && cmp "$TMP/j1/sweep.csv" "$TMP/serial/sweep.csv"'
check "run > /dev/full exits 1 with a message" \
    eval '"$BIN" run "$SC" --set buyers.count=300 -r 2 -o "$TMP/full" >/dev/full 2>"$TMP/stderr"; [ $? -eq 1 ] && grep -q "standard output" "$TMP/stderr"'
check "--help > /dev/full exits 1" eval '"$BIN" run --help >/dev/full 2>/dev/null; [ $? -eq 1 ]'
check "sweep --max-reps without --target-ci is an error" \
    fails_with 2 "--max-reps applies with --target-ci only" "$BIN" sweep "$SC" "${SW[@]}" --max-reps 5 -o "$TMP/o1"
check "sweep --max-reps below -r is an error" \
    fails_with 2 "--max-reps 3 is below -r 5" "$BIN" sweep "$SC" --vary dispute.p_amend=0.3 -r 5 --target-ci adoption_rate:all:0.01 --max-reps 3 -q -o "$TMP/o2"
check "sweep -n with a grid is an error" \
    fails_with 2 "-n applies to --design lhs" "$BIN" sweep "$SC" "${SW[@]}" -n 4 -o "$TMP/o3"
dashdash() { # a scenario whose name starts with '-' after `--`
    mkdir -p "$TMP/dd" && printf '@include "%s"\n' "$SC" >"$TMP/dd/-x.cfg" &&
        (cd "$TMP/dd" && "$BIN" run -r 2 --set buyers.count=300 -q -o out -- -x.cfg && "$BIN" validate -- -x.cfg >/dev/null &&
            "$BIN" sweep --vary dispute.p_amend=0.3 -r 2 --set buyers.count=300 -q -o sw -- -x.cfg) &&
        [ -s "$TMP/dd/out/market.csv" ] && [ -s "$TMP/dd/sw/sweep.csv" ]
}
check "-- ends the options (run, validate, sweep)" dashdash
check "merge -- DIR" eval 'cp -r "$TMP/parts" "$TMP/dd/-m" && (cd "$TMP/dd" && "$BIN" merge -- -m) && [ -s "$TMP/dd/-m/sweep.csv" ]'
check "bench market --buyers states its range" \
    fails_with 2 "--buyers: '200000000' is not a whole number in \[1, 100000000\]" "$BIN" bench market --buyers 200000000
check "bench market --help states the range" eval '"$BIN" bench market --help | grep -q "1 to 100000000"'

# --- flag values ------------------------------------------------------------
check "-r ' 2' refused like -r '2 '" fails_with 2 "-r: ' 2' is not a whole number" "$BIN" run "$SC" -r ' 2' -q -o "$TMP/r1"
check "-r '2 ' refused" fails_with 2 "-r: '2 ' is not a whole number" "$BIN" run "$SC" -r '2 ' -q -o "$TMP/r2"
check "--set clouds=aws,,azure refuses the empty element" \
    fails_with 2 "products.frontier.clouds: .*empty element" "$BIN" validate "$SC" --set products.frontier.clouds=aws,,azure
check "--set clouds=aws, refuses the empty element" \
    fails_with 2 "products.frontier.clouds: .*empty element" "$BIN" validate "$SC" --set products.frontier.clouds=aws,

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
