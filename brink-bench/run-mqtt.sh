#!/usr/bin/env bash
# Issue-3 device-endpoint benchmarks (dev.brink.bench.mqtt) in one bounded run (10-14 minutes on a busy machine):
#   1. TelemetryIngestBenchmark  QoS 1 telemetry over TLS, Mosquitto (baseline) vs the Brink hub
#   2. DesiredLatencyBenchmark   REST desired patch -> device notification latency at a fixed rate
#   3. ConnectionScaleBenchmark  10,000 TLS device connections held; hub (and Mosquitto) RSS
# Builds the hub and the benchmark, installs Mosquitto (apt-get) if it is missing, makes a throw-away CA and
# server certificate for Mosquitto, starts Mosquitto on a free loopback port; each benchmark starts its own
# hub in a child JVM with a fresh data directory (its own CA). Every process started here is stopped on exit.
# Results (markdown) go to stdout and brink-bench/target/mqtt-bench/results.md; hub logs and thread dumps stay
# in brink-bench/target/mqtt-bench/.
# Usage: brink-bench/run-mqtt.sh [--quick]   (--quick: shorter runs, 1,000 connections; for trying it out)
# BRINK_OFFLINE=1 builds with mvn -o.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
quick=0
if [[ "${1:-}" == "--quick" ]]; then quick=1; fi

work="$root/brink-bench/target/mqtt-bench"
mosquitto_pid=""
cleanup() {
  local status=$?
  set +e
  if [[ -n "$mosquitto_pid" ]] && kill -0 "$mosquitto_pid" 2>/dev/null; then
    kill "$mosquitto_pid"; wait "$mosquitto_pid" 2>/dev/null
  fi
  # hubs the benchmarks started (normally already stopped by the benchmark JVM itself)
  for f in "$work"/pids/*.pid; do
    [[ -e "$f" ]] || continue
    pid="$(cat "$f")"
    if grep -qs 'dev.brink.hub.HubMain' "/proc/$pid/cmdline"; then kill "$pid"; fi
    rm -f "$f"
  done
  rm -rf "$work"/*-data "$work/tls"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 10,000 client connections need more than the default 1,024 descriptors (the hub inherits the limit too).
ulimit -n "$(ulimit -Hn)"
if (( $(ulimit -n) < 12000 )); then echo "warning: only $(ulimit -n) file descriptors allowed" >&2; fi

# shellcheck source=brink-bench/mosquitto-baseline.sh
source "$root/brink-bench/mosquitto-baseline.sh"
install_mosquitto

offline=()
if [[ "${BRINK_OFFLINE:-}" == 1 ]]; then offline=(-o); fi
echo "Building..." >&2
./mvnw -B -q "${offline[@]}" -Dmaven.test.skip=true -pl brink-bench -am install
rm -rf "$work" && mkdir -p "$work/pids" "$work/tls"
cpfile="$work/classpath.txt"
./mvnw -B -q "${offline[@]}" -pl brink-bench dependency:build-classpath -Dmdep.outputFile="$cpfile" \
  -Dmdep.includeScope=runtime
# Private copies of the jars, so that a rebuild during the run cannot change them under us.
lib="$work/lib"
mkdir -p "$lib"
cp "$root/brink-bench/target/brink-bench-"*.jar "$lib/"
IFS=: read -r -a entries < "$cpfile" || true  # no trailing newline: read returns 1
for jar in "${entries[@]}"; do cp "$jar" "$lib/"; done

start_mosquitto "$work"

results="$work/results.md"
{
  echo "### Machine"
  echo
  echo '```'
  echo "nproc: $(nproc)"
  echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
  free -h
  java -version 2>&1
  mosquitto -h 2>/dev/null | head -1 || true
  echo '```'
  echo
} | tee "$results"

# Each benchmark is bounded: SIGTERM after its time budget (its shutdown hook stops its hub), SIGKILL 40 s later.
bench() {
  local budget="$1" main="$2"; shift 2
  echo "== $main" >&2
  timeout -k 40 "$budget" java -Xms1g -Xmx2g -cp "$lib/*" "dev.brink.bench.mqtt.$main" \
    --work "$work" --out "$results" "$@" || echo "$main failed or ran out of time (exit $?)" | tee -a "$results" >&2
}
if (( quick )); then
  ingest=(--warmup 2 --seconds 4)
  desired=(--seconds 5)
  scale=(--connections 1000 --hold 5)
else
  ingest=()
  desired=()
  scale=()
fi
mosq=(--mosquitto-port "$mosquitto_port" --mosquitto-ca "$tls/ca.pem" --mosquitto-pid "$mosquitto_pid")
bench 240 TelemetryIngestBenchmark "${mosq[@]}" "${ingest[@]}"
bench 180 DesiredLatencyBenchmark "${desired[@]}"
bench 420 ConnectionScaleBenchmark "${mosq[@]}" "${scale[@]}"
echo "Results: $results" >&2
