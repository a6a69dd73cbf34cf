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
jar="$root/brink-bench/target/brink-bench-0.1.0-SNAPSHOT.jar"
cpfile="$root/brink-bench/target/classpath.txt"
lib="$root/brink-bench/target/twin-scale-lib"

build() {
  # Tests are neither compiled nor run: the benchmark needs only the main code.
  ./mvnw -B -q "${offline[@]}" -Dmaven.test.skip=true -pl brink-bench -am install
  ./mvnw -B -q "${offline[@]}" -pl brink-bench dependency:build-classpath -Dmdep.outputFile="$cpfile" \
      -Dmdep.includeScope=runtime
  # Run from private copies of the jars, so a rebuild or install during a long run cannot change them.
  rm -rf "$lib" && mkdir -p "$lib"
  cp "$jar" "$lib/"
  local entries
  IFS=: read -r -a entries < "$cpfile" || true  # the file has no final newline
  for entry in "${entries[@]}"; do cp "$entry" "$lib/"; done
}

complete() {
  unzip -l "$lib/brink-bench-0.1.0-SNAPSHOT.jar" | grep -q 'dev/brink/bench/TwinScaleBenchmark.class' \
    && unzip -l "$lib/brink-hub-0.1.0-SNAPSHOT.jar" | grep -q 'dev/brink/hub/HubMain.class'
}

# When several builds share this work tree, one may package another's half-compiled classes: check, retry.
for attempt in 1 2 3; do
  build
  if complete; then break; fi
  echo "incomplete build (attempt $attempt of 3)" >&2
  if [[ $attempt == 3 ]]; then exit 1; fi
  sleep 20
done
# The load generator's own heap; the hub's is --hub-heap (default 1g).
exec java -Xmx1g -cp "$lib/*" dev.brink.bench.TwinScaleBenchmark "$@"
