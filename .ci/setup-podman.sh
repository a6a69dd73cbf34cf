#!/usr/bin/env bash
# Installs and configures Podman for the docker module runtime tests (brink-edge,
# dev.brink.edge.runtime.docker). Idempotent; run as root. Called from .ci/run.
#
# What the tests need (see docs/docker-runtime.md):
#   - podman: serves the Docker Engine API (`podman system service --time=0 unix://...`); the tests
#     start that service themselves, as a child process on a socket in a temp dir.
#   - runc: crun fails on this kernel's hybrid cgroup v1/v2 layout, runc works with cgroupfs.
#   - busybox-static: /bin/busybox is copied into a rootfs tar that the tests `podman import` as a
#     test image, so no image registry on the internet is ever needed.
#   - docker-registry: Debian's OCI registry (distribution 2.8); the pull-with-credentials test runs
#     it on 127.0.0.1:<free port> with htpasswd (bcrypt) auth, plain HTTP; the tests' podman service
#     gets a registries.conf of its own (CONTAINERS_REGISTRIES_CONF) marking that address insecure.
#   - Nothing else: rootful podman needs no uidmap/fuse-overlayfs (overlay works on ext4 as root), and
#     no init system is needed (events and logs go to files, see containers.conf below).
#
# The settings written to containers.conf are the ones measured to work on these machines
# (../shared/design/ARCHITECTURE.md, "Facts about these machines").
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  echo "setup-podman.sh: must run as root" >&2
  exit 1
fi

pkgs=(podman runc docker-registry busybox-static)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # No init system runs in CI containers: keep postinst scripts from trying to start services
  # (docker-registry ships one); policy-rc.d exit 101 means "do not start".
  created_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    created_policy=1
  fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
  if [ "$created_policy" = 1 ]; then
    rm -f /usr/sbin/policy-rc.d
  fi
fi

mkdir -p /etc/containers
conf=/etc/containers/containers.conf
want='# Written by brink .ci/setup-podman.sh
[containers]
# podman'"'"'s default ulimits exceed the hard limits of these machines
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
# no journald in CI containers: container logs in files (the Docker API logs endpoint reads them)
log_driver = "k8s-file"

[engine]
# crun fails on this kernel'"'"'s hybrid cgroups; runc with cgroupfs works
runtime = "runc"
cgroup_manager = "cgroupfs"
# no journald: the events the Docker API streams (exit detection) come from a file
events_logger = "file"'
if [ ! -f "$conf" ] || [ "$(cat "$conf")" != "$want" ]; then
  if [ -f "$conf" ] && ! grep -q '^# Written by brink' "$conf"; then
    cp "$conf" "$conf.brink-backup"
  fi
  printf '%s\n' "$want" > "$conf"
fi

podman --version
podman info --format '{{.Host.OCIRuntime.Name}} {{.Host.CgroupManager}} {{.Store.GraphDriverName}}'
