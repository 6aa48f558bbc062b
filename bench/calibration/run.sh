#!/usr/bin/env bash
# Compares the calibrated fp32 peak with a plain AVX-512 FMA loop compiled by gcc, alternating the two three times so
# both see the same machine state; prints each pair and the ratio of the best passes, since the calibrated ceiling is
# the fastest pass (target: within 10 %).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
agent="${AGENT:-$root/src/AiProfiler.Agent/bin/Release/net10.0/aiprofiler.dll}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
gcc -O3 -mavx512f -fopenmp "$here/fma_reference.c" -o "$work/fma"
printf '{"Calibration":{"Directory":"%s"}}' "$work/state" > "$work/config.json"
best() { sort -g | tail -n 1; }
for round in 1 2 3; do
  reference=$("$work/fma" 100000000 | best)
  calibrated=$(dotnet "$agent" calibrate --format json --config "$work/config.json" 2>/dev/null \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); print([c for c in d["devices"][0]["compute"] if c["precision"]=="fp32"][0]["measured"]["high"]/1e9)')
  echo "round $round: plain FMA loop $reference GFLOP/s, aiprofiler calibrate $calibrated GFLOP/s, ratio $(python3 -c "print(round($calibrated/$reference,3))")"
done
