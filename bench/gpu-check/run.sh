#!/bin/bash
# One prepared GPU check: every workload on every GPU device, the kernel and workload tests on the GPU backends,
# the NVML sampler through the agent's /metrics, calibration and advise --validate, ILGPU against CUDA.
# Runs in the repository root of a GPU machine that has the NVIDIA driver but no .NET: bench/gpu-check/pack.sh puts
# the .NET runtime, the Release build and the OpenCL loader in .gpu/ here first. Output goes to stdout and $OUT
# (default ./gpu-check-out). Usage: bash bench/gpu-check/run.sh [deadline_s]
set -u
DEADLINE=${1:-420}
# shellcheck source=bench/gpu-check/env.sh
. "$(dirname "$0")/env.sh"
section "tests (in parallel, logs in tests.tar.gz)"
run_tests() { # name env-accelerator assembly
  local name=$1 acc=$2 asm=$3
  [ -n "${SKIP_TESTS:-}" ] && return
  ( AIPROFILER_TEST_ACCELERATOR=$acc timeout -k 5 $(( $(left) > 120 ? 120 : $(left) )) dotnet $T/$asm/bin/Release/net10.0/$asm.dll -noColor > $LOGS/test-$name.log 2>&1; echo "rc=$?" >> $LOGS/test-$name.log ) &
  PIDS="${PIDS:-} $!"
}
run_tests kernels-cuda cuda AiProfiler.Kernels.Tests
run_tests kernels-opencl opencl AiProfiler.Kernels.Tests
run_tests gemm-cuda cuda AiProfiler.Workloads.Gemm.Tests
run_tests attention-cuda cuda AiProfiler.Workloads.Attention.Tests
run_tests finetune-cuda cuda AiProfiler.Workloads.FineTune.Tests
run_tests inference-cuda cuda AiProfiler.Workloads.Inference.Tests
run_tests cuda '' AiProfiler.Backends.Cuda.Tests
run_tests ilgpu '' AiProfiler.Backends.Ilgpu.Tests
run_tests telemetry '' AiProfiler.Telemetry.Tests
run_tests opencl '' AiProfiler.Backends.OpenCL.Tests
# Wait for the test runs only: a bare `wait` would also wait for the tee behind this script's output.
[ -n "${PIDS:-}" ] && wait $PIDS
for f in $LOGS/test-*.log; do echo "--- $(basename $f): $(grep -a 'Total:' $f | tail -1) $(tail -1 $f)"; grep -a -E '^\s*\[FAIL\]' $f | head -12; done
(cd $LOGS && tar -czf $OUT/tests.tar.gz test-*.log)

step 150 "calibrate" $A calibrate
B="-n 5 --warmup 1 --time-budget 6"
for dev in cuda:0 ilgpu-cuda:0 opencl:0; do
  step 45 "bench gemm $dev" $A bench -w gemm -d $dev -p m=4096 -p n=4096 -p k=4096 -p precision=fp32,fp16,bf16 $B
done
step 90 "bench inference llama-1b cuda:0" $A bench -w inference -d cuda:0 -p preset=llama-1b -p precision=fp32,fp16,bf16,q8_0,q4_0,q4_k -p prompt=128 -p gen=16 $B
step 60 "bench inference llama-1b opencl:0" $A bench -w inference -d opencl:0 -p preset=llama-1b -p precision=fp16,q8_0,q4_k -p prompt=128 -p gen=16 $B
step 120 "advise --validate gpt2-medium" $A advise --model gpt2-medium -d cuda:0 -d ilgpu-cuda:0 -d opencl:0 --validate
step 90 "advise --validate llama-3.2-1b" $A advise --model llama-3.2-1b --precision fp16 --precision q4_0 -d cuda:0 -d opencl:0 --validate
# TTFT against prompt length (intercept: fixed per-pass costs; slope: the GEMM rate at those rows)
step 60 "TTFT sweep cuda:0" $A bench -w inference -d cuda:0 -p preset=medium -p batch=1 -p prompt=8,32,128,512 -p gen=8 $B
step 60 "TTFT sweep opencl:0" $A bench -w inference -d opencl:0 -p preset=medium -p batch=1 -p prompt=8,32,128,512 -p gen=8 $B
step 30 "advise llama-3.1-8b" $A advise --model llama-3.1-8b --precision fp16 --precision q4_0

section "agent: NVML sampler and /metrics"
if (( $(left) > 40 )); then
  $A run > $LOGS/agent.log 2>&1 &
  AG=$!
  sleep 18
  curl -s http://127.0.0.1:9464/metrics > $OUT/metrics.txt; echo "metrics: $(wc -l < $OUT/metrics.txt) lines"
  grep -E '^aiprofiler_(gpu|nvml)' $OUT/metrics.txt | cut -c1-220 | head -30
  grep -E 'ceiling' $OUT/metrics.txt | grep -E 'cuda|opencl' | grep -v '^#' | cut -c1-220 | head -30
  kill $AG; wait $AG 2>/dev/null
  grep -a -i -E 'warn|fail|error|unavailable' $LOGS/agent.log | head -20
  cp $LOGS/agent.log $OUT/agent.log
fi

step 60 "bench inference gpt2-medium cuda:0" $A bench -w inference -d cuda:0 -p preset=medium -p batch=1,8 -p prompt=128 -p gen=32 $B
step 60 "bench inference gpt2-medium ilgpu-cuda:0" $A bench -w inference -d ilgpu-cuda:0 -p preset=medium -p batch=1,8 -p prompt=128 -p gen=32 $B
step 60 "bench inference gpt2-medium opencl:0" $A bench -w inference -d opencl:0 -p preset=medium -p batch=1,8 -p prompt=128 -p gen=32 $B
step 40 "bench attention cuda:0" $A bench -w attention -d cuda:0 -p batch=1 -p heads=16 -p seq=4096 -p causal=true -p variant=fused,naive $B
step 40 "bench finetune cuda:0" $A bench -w finetune -d cuda:0 -p mode=full,lora $B
step 90 "ilgpu-vs-cuda" dotnet $ROOT/bench/ilgpu-vs-cuda/bin/Release/net10.0/AiProfiler.Bench.IlgpuVsCuda.dll size=4096 seq=2048 rounds=3
section "done"
