#!/usr/bin/env bash
# quickstart.sh - what the README's two quick-start commands run.
#
#   bash scripts/quickstart.sh run    install what is missing, build, run the default scenario,
#                                     draw its figures and report (analysis/plot.py, report.py)
#   bash scripts/quickstart.sh test   install what is missing, build, run the whole test suite
#
# Packages come from Debian's archive (apt-get, through sudo when not root).
# Environment: BUILD_DIR (default build), BUILD_TYPE (default Release),
# EXTRA_PACKAGES (more Debian packages to install), CMAKE_ARGS.
set -euo pipefail

cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
BUILD_TYPE=${BUILD_TYPE:-Release}
PACKAGES="build-essential cmake pkg-config libgsl-dev libconfig-dev libcunit1-dev librandom123-dev ${EXTRA_PACKAGES:-}"
# the test suite also checks the join script and JSON progress (python3)
# and output under a decimal-comma locale (locales: localedef's data);
# test_harden runs scripts/parallel_sweep.sh under GNU parallel (parallel)
# and the permission checks as nobody through setpriv (util-linux);
# the figures: Debian's python3 with matplotlib, pandas and scipy (analysis/)
# and gnuplot for analysis/gnuplot/ (gnuplot-nox: no X needed)
PLOT_PACKAGES="python3 python3-matplotlib python3-pandas python3-scipy gnuplot-nox"
TEST_PACKAGES="python3 locales parallel util-linux strace $PLOT_PACKAGES"
# Debian's interpreter, which has those packages; the first python3 on
# PATH can be another one (pyenv, a virtualenv) without them
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=python3

install_missing() {
    local missing=()
    for p in $PACKAGES; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "quickstart: installing ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build() {
    # shellcheck disable=SC2086
    cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="$BUILD_TYPE" ${CMAKE_ARGS:-} >/dev/null
    cmake --build "$BUILD_DIR" -j "$(nproc)"
}

case "${1:-}" in
run)
    PACKAGES="$PACKAGES $PLOT_PACKAGES"
    install_missing
    build
    "$BUILD_DIR/marketsim" run scenarios/frontier_dispute.cfg -j "$(nproc)" -o out/frontier_dispute
    echo "quickstart: CSVs are in out/frontier_dispute/ (columns: docs/outputs.md)"
    echo "quickstart: figures (docs/plots.md):"
    "$PYTHON" analysis/plot.py out/frontier_dispute -o out/frontier_dispute/plots
    "$PYTHON" analysis/report.py out/frontier_dispute -o out/frontier_dispute/report.html
    ;;
test)
    PACKAGES="$PACKAGES $TEST_PACKAGES"
    install_missing
    build
    ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$(nproc)"
    ;;
*)
    echo "usage: bash scripts/quickstart.sh run|test" >&2
    exit 2
    ;;
esac
