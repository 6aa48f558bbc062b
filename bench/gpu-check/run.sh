#!/bin/bash
# One prepared GPU check: every workload on every GPU device, the kernel and workload tests on the GPU backends,
# the NVML sampler through the agent's /metrics, calibration and advise --validate, ILGPU against CUDA.
# Runs in the repository root of a GPU machine that has the NVIDIA driver but no .NET: bench/gpu-check/pack.sh puts
# the .NET runtime, the Release build and the OpenCL loader in .gpu/ here first. Output goes to stdout and $OUT
# (default ./gpu-check-out). Usage: bash bench/gpu-check/run.sh [deadline_s]
set -u
T0=$(date +%s)
DEADLINE=${1:-420}
ROOT=$PWD
OUT=${OUT:-$ROOT/gpu-check-out}; mkdir -p "$OUT"
LOGS=/tmp/logs; mkdir -p $LOGS
exec > >(tee $OUT/log.txt) 2>&1
el() { echo $(( $(date +%s) - T0 )); }
left() { echo $(( DEADLINE - $(el) )); }
section() { echo; echo "=== [$(el) s] $*"; }
# step SECONDS LABEL CMD...: runs CMD with the smaller of SECONDS and the time left; skips when too little is left
step() {
  local s=$1; shift; local label=$1; shift
  local l; l=$(left)
  if (( l < 10 )); then echo "=== SKIPPED (deadline): $label"; return; fi
  (( s > l )) && s=$l
  section "$label (limit $s s)"
  timeout -k 5 $s "$@"; echo "--- rc=$? after $(el) s"
}

section environment
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem,power.limit --format=csv
nproc; grep -m1 'model name' /proc/cpuinfo; head -2 /etc/os-release; uname -r
ls /usr/local/nvidia/lib64 2>/dev/null | tr '\n' ' '; echo
ldconfig -p | grep -E 'libcuda\.|nvrtc|cublas|OpenCL|nvidia-ml|nvidia-opencl' | head -20
find /usr /opt /lib /lib64 /etc -xdev \( -name 'libnvrtc.so*' -o -name 'libcublas.so*' -o -name 'libnvidia-opencl.so*' -o -name 'libOpenCL.so*' \) 2>/dev/null | head -20
ls -la /etc/OpenCL/vendors 2>&1 | head; cat /etc/OpenCL/vendors/* 2>/dev/null
which gcc g++ curl | tr '\n' ' '; echo

section unpack
mkdir -p /tmp/dn /tmp/ocl && tar -xJf .gpu/dotnet.tar.xz -C /tmp/dn && tar -xJf .gpu/app.tar.xz -C $ROOT
for d in .gpu/*.deb; do dpkg -x $d /tmp/ocl; done
export PATH=/tmp/dn:$PATH DOTNET_ROOT=/tmp/dn DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export LD_LIBRARY_PATH=/tmp/ocl/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
if [ ! -e /etc/OpenCL/vendors/nvidia.icd ]; then
  lib=$(ldconfig -p | awk '/libnvidia-opencl.so.1/{print $NF; exit}')
  [ -z "$lib" ] && lib=$(find /usr /opt /lib /lib64 /etc -xdev -name 'libnvidia-opencl.so.1' 2>/dev/null | head -1)
  if [ -n "$lib" ]; then mkdir -p /tmp/icd; echo "$lib" > /tmp/icd/nvidia.icd; export OCL_ICD_VENDORS=/tmp/icd; echo "OpenCL ICD: $lib"; else echo "no libnvidia-opencl.so.1 here"; fi
fi
dotnet --list-runtimes
A="dotnet $ROOT/src/AiProfiler.Agent/bin/Release/net10.0/aiprofiler.dll"
T=$ROOT/tests

step 60 "devices as installed" $A devices
# Where the toolkit's NVRTC/cuBLAS are off the loader path and outside /usr/local/cuda, add their folders.
for f in $(find /usr /opt /lib /lib64 /etc -xdev \( -name 'libnvrtc.so.1[23]' -o -name 'libcublas.so.1[23]' \) 2>/dev/null | grep -v '^/proc'); do
  d=$(dirname $f); case ":$LD_LIBRARY_PATH:" in *":$d:"*) ;; *) EXTRA="${EXTRA:-}:$d";; esac
done
if [ -n "${EXTRA:-}" ]; then export LD_LIBRARY_PATH=$LD_LIBRARY_PATH$EXTRA; echo "added to LD_LIBRARY_PATH:$EXTRA"; step 60 "devices with toolkit folders" $A devices; fi

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

section "agent: NVML sampler and /metrics"
if (( $(left) > 40 )); then
  $A run > $LOGS/agent.log 2>&1 &
  AG=$!
  sleep 22
  curl -s http://127.0.0.1:9464/metrics > $OUT/metrics.txt; echo "metrics: $(wc -l < $OUT/metrics.txt) lines"
  grep -E '^aiprofiler_(gpu|nvml)' $OUT/metrics.txt | cut -c1-220 | head -40
  grep -E 'roofline|achieved' $OUT/metrics.txt | grep -E 'cuda|opencl' | grep -v '^#' | cut -c1-220 | head -20
  kill $AG; wait $AG 2>/dev/null
  grep -a -i -E 'warn|fail|error|unavailable' $LOGS/agent.log | head -20
  cp $LOGS/agent.log $OUT/agent.log
fi

B="-n 5 --warmup 1 --time-budget 6"
for dev in cuda:0 ilgpu-cuda:0 opencl:0; do
  step 45 "bench gemm $dev" $A bench -w gemm -d $dev -p m=4096 -p n=4096 -p k=4096 -p precision=fp32,fp16,bf16 $B
done
bench_rest() {
  local dev=$1
  step 40 "bench attention $dev" $A bench -w attention -d $dev -p batch=1 -p heads=16 -p seq=4096 -p causal=true -p variant=fused,naive $B
  step 40 "bench finetune $dev" $A bench -w finetune -d $dev -p mode=full,lora $B
  step 60 "bench inference gpt2-medium $dev" $A bench -w inference -d $dev -p preset=medium -p batch=1,8 -p prompt=128 -p gen=32 $B
}
bench_rest cuda:0
step 150 "calibrate" $A calibrate
step 120 "advise --validate gpt2-medium" $A advise --model gpt2-medium -d cuda:0 -d ilgpu-cuda:0 -d opencl:0 --validate
step 30 "advise llama-3.1-8b" $A advise --model llama-3.1-8b --precision fp16 --precision q4_0
bench_rest ilgpu-cuda:0
bench_rest opencl:0
step 90 "bench inference llama-1b cuda:0" $A bench -w inference -d cuda:0 -p preset=llama-1b -p precision=fp16,q4_0 -p prompt=128 -p gen=32 $B
step 90 "ilgpu-vs-cuda" dotnet $ROOT/bench/ilgpu-vs-cuda/bin/Release/net10.0/AiProfiler.Bench.IlgpuVsCuda.dll size=4096 seq=2048 rounds=3
section "done"
