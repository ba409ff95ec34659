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
