#!/bin/bash
# Packs what bench/gpu-check/run.sh needs on a GPU machine without .NET into .gpu/ (ignored by git, about 43 MB):
# the .NET runtime of this machine, the Release build of the agent, the GPU test projects and the ILGPU-vs-CUDA
# benchmark, and Debian's OpenCL ICD loader and CLBlast. Run from the repository root after
# `dotnet build AiProfiler.sln -c Release`.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
mkdir -p .gpu
# A fresh machine has no package lists yet: update them once when the download finds nothing.
(cd .gpu && { apt-get download ocl-icd-libopencl1 libclblast1 2>/dev/null || { apt-get update -qq && apt-get download ocl-icd-libopencl1 libclblast1; }; })
tar -C "$dotnet_root" -cf - dotnet host shared | xz -T0 -6 > .gpu/dotnet.tar.xz
paths="src/AiProfiler.Agent/bin/Release/net10.0 bench/ilgpu-vs-cuda/bin/Release/net10.0"
for t in Kernels Backends.Cuda Backends.Ilgpu Backends.OpenCL Telemetry Workloads.Gemm Workloads.Attention Workloads.FineTune Workloads.Inference; do
  paths="$paths tests/AiProfiler.$t.Tests/bin/Release/net10.0"
done
# shellcheck disable=SC2086 # word splitting of the path list is intended
tar -cf - $paths $(git ls-files -o -i --exclude-standard plugins | grep -v /obj/) | xz -T0 -9 > .gpu/app.tar.xz
ls -la .gpu
