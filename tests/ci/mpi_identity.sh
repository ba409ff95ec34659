#!/usr/bin/env bash
# mpi_identity.sh - an MPI sweep on 1, 2 and 3 ranks writes exactly the
# bytes of a serial sweep (a grid, and a Morris design with its indices).
# usage: mpi_identity.sh MPI_MARKETSIM SERIAL_MARKETSIM
set -euo pipefail
MPI_BIN=$1
SERIAL_BIN=$2
cd "$(dirname "$0")/../.."
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
args=(scenarios/frontier_dispute.cfg --vary dispute.p_amend=0.3,0.5,0.7
      --vary buyers.count=400:1200:3 -r 3 -q)
"$SERIAL_BIN" sweep "${args[@]}" -o "$tmp/serial"
pass=0 fail=0
for np in 1 2 3; do
    mpirun --oversubscribe -np "$np" "$MPI_BIN" sweep "${args[@]}" -o "$tmp/np$np"
    for f in sweep.csv sweep_summary.csv; do
        if cmp -s "$tmp/serial/$f" "$tmp/np$np/$f"; then pass=$((pass + 1)); else
            echo "FAIL: -np $np $f differs from the serial sweep"; fail=$((fail + 1)); fi
    done
    # version and git name the build, command the -o: everything else must match
    if diff <(grep -v '^\(version\|git\|command\),' "$tmp/serial/manifest.csv") \
            <(grep -v '^\(version\|git\|command\),' "$tmp/np$np/manifest.csv") >/dev/null; then
        pass=$((pass + 1)); else echo "FAIL: -np $np manifest differs"; fail=$((fail + 1)); fi
done
# sensitivity designs are sweeps too: a Morris design (seeded trajectories)
# on 2 ranks, and its indices, as serial
sa=(scenarios/frontier_dispute.cfg --design morris -n 3 --vary dispute.p_amend=0.0:1
    --vary buyers.count=200:400 --set sim.horizon_months=12 -r 2 -q)
"$SERIAL_BIN" sweep "${sa[@]}" -o "$tmp/mo_serial"
mpirun --oversubscribe -np 2 "$MPI_BIN" sweep "${sa[@]}" -o "$tmp/mo_np2"
"$SERIAL_BIN" sensitivity "$tmp/mo_serial" -q
"$SERIAL_BIN" sensitivity "$tmp/mo_np2" -q
for f in sweep.csv sensitivity.csv; do
    if cmp -s "$tmp/mo_serial/$f" "$tmp/mo_np2/$f"; then pass=$((pass + 1)); else
        echo "FAIL: morris -np 2 $f differs from the serial sweep's"; fail=$((fail + 1)); fi
done
echo "mpi: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
