#!/usr/bin/env bash
# aiprofiler against llama.cpp (node-llama-cpp 3.21.1's CPU build) on the same GGUF files, at 1 thread and all cores,
# in one run, with a STREAM triad measured in the same process as aiprofiler's decode (its MBU line).
# Usage: bench/llama-cpp/run.sh [prompt tokens] [generated tokens] [repetitions]   (from the repository root;
# llama-bench's own default is a 512-token prompt). TYPES="f16 q4_k_m" measures only those types (default all five).
# 1 thread means the whole process pinned to core 0 (taskset), for both engines; all cores leaves them unpinned.
# Each repetition runs the two engines one after the other (pairs alternate, so a neighbour's burst on a shared VM
# lands on both alike); the summary at the end gives each engine's median over the repetitions and their ratio.
# Decode MBU is against the triad our process measures between iterations (streaming stores, the higher figure), and,
# in the last column, against the same triad with ordinary stores (what stream.c built without streaming stores gives).
# ISA=avx2 measures both engines as a CPU without AVX-512 would run them: ours with DOTNET_EnableAVX512=0, llama.cpp
# from a hard-linked copy of its libraries without the AVX-512 variants (ggml then loads the best of the rest, e.g.
# alderlake: AVX2 with AVX-VNNI, or haswell), removed again at the end.
# BATCH=B decodes B sequences at once in both engines (ours batch=B; llama.cpp B sequences of one context, their
# steps batched into one llama_decode each): tokens/s are the B sequences' together, and llama.cpp's MBU counts one
# step (our step's bytes) per B of its tokens.
set -euo pipefail
cd "$(dirname "$0")/../.."
prompt=${1:-512}
gen=${2:-33}
reps=${3:-1}
types=${TYPES:-f32 f16 q8_0 q4_0 q4_k_m}
isa=${ISA:-native}
batch=${BATCH:-1}
case "$isa" in
  native|avx2) ;;
  *) echo "run.sh: unknown ISA '$isa'; choose native (the default) or avx2" >&2; exit 2 ;;
esac
case "$prompt$gen$reps" in
  *[!0-9]*) echo "run.sh: prompt, generated tokens and repetitions must be whole numbers; e.g. run.sh 512 33 3" >&2; exit 2 ;;
esac
case "$batch" in
  ''|*[!0-9]*|0) echo "run.sh: BATCH must be a whole number of sequences from 1; e.g. BATCH=4" >&2; exit 2 ;;
esac
for type in $types; do
  case "$type" in
    f32|f16|q8_0|q4_0|q4_k_m) ;;
    *) echo "run.sh: unknown type '$type' in TYPES; choose from f32 f16 q8_0 q4_0 q4_k_m" >&2; exit 2 ;;
  esac
done
models=bench/llama-cpp/models
(cd bench/llama-cpp && [ -d node_modules/node-llama-cpp ] || npm ci)
dotnet build bench/workloads -c Release -v q -nologo >/dev/null
bench=bench/workloads/bin/Release/net10.0/AiProfiler.Bench.Workloads.dll
for type in $types; do
  [ -f "$models/llama-bench-$type.gguf" ] || dotnet "$bench" gguf dir="$models" types="$type"
done
# The ids bench.mjs uses: 1 + (i mod 100).
ids=$(seq 0 $((prompt - 1)) | awk '{ print 1 + ($1 % 100) }' | paste -sd, -)
cores=$(nproc)
results=$(mktemp)
engine=bench/llama-cpp
ours_env=()
if [ "$isa" = avx2 ]; then
  engine=$(mktemp -d)
  trap 'rm -f "$results"; rm -rf "$engine"' EXIT
  cp bench/llama-cpp/bench.mjs bench/llama-cpp/package.json "$engine/"
  # Hard links where /tmp shares the file system, a copy (about 0.7 GB) where it does not.
  cp -al bench/llama-cpp/node_modules "$engine/" 2>/dev/null || { rm -rf "$engine/node_modules"; cp -a bench/llama-cpp/node_modules "$engine/"; }
  rm -f "$engine"/node_modules/@node-llama-cpp/linux-x64/bins/linux-x64/libggml-cpu-{zen4,skylakex,cascadelake,cooperlake,cannonlake,icelake,sapphirerapids}.so
  ours_env=(env DOTNET_EnableAVX512=0)
  echo "ISA=avx2: AVX-512 off for both engines; llama.cpp's CPU variants left: $(cd "$engine/node_modules/@node-llama-cpp/linux-x64/bins/linux-x64" && ls libggml-cpu-*.so | sed 's/libggml-cpu-//; s/\.so//' | paste -sd' ' -)"
else
  trap 'rm -f "$results"' EXIT
