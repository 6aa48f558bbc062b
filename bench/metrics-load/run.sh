#!/usr/bin/env bash
# Load benchmark of /metrics: wrk against the agent (with >= 1000 series) and against Debian's node_exporter, on the
# same machine in the same run, so the ratio means something whatever the machine. Prints requests/s, p99 latency
# and errors for both, the ratio, and the agent's resident memory before and after the load. Two passes: "plain"
# (wrk's bare request: text format, uncompressed) and "prometheus" (the Accept and Accept-Encoding: gzip headers
# Prometheus sends on every scrape).
#
#   bench/metrics-load/run.sh            # wrk -t2 -c16 -d10s --latency
#   DURATION=30s bench/metrics-load/run.sh
#
# The agent runs the schedule in agent-schedule.json: 24 small GEMM shapes, each run once at start (interval one
# day), so the load hits a fixed exposition of > 1000 series while nothing else runs. Needs: dotnet, wrk,
# prometheus-node-exporter (Debian packages wrk and prometheus-node-exporter).
set -euo pipefail

cd "$(dirname "$0")/../.."
DURATION="${DURATION:-10s}"
THREADS=2
CONNECTIONS=16
MIN_SERIES=1000
WORK="$(mktemp -d)"
AGENT_PID=""
NODE_PID=""

cleanup() {
    for pid in "$AGENT_PID" "$NODE_PID"; do
        if [[ -n "$pid" ]]; then
            kill "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

fail() { echo "metrics-load: $*" >&2; exit 1; }

for tool in dotnet wrk prometheus-node-exporter curl ss; do
    command -v "$tool" >/dev/null || fail "$tool is missing; install it (apt-get install wrk prometheus-node-exporter curl iproute2)"
done

free_port() {
    local port
    while :; do
        port=$((20000 + RANDOM % 40000))
        if [[ -z "$(ss -Htln "sport = :$port")" ]]; then
            echo "$port"
            return
        fi
    done
}

series_count() { grep -vc '^#' || true; }

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# wrk prints latencies as 850.00us, 1.23ms or 1.02s; report milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
        else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
        else { printf "%s", v } }'
}

PROMETHEUS_ACCEPT="application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"

# Runs wrk (extra arguments are passed on, e.g. headers) and sets RPS, P99_MS, ERRORS from its report.
measure() {
    local url="$1" report="$WORK/wrk.txt"
    shift
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "$url" > "$report"
    RPS="$(awk '/^Requests\/sec:/ { print $2 }' "$report")"
    P99_MS="$(to_ms "$(awk '$1 == "99%" { print $2 }' "$report")")"
    local non2xx socket
    non2xx="$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$report")"
    socket="$(awk '/Socket errors:/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' "$report")"
    ERRORS=$(( ${non2xx:-0} + ${socket:-0} ))
}

echo "Building the agent (Release)..."
dotnet build src/AiProfiler.Agent/AiProfiler.Agent.csproj -c Release -nologo -v q > "$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; fail "build failed"; }

AGENT_PORT="$(free_port)"
dotnet src/AiProfiler.Agent/bin/Release/net10.0/aiprofiler.dll run \
    --urls "http://127.0.0.1:$AGENT_PORT" --plugins plugins --config bench/metrics-load/agent-schedule.json \
    > "$WORK/agent.log" 2>&1 &
AGENT_PID=$!

NODE_PORT="$(free_port)"
while [[ "$NODE_PORT" == "$AGENT_PORT" ]]; do NODE_PORT="$(free_port)"; done
prometheus-node-exporter --web.listen-address="127.0.0.1:$NODE_PORT" > "$WORK/node.log" 2>&1 &
NODE_PID=$!

AGENT_URL="http://127.0.0.1:$AGENT_PORT/metrics"
NODE_URL="http://127.0.0.1:$NODE_PORT/metrics"

