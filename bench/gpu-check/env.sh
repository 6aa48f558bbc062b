# Sourced by run.sh and validate.sh: timing helpers, the environment report, and the unpacking of .gpu/ (the .NET
# runtime, the Release build, Debian's OpenCL loader and CLBlast) with the OpenCL ICD and CUDA toolkit folders found.
# The caller sets DEADLINE (seconds). Defines A (the agent command), T (the tests folder), step, section, left.
T0=$(date +%s)
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

