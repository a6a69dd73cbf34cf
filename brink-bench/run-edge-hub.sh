#!/usr/bin/env bash
# Issue-5 edge hub benchmarks (dev.brink.bench.mqtt.EdgeHubBenchmark, docs/benchmarks.md "Edge hub"):
#   1. routed  module -> module through a route and the durable store (QoS 1, TLS), interleaved round by round
#              with Mosquitto doing QoS 1 publish -> subscribe with the same load generator and parameters
#   2. drain   N queued 1 KB messages (hub stopped, filled through the edge hub), hub started -> time to drain
#   3. rss     edge runtime VmRSS / RssAnon under 5,000 routed msg/s for 60 s, per JVM flag set
# Builds (no install: the reactor's jars are copied to a private lib dir), installs Mosquitto (apt-get) if it is
# missing, makes a throw-away CA and server certificate for it and starts it on a free loopback port. The hub runs
# in the benchmark JVM, each edge runtime in a child JVM (edge hub on 127.0.0.2, free ports). Everything started
# here is stopped on exit. Results: stdout and brink-bench/target/edge-hub-bench/results.md.
# Usage: brink-bench/run-edge-hub.sh [--quick] [benchmark options, see --help of EdgeHubBenchmark]
#        --quick = --rounds 1 --windows 100 --seconds 5 --drain-messages 20000 --rss-seconds 15
# BRINK_OFFLINE=1 builds with mvn -o.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
args=()
for a in "$@"; do
  if [[ "$a" == "--quick" ]]; then
    args+=(--rounds 1 --windows 100 --seconds 5 --drain-messages 20000 --rss-seconds 15)
  else
    args+=("$a")
  fi
done

work="$root/brink-bench/target/edge-hub-bench"
mosquitto_pid=""
bench_pid=""
cleanup() {
  local status=$?
  set +e
  if [[ -n "$bench_pid" ]] && kill -0 "$bench_pid" 2>/dev/null; then
    kill "$bench_pid"; wait "$bench_pid" 2>/dev/null   # its shutdown hooks stop the edge runtimes and the hub
  fi
  if [[ -n "$mosquitto_pid" ]] && kill -0 "$mosquitto_pid" 2>/dev/null; then
    kill "$mosquitto_pid"; wait "$mosquitto_pid" 2>/dev/null
  fi
  rm -rf "$work/data" "$work/tls"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=brink-bench/mosquitto-baseline.sh
source "$root/brink-bench/mosquitto-baseline.sh"
install_mosquitto

offline=()
if [[ "${BRINK_OFFLINE:-}" == 1 ]]; then offline=(-o); fi
rm -rf "$work" && mkdir -p "$work/tls" "$work/lib"
echo "Building..." >&2
cpfile="$work/classpath.txt"
# package + build-classpath in one reactor run: brink-* entries resolve to this build's jars, nothing is installed
./mvnw -B -q "${offline[@]}" -Dmaven.test.skip=true -pl brink-bench -am package dependency:build-classpath \
  -Dmdep.outputFile="$cpfile" -Dmdep.includeScope=runtime
# Private copies of the jars, so that a rebuild during the run cannot change what the JVMs load.
cp "$root"/brink-bench/target/brink-bench-*.jar "$work/lib/"
IFS=: read -r -a entries < "$cpfile" || true  # no trailing newline: read returns 1
for jar in "${entries[@]}"; do cp "$jar" "$work/lib/"; done

start_mosquitto "$work"

results="$work/results.md"
{
  echo '```'
  echo "nproc: $(nproc); load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
  java -version 2>&1 | head -1
  mosquitto -h 2>/dev/null | head -1 || true
  echo '```'
  echo
} | tee "$results"

java -Xms512m -Xmx2g -cp "$work/lib/*" dev.brink.bench.mqtt.EdgeHubBenchmark --work "$work/data" --out "$results" \
  --mosquitto-port "$mosquitto_port" --mosquitto-ca "$tls/ca.pem" --mosquitto-pid "$mosquitto_pid" "${args[@]}" &
bench_pid=$!
wait "$bench_pid"
bench_pid=""
echo "Results: $results" >&2
