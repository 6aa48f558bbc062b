#!/usr/bin/env bash
# Installs what the tests need on Debian when it is missing, then runs the whole test suite.
#   ./test.sh                 everything
#   ./test.sh --filter X      passed through to `dotnet test`
set -euo pipefail
cd "$(dirname "$0")"

# PoCL runs the OpenCL kernels on the CPU; CLBlast and OpenBLAS are the BLAS backends; Prometheus, promtool,
# node_exporter and wrk are the real peers the integration tests and benchmarks talk to; gcc builds the fake
# libcuda/libnvrtc/libcublas that drives the CUDA bindings end to end without a GPU; systemd-analyze checks the unit;
# Chromium (driven by Playwright, never downloaded by it) and a font render the agent's page in the browser tests.
packages=(gcc g++ systemd pocl-opencl-icd ocl-icd-libopencl1 libclblast1 libopenblas0 prometheus prometheus-node-exporter wrk chromium fonts-dejavu-core)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
dotnet test AiProfiler.sln -c Release --blame-hang-timeout 10m "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# The AVX2 pass: a machine without AVX-512 takes other code paths in the CPU kernels. Run the CPU backend's and the
# workloads' tests again with AVX-512 hidden from the JIT and the managed GEMM forced, so those paths are tested on
# every machine, AVX-512 or not.
if [ "$status" -eq 0 ]; then
  echo "test.sh: AVX2 pass (DOTNET_EnableAVX512=0, AIPROFILER_CPU_GEMM=simd)"
  for project in tests/AiProfiler.Backends.Cpu.Tests tests/AiProfiler.Workloads.*.Tests; do
    DOTNET_EnableAVX512=0 DOTNET_EnableAVX512F=0 AIPROFILER_CPU_GEMM=simd \
      dotnet test "$project" -c Release --no-build --blame-hang-timeout 10m "$@" 2>&1 | tee -a "$log"
    [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  done
fi
set -e

# One closing line over all test assemblies: "N passed, N failed, N skipped".
awk '/(Passed|Failed)! +- Failed:/ {
       for (i = 1; i <= NF; i++) { v = $(i+1); gsub(",", "", v);
         if ($i == "Failed:") f += v; else if ($i == "Passed:") p += v; else if ($i == "Skipped:") s += v } }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