echo "Waiting for the agent to expose >= $MIN_SERIES series..."
AGENT_SERIES=0
for _ in $(seq 1 240); do
    kill -0 "$AGENT_PID" 2>/dev/null || { cat "$WORK/agent.log"; fail "the agent exited"; }
    AGENT_SERIES="$(curl -sf "$AGENT_URL" | series_count)" || AGENT_SERIES=0
    [[ "$AGENT_SERIES" -ge "$MIN_SERIES" ]] && break
    sleep 0.5
done
[[ "$AGENT_SERIES" -ge "$MIN_SERIES" ]] || { cat "$WORK/agent.log"; fail "the agent shows only $AGENT_SERIES series"; }
# Runs finish over a few seconds; take the count once it stops growing.
sleep 2
AGENT_SERIES="$(curl -sf "$AGENT_URL" | series_count)"
AGENT_BYTES="$(curl -sf "$AGENT_URL" | wc -c)"

for _ in $(seq 1 40); do
    curl -sf "$NODE_URL" > /dev/null && break
    sleep 0.25
done
NODE_SERIES="$(curl -sf "$NODE_URL" | series_count)" || fail "node_exporter does not answer on $NODE_URL"
NODE_BYTES="$(curl -sf "$NODE_URL" | wc -c)"

echo "Warming up (2 s each, not counted)..."
# Both passes are warmed, so the first-use allocations of each response path (gzip, OpenMetrics) are not read as growth.
for url in "$AGENT_URL" "$NODE_URL"; do
    wrk -t"$THREADS" -c"$CONNECTIONS" -d2s "$url" > /dev/null
    wrk -t"$THREADS" -c"$CONNECTIONS" -d2s -H "Accept: $PROMETHEUS_ACCEPT" -H "Accept-Encoding: gzip" "$url" > /dev/null
done

LOAD_BEFORE="$(cut -d' ' -f1 /proc/loadavg)"
RSS_BEFORE="$(rss_kib "$AGENT_PID")"
ROWS=()
RATIOS=()
RSS_STEPS=()
for pass in plain prometheus; do
    headers=()
    if [[ "$pass" == prometheus ]]; then
        headers=(-H "Accept: $PROMETHEUS_ACCEPT" -H "Accept-Encoding: gzip")
    fi

    measure "$AGENT_URL" "${headers[@]}"
    AGENT_RPS="$RPS"; AGENT_P99="$P99_MS"; AGENT_ERRORS="$ERRORS"
    measure "$NODE_URL" "${headers[@]}"
    NODE_RPS="$RPS"; NODE_P99="$P99_MS"; NODE_ERRORS="$ERRORS"
    ROWS+=("$(printf '%-11s %-15s %8s %9s %13s %10s %8s' "$pass" aiprofiler "$AGENT_SERIES" "$AGENT_BYTES" "$AGENT_RPS" "$AGENT_P99" "$AGENT_ERRORS")")
    ROWS+=("$(printf '%-11s %-15s %8s %9s %13s %10s %8s' "$pass" node_exporter "$NODE_SERIES" "$NODE_BYTES" "$NODE_RPS" "$NODE_P99" "$NODE_ERRORS")")
    RSS_STEPS+=("$(rss_kib "$AGENT_PID")")
    RATIOS+=("$pass: $(awk -v a="$AGENT_RPS" -v n="$NODE_RPS" 'BEGIN { if (n > 0) printf "%.1f", a / n; else print "n/a" }')x")
done
RSS_AFTER="$(rss_kib "$AGENT_PID")"

echo
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, $(nproc) cores, load average $LOAD_BEFORE before the load (other processes share the cores); bytes = uncompressed text body"
printf '%-11s %-15s %8s %9s %13s %10s %8s\n' pass target series bytes requests/s "p99 (ms)" errors
printf '%s\n' "${ROWS[@]}"
echo "requests/s ratio (aiprofiler / node_exporter): ${RATIOS[*]}"
echo "aiprofiler RSS: ${RSS_BEFORE} KiB before the load, after each pass: ${RSS_STEPS[*]} KiB; ${RSS_AFTER} KiB after ($(( RSS_AFTER - RSS_BEFORE )) KiB)"
