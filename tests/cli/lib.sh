# lib.sh - helpers the command-level tests share (sourced, not run).
# Counts checks in $pass and $fail; each script prints `N passed, M failed`.
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   - $1"; }
bad() { fail=$((fail + 1)); echo "FAIL - $1"; }
check() { # check DESCRIPTION COMMAND...
    local desc=$1
    shift
    if "$@"; then ok "$desc"; else bad "$desc"; fi
}
# same_manifest A B: two manifest.csv files equal but for their `command`
# row, the one row that names -o, -j and the like (docs/outputs.md)
same_manifest() { cmp <(grep -v '^command,' "$1") <(grep -v '^command,' "$2"); }
