#!/usr/bin/env bash
# aiprofiler against llama.cpp (node-llama-cpp 3.21.1's CPU build) on the same GGUF files, at 1 thread and all cores,
# in one run, with a STREAM triad measured in the same process as aiprofiler's decode (its MBU line).
# Usage: bench/llama-cpp/run.sh [prompt tokens] [generated tokens]   (from the repository root; llama-bench's own
# default is a 512-token prompt)
# 1 thread means the whole process pinned to core 0 (taskset), for both engines; all cores leaves them unpinned.
set -euo pipefail
cd "$(dirname "$0")/../.."
prompt=${1:-512}
gen=${2:-33}
models=bench/llama-cpp/models
(cd bench/llama-cpp && [ -d node_modules/node-llama-cpp ] || npm ci)
dotnet build bench/workloads -c Release -v q -nologo >/dev/null
bench=bench/workloads/bin/Release/net10.0/AiProfiler.Bench.Workloads.dll
for type in f32 f16 q8_0 q4_0 q4_k_m; do
  [ -f "$models/llama-bench-$type.gguf" ] || dotnet "$bench" gguf dir="$models" types="$type"
done
# The ids bench.mjs uses: 1 + (i mod 100).
ids=$(seq 0 $((prompt - 1)) | awk '{ print 1 + ($1 % 100) }' | paste -sd, -)
cores=$(nproc)
for type in f32 f16 q8_0 q4_0 q4_k_m; do
  file="$models/llama-bench-$type.gguf"
  for threads in 1 "$cores"; do
    pin=()
    [ "$threads" = 1 ] && pin=(taskset -c 0)
    echo "== $type, $threads thread(s)"
    "${pin[@]}" dotnet "$bench" inference weights="$file" prompt_ids="$ids" gen="$gen" iterations=1 | grep -E "TTFT|MBU|triad|verification: passed|FAILED" || true
    "${pin[@]}" node bench/llama-cpp/bench.mjs "$file" "$threads" "$prompt" "$gen"
  done
done
