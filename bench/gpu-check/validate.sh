#!/bin/bash
# The shorter GPU check, for a second loan after run.sh: calibration (with the prefill attention ceiling) and
# `advise --validate` for GPT-2 medium on every GPU device and Llama-3.2-1B in fp16 and q4_0 on cuda:0 and opencl:0,
# then GPT-2 medium's TTFT against prompt length on cuda:0 (the run the attention term was fitted to explain).
# Same setup as run.sh (bench/gpu-check/pack.sh first). Usage: bash bench/gpu-check/validate.sh [deadline_s]
set -u
DEADLINE=${1:-240}
# shellcheck source=bench/gpu-check/env.sh
. "$(dirname "$0")/env.sh"
B="-n 5 --warmup 1 --time-budget 6"
step 150 "calibrate" $A calibrate
step 120 "advise --validate gpt2-medium" $A advise --model gpt2-medium -d cuda:0 -d ilgpu-cuda:0 -d opencl:0 --validate
step 90 "advise --validate llama-3.2-1b" $A advise --model llama-3.2-1b --precision fp16 --precision q4_0 -d cuda:0 -d opencl:0 --validate
step 60 "TTFT sweep cuda:0" $A bench -w inference -d cuda:0 -p preset=medium -p batch=1 -p prompt=32,128,256,512 -p gen=8 $B
section "done"