fi
for type in $types; do
  file="$models/llama-bench-$type.gguf"
  for threads in 1 "$cores"; do
    pin=()
    [ "$threads" = 1 ] && pin=(taskset -c 0)
    for rep in $(seq 1 "$reps"); do
      echo "== $type, $threads thread(s), repetition $rep of $reps"
      ours=$("${ours_env[@]}" "${pin[@]}" dotnet "$bench" inference weights="$file" prompt_ids="$ids" gen="$gen" batch="$batch" iterations=1)
      echo "$ours" | grep -E "TTFT|MBU|triad|verification: passed|FAILED" || true
      # "TTFT mean 1234.5 ms (prefill 98.7 tokens/s); TPOT mean ... ; 21.63 tokens/s"
      # "stream triad: ... median 45.10 GB/s, ..."; "bytes per decode step 0.512 GB (...)"; "MBU against the triad: 0.91 median/median ..."
      triad=$(echo "$ours" | sed -nE 's/^stream triad:.* median ([0-9.]+) GB\/s.*/\1/p')
      step=$(echo "$ours" | sed -nE 's/.*bytes per decode step ([0-9.]+) GB.*/\1/p')
      mbu=$(echo "$ours" | sed -nE 's/.*MBU against the triad: ([0-9.]+) median.*/\1/p')
      plain=$(echo "$ours" | sed -nE 's/.*plain-store triad.*MBU against it: ([0-9.]+) median.*/\1/p')
      echo "$ours" | awk -v t="$type" -v n="$threads" -v m="${mbu:-0}" -v pm="${plain:-0}" '/TTFT mean/ { p = $0; sub(/.*\(prefill /, "", p); sub(/ tokens.*/, "", p); d = $0; sub(/ tokens\/s$/, "", d); sub(/.*; /, "", d); print t, n, "ours", p, d, m, pm }' >> "$results"
      theirs=$("${pin[@]}" node "$engine/bench.mjs" "$file" "$threads" "$prompt" "$gen" "$batch" 2>/dev/null | grep '"engine"')
      echo "$theirs"
      # llama.cpp's MBU: its decode rate times the bytes our step reads (the same weights and KV cache), over the triad
      # our process measured just before it.
      echo "$theirs" | sed -E 's/.*"prefill_tokens_per_second":([0-9.e+-]+).*"decode_tokens_per_second":([0-9.e+-]+).*/\1 \2/' | awk -v t="$type" -v n="$threads" -v b="${step:-0}" -v tr="${triad:-0}" -v B="$batch" '{ print t, n, "llama", $1, $2, (tr > 0 ? $2 / B * b / tr : 0) }' >> "$results"
    done
  done
done
echo
echo "prompt $prompt, $gen generated, batch $batch, instruction set $isa, medians of $reps repetition(s), tokens/s and MBU: ours / llama.cpp (llama.cpp's MBU: its decode rate times our step's bytes over our triad of the same pair)"
echo "| type | threads | prefill | ratio | decode | ratio | decode MBU vs triad | ours vs plain-store triad |"
echo "|---|---|---|---|---|---|---|---|"
for type in $types; do
  for threads in 1 "$cores"; do
    median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
    op=$(awk -v t="$type" -v n="$threads" '$1 == t && $2 == n && $3 == "ours" { print $4 }' "$results" | median)
    od=$(awk -v t="$type" -v n="$threads" '$1 == t && $2 == n && $3 == "ours" { print $5 }' "$results" | median)
    lp=$(awk -v t="$type" -v n="$threads" '$1 == t && $2 == n && $3 == "llama" { print $4 }' "$results" | median)
    ld=$(awk -v t="$type" -v n="$threads" '$1 == t && $2 == n && $3 == "llama" { print $5 }' "$results" | median)
    om=$(awk -v t="$type" -v n="$threads" '$1 == t && $2 == n && $3 == "ours" { print $6 }' "$results" | median)
    lm=$(awk -v t="$type" -v n="$threads" '$1 == t && $2 == n && $3 == "llama" { print $6 }' "$results" | median)
    # Our MBU against the same triad with ordinary stores (what stream.c compiled without streaming stores reports).
    pm=$(awk -v t="$type" -v n="$threads" '$1 == t && $2 == n && $3 == "ours" { print $7 }' "$results" | median)
    awk -v t="$type" -v n="$threads" -v op="$op" -v od="$od" -v lp="$lp" -v ld="$ld" -v om="$om" -v lm="$lm" -v pm="$pm" 'BEGIN {
      printf "| %s | %s | %.1f / %.1f | %.2f× | %.2f / %.2f | %.2f× | %.2f / %.2f | %.2f |\n", toupper(t), n, op, lp, (lp > 0 ? op / lp : 0), od, ld, (ld > 0 ? od / ld : 0), om, lm, pm }'
  done
done
