#!/usr/bin/env bash
# Builds a Java runtime base image for the example modules' Containerfiles WITHOUT any registry:
# a jlink'ed runtime from the local JDK plus the few shared libraries it links against (ldd), imported
# as a one-layer image. Then:
#   podman build --build-arg BASE=localhost/brink-jre:17 -t localhost/brink-filter:0.1 modules/filter
#
# usage: modules/local-jre-image.sh [IMAGE]        (default localhost/brink-jre:17)
#   JAVA_HOME  the JDK to jlink from (17 or later, with jlink and its jmods); default: the `java` on the PATH
#   ENGINE     podman or docker; default podman if installed, else docker
#   FORCE=1    rebuild even if IMAGE already holds this JDK's runtime
#
# The image is labelled with what it was made from, so a second run is a no-op (about 0.1 s) until the JDK
# changes. It is small (~45 MB) and holds only: /opt/java/openjdk (JAVA_HOME, on the PATH), glibc & co.
# from the host, /etc/passwd (root), /tmp. The same host architecture and libc are assumed (ldd).
# Used by brink-edge's QuickstartDockerIT; see modules/README.md.
set -euo pipefail

image=${1:-localhost/brink-jre:17}
engine=${ENGINE:-$(command -v podman >/dev/null 2>&1 && echo podman || echo docker)}
if [ -z "${JAVA_HOME:-}" ]; then
  JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
fi
jlink="$JAVA_HOME/bin/jlink"
[ -x "$jlink" ] || { echo "local-jre-image.sh: no jlink in $JAVA_HOME (set JAVA_HOME to a JDK 17+)" >&2; exit 1; }

# What brink-client and its dependencies use (jdeps on modules/*/target/*.tar.gz's lib/): java.net.http
# (workload API over HTTP), java.logging and java.prefs (Paho), java.sql and java.xml (Jackson's optional
# handlers), jdk.crypto.ec (TLS with the edge CA's EC keys), java.naming/java.management/jdk.unsupported
# for libraries that probe them.
modules=java.base,java.logging,java.net.http,java.prefs,java.sql,java.xml,java.naming,java.management,jdk.crypto.ec,jdk.unsupported

key="v1 $(readlink -f "$JAVA_HOME") $(grep -h '^JAVA_RUNTIME_VERSION=' "$JAVA_HOME/release" 2>/dev/null || true) $modules"
if [ "${FORCE:-0}" != 1 ] && "$engine" image exists "$image" 2>/dev/null \
   && [ "$("$engine" image inspect --format '{{ index .Config.Labels "dev.brink.jre" }}' "$image" 2>/dev/null)" = "$key" ]; then
  echo "$image is up to date"
  exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/brink-jre.XXXXXX")
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
mkdir -p "$root/opt/java" "$root/etc" "$root/tmp"
chmod 1777 "$root/tmp"
"$jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=2 \
  --output "$root/opt/java/openjdk"

# The shared libraries outside the runtime (libc, libm, libz, libstdc++, libgcc_s, the loader), copied to the
# paths ldd resolved them to. libjvm.so shows as "not found" for the runtime's own libraries: it is in the
# runtime (lib/server) and found through the launcher, so only absolute paths outside the runtime are taken.
for f in "$root/opt/java/openjdk/bin/java" $(find "$root/opt/java/openjdk" -name '*.so'); do
  ldd "$f" 2>/dev/null || true
done | grep -o '/[^ ]*\.so[^ ]*' | grep -v "^$root" | sort -u | while read -r lib; do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"

tar --numeric-owner -C "$root" -cf "$work/rootfs.tar" .
"$engine" import \
  --change 'ENV JAVA_HOME=/opt/java/openjdk' \
  --change 'ENV PATH=/opt/java/openjdk/bin:/usr/bin:/bin' \
  --change "LABEL dev.brink.jre=\"$key\"" \
  --change 'CMD ["java", "-version"]' \
  "$work/rootfs.tar" "$image" >/dev/null
echo "$image built from $JAVA_HOME"
