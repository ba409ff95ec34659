#!/usr/bin/env bash
# run.sh - libFuzzer on every parser a user feeds, SECONDS each (default 60):
#   config     scenario files (the loader, with and without an override)
#   design     design files (sweep --design-file)
#   overrides  --set KEY=VALUE and --vary KEY=SPEC values
#   journal    the sweep journal read by --resume
#   merge      merge's manifest and part files
#   targets    calibration target files (calibrate --targets)
# Needs clang and libclang-rt-14-dev (apt-get install clang libclang-rt-14-dev).
# Each harness starts from its seed corpus (tests/fuzz/corpus/NAME/; the
# config harness also takes the library scenarios and the bad-config
# files). A finding leaves its input in build-fuzz/ (crash-*, leak-*,
# timeout-*) and makes the script exit non-zero. FUZZ_SEED (default 1)
# fixes libFuzzer's mutations, so a CI run is repeatable; 0 draws a fresh
# seed when hunting. The last lines give each harness's executions.
# usage: bash tests/fuzz/run.sh [SECONDS] [HARNESS...]
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_TO_RUN=${1:-60}
shift || true
HARNESSES=("$@")
[ ${#HARNESSES[@]} -gt 0 ] || HARNESSES=(config design overrides journal merge targets)
B=build-fuzz
FLAGS="-g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all"
CC=clang cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS="$FLAGS" \
    -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build "$B" -j "$(nproc)" --target marketsim_core >/dev/null
SRC=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
summary=()
for h in "${HARNESSES[@]}"; do
    clang $FLAGS -fsanitize=fuzzer -Iinclude "tests/fuzz/fuzz_$h.c" "$B/libmarketsim_core.a" \
        $(pkg-config --libs gsl libconfig) -lm -lpthread -o "$B/fuzz_$h"
    corpus=$work/$h
    mkdir -p "$corpus"
    cp tests/fuzz/corpus/"$h"/* "$corpus/" 2>/dev/null || true
    [ "$h" = config ] && cp scenarios/*.cfg tests/badconfig/*.cfg "$corpus/"
    # scenario includes resolve against the working directory: run from scenarios/
    (cd scenarios && LSAN_OPTIONS="suppressions=$SRC/tests/fuzz/lsan.supp" \
        "$SRC/$B/fuzz_$h" -max_total_time="$SECONDS_TO_RUN" -max_len=8192 \
        -seed="${FUZZ_SEED:-1}" -timeout=10 -artifact_prefix="$SRC/$B/fuzz_$h-" \
        -print_final_stats=1 "$corpus") > "$work/$h.log" 2>&1 || {
        tail -n 40 "$work/$h.log"
        echo "fuzz_$h: FINDING (input in $B/fuzz_$h-*)"
        exit 1
    }
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$h.log")
    summary+=("fuzz_$h: $execs executions in ${SECONDS_TO_RUN} s, no finding")
done
printf '%s\n' "${summary[@]}"
