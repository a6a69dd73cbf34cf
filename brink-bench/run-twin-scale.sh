#!/usr/bin/env bash
# Builds the hub and the benchmark, then runs the issue-2 twin-store benchmark (dev.brink.bench.TwinScaleBenchmark).
# The hub and the baseline server run as child JVMs on 127.0.0.1 and are stopped at the end (and on Ctrl-C).
# Usage: brink-bench/run-twin-scale.sh [--twins 100000,1000000] [--modules-per-device 10] [--out FILE] [...]
#        brink-bench/run-twin-scale.sh --help   lists every option.
# BRINK_OFFLINE=1 builds with mvn -o.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
offline=()
if [[ "${BRINK_OFFLINE:-}" == 1 ]]; then offline=(-o); fi
# Tests are neither compiled nor run: the benchmark needs only the main code.
./mvnw -B -q "${offline[@]}" -Dmaven.test.skip=true -pl brink-bench -am install
cpfile="$root/brink-bench/target/classpath.txt"
./mvnw -B -q "${offline[@]}" -pl brink-bench dependency:build-classpath -Dmdep.outputFile="$cpfile" -Dmdep.includeScope=runtime
# Run from private copies of the jars, so a rebuild (or install) during a long run cannot change them under us.
lib="$root/brink-bench/target/twin-scale-lib"
rm -rf "$lib" && mkdir -p "$lib"
cp "$root/brink-bench/target/brink-bench-"*.jar "$lib/"
IFS=: read -r -a entries < "$cpfile" || true  # the file has no final newline
for jar in "${entries[@]}"; do cp "$jar" "$lib/"; done
# The load generator's own heap; the hub's is --hub-heap (default 1g).
exec java -Xmx1g -cp "$lib/*" dev.brink.bench.TwinScaleBenchmark "$@"
