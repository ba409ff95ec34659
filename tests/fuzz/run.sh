#!/usr/bin/env bash
# run.sh - fuzz the scenario loader with libFuzzer for SECONDS (default 60).
# Needs clang and libclang-rt-14-dev (apt-get install clang libclang-rt-14-dev).
# The library scenarios and the bad-config files seed the corpus. A crash
# leaves its input in build-fuzz/ (crash-*, leak-*) and exits non-zero.
# FUZZ_SEED (default 1) fixes libFuzzer's mutations, so a CI run is
# repeatable; set it to 0 for a fresh random seed when hunting.
# usage: bash tests/fuzz/run.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_TO_RUN=${1:-60}
B=build-fuzz
FLAGS="-g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all"
CC=clang cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS="$FLAGS" \
    -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build "$B" -j "$(nproc)" --target marketsim_core >/dev/null
clang $FLAGS -fsanitize=fuzzer -Iinclude tests/fuzz/fuzz_config.c "$B/libmarketsim_core.a" \
    $(pkg-config --libs gsl libconfig) -lm -lpthread -o "$B/fuzz_config"
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
cp scenarios/*.cfg tests/badconfig/*.cfg "$corpus/"
# includes resolve against the working directory: run from scenarios/
cd scenarios
LSAN_OPTIONS="suppressions=$PWD/../tests/fuzz/lsan.supp" \
    "../$B/fuzz_config" -max_total_time="$SECONDS_TO_RUN" -max_len=8192 -seed="${FUZZ_SEED:-1}" \
    -artifact_prefix="../$B/" -print_final_stats=1 "$corpus"
