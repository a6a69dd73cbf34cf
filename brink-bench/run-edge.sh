#!/usr/bin/env bash
# Builds the edge runtime and the benchmark, then runs the issue-4 edge benchmarks (dev.brink.bench.edge.EdgeBenchmark):
# deployment latency of a 10-module process deployment and the edge runtime's idle RSS, per set of JVM flags.
# The hub runs in the benchmark JVM, each edge runtime in a child JVM; both stop at the end (and on Ctrl-C).
# Usage: brink-bench/run-edge.sh [--deployments 20] [--modules 10] [--idle-seconds 20] [--flags 'A;B'] [--work DIR]
#        brink-bench/run-edge.sh --help   lists every option.
# BRINK_OFFLINE=1 builds with mvn -o. Results: stdout and <work>/results.md (default brink-bench/target/edge-bench).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
offline=()
if [[ "${BRINK_OFFLINE:-}" == 1 ]]; then offline=(-o); fi
jar="$root/brink-bench/target/brink-bench-0.1.0-SNAPSHOT.jar"
cpfile="$root/brink-bench/target/edge-classpath.txt"
lib="$root/brink-bench/target/edge-bench-lib"

build() {
  ./mvnw -B -q "${offline[@]}" -Dmaven.test.skip=true -pl brink-bench -am install
  ./mvnw -B -q "${offline[@]}" -pl brink-bench dependency:build-classpath -Dmdep.outputFile="$cpfile" \
      -Dmdep.includeScope=runtime
  # Private copies of the jars: a rebuild during the run cannot change what the child JVMs load.
  rm -rf "$lib" && mkdir -p "$lib"
  cp "$jar" "$lib/"
  local entries
  IFS=: read -r -a entries < "$cpfile" || true
  for entry in "${entries[@]}"; do cp "$entry" "$lib/"; done
}

complete() {
  # unzip -l with a member name fails when it is absent (no "| grep -q": with pipefail, its early exit can
  # SIGPIPE unzip and fail a complete build)
  unzip -l "$lib/brink-bench-0.1.0-SNAPSHOT.jar" 'dev/brink/bench/edge/EdgeBenchmark.class' >/dev/null 2>&1 \
    && unzip -l "$lib/brink-edge-0.1.0-SNAPSHOT.jar" 'dev/brink/edge/EdgeMain.class' >/dev/null 2>&1
}

# Several builds may share this work tree: a half-compiled package is detected and the build retried.
for attempt in 1 2 3; do
  build
  if complete; then break; fi
  echo "incomplete build (attempt $attempt of 3)" >&2
  if [[ $attempt == 3 ]]; then exit 1; fi
  sleep 20
done
exec java -Xmx512m -cp "$lib/*" dev.brink.bench.edge.EdgeBenchmark "$@"
