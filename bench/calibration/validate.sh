#!/usr/bin/env bash
# The advisor's validation benchmark on this machine (#13's targets: TTFT within 25 %, TPOT within 15 %): a fresh
# `aiprofiler calibrate` in its own state directory, then `advise --validate` for GPT-2 medium twice, GPT-2 large and
# Llama-3.2-1B in q8_0 on the CPU, and GPT-2 medium on opencl:0 (PoCL, shortened by the validation plan). Prints the
# calibration's figures the predictions rest on and, per run, predicted against measured TTFT and TPOT with the error
# from the calibration and from the ceilings re-measured around the run ("now"). About 4 minutes on the 2-core VM.
# Usage: dotnet build src/AiProfiler.Agent -c Release && bench/calibration/validate.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
agent="${AGENT:-$root/src/AiProfiler.Agent/bin/Release/net10.0/aiprofiler.dll}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
printf '{"Calibration":{"Directory":"%s"}}' "$work/state" > "$work/config.json"
run() { dotnet "$agent" "$@" --config "$work/config.json" 2>/dev/null; }
date -u '+calibrate at %H:%M UTC'
run calibrate --format json > "$work/calibration.json"
python3 - "$work/calibration.json" <<'PY'
import json, sys
for device in json.load(open(sys.argv[1]))["devices"]:
    for w in device["workloads"]:
        if w["precision"] in ("fp32", "q8_0") and w["kind"] in ("prefill-gemm", "prefill-gemm-narrow", "prefill-attention", "prefill-elementwise", "decode-bandwidth", "decode-bandwidth-narrow"):
            r = w["rate"]
            print(f'  {device["deviceId"]:9} {w["kind"]} {w["precision"]}: median {r["median"]/1e9:.1f}, passes {r["low"]/1e9:.1f}-{r["high"]/1e9:.1f} G/s')
PY
validate() {
  local label=$1; shift
  run advise "$@" --validate --format json > "$work/advice.json"
  python3 - "$label" "$work/advice.json" <<'PY'
import json, sys
label, path = sys.argv[1], sys.argv[2]
data = json.load(open(path))
for scenario in data.get("scenarios", [data]):
    for p in scenario["predictions"]:
        for v in p.get("validation") or []:
            if v["metric"] in ("ttft_seconds", "tpot_seconds"):
                now = v.get("relativeErrorNow")
                print(f'{label:24} {p["deviceId"]:9} {v["metric"][:4]} predicted {1000*v["predicted"]:9.2f} ms measured {1000*v["measured"]:9.2f} ms'
                      f' error {100*v["relativeError"]:+6.1f} %' + (f' (now {100*now:+6.1f} %)' if now is not None else ''))
PY
}
validate gpt2-medium --model gpt2-medium --device cpu
validate gpt2-medium-again --model gpt2-medium --device cpu
validate gpt2-large --model gpt2-large --device cpu
validate llama-3.2-1b-q8_0 --model llama-3.2-1b --precision q8_0 --device cpu
validate gpt2-medium-pocl --model gpt2-medium --device opencl:0
date -u '+done at %H:%M UTC'
