#!/usr/bin/env bash
# Builds the local images the Testcontainers tests run, without any registry: a minimal Debian base made
# with debootstrap from the Debian mirror apt is configured with, and a PostgreSQL and a MariaDB image on top
# of it (Debian's postgresql and mariadb-server-core packages) that honour the official postgres and mariadb
# images' contracts.
#
#   build-images.sh            build what is missing or changed (Docker's layer cache is the per-machine cache)
#   build-images.sh --rebuild  rebuild the base image from scratch too
#
# Images: rw-routing/debian:<suite>, rw-routing/postgres:<major> (also tagged rw-routing/postgres:latest) and
# rw-routing/mariadb:<major.minor of the suite's MariaDB> (also tagged rw-routing/mariadb:latest).
# Needs root (debootstrap), docker and debootstrap. Nothing is pulled from Docker Hub.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

suite="${DEBIAN_SUITE:-$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")}"
mirror="${DEBIAN_MIRROR:-}"
if [[ -z "$mirror" ]]; then
  # The mirror apt uses here (deb822 sources first, then the one-line format).
  mirror="$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)"
  [[ -n "$mirror" ]] || mirror="$(awk '$1 == "deb" {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)"
  [[ -n "$mirror" ]] || mirror="http://deb.debian.org/debian"
fi
base="rw-routing/debian:${suite}"
postgres_major="${POSTGRES_MAJOR:-15}"
postgres="rw-routing/postgres:${postgres_major}"

if [[ "${1:-}" == "--rebuild" ]] || ! docker image inspect "$base" >/dev/null 2>&1; then
  rootfs="$(mktemp -d /tmp/rw-routing-rootfs.XXXXXX)"
  trap 'rm -rf "$rootfs"' EXIT
  echo "build-images: debootstrap --variant=minbase $suite from $mirror" >&2
  start=$(date +%s)
  debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" >"$rootfs.log" 2>&1 \
    || { cat "$rootfs.log" >&2; rm -f "$rootfs.log"; exit 1; }
  rm -f "$rootfs.log"
  # Smaller and reproducible-ish: no apt lists or caches in the base layer.
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb
  tar -C "$rootfs" -c . | docker import --change 'CMD ["/bin/bash"]' - "$base" >/dev/null
  rm -rf "$rootfs"
  trap - EXIT
  echo "build-images: $base in $(( $(date +%s) - start ))s" >&2
else
  echo "build-images: $base present (cached)" >&2
fi

start=$(date +%s)
docker build --quiet --build-arg "BASE=$base" --build-arg "POSTGRES_MAJOR=$postgres_major" \
  -t "$postgres" -t rw-routing/postgres:latest "$here/postgres" >/dev/null
# The previous build of the image, untagged now, is no cache worth keeping.
docker image prune -f --filter label=io.github.rwrouting.image=postgres >/dev/null
echo "build-images: $postgres in $(( $(date +%s) - start ))s" >&2

start=$(date +%s)
docker build --quiet --build-arg "BASE=$base" -t rw-routing/mariadb:latest "$here/mariadb" >/dev/null
# Debian's MariaDB is the suite's (bookworm: 10.11): tagged with the version the image really has.
mariadb_version="$(docker run --rm --entrypoint mariadbd rw-routing/mariadb:latest --version \
  | sed -nE 's/.* Ver ([0-9]+\.[0-9]+)\..*/\1/p')"
[[ -n "$mariadb_version" ]] || { echo "build-images: no MariaDB version in rw-routing/mariadb:latest" >&2; exit 1; }
mariadb="rw-routing/mariadb:${mariadb_version}"
docker tag rw-routing/mariadb:latest "$mariadb"
docker image prune -f --filter label=io.github.rwrouting.image=mariadb >/dev/null
echo "build-images: $mariadb in $(( $(date +%s) - start ))s" >&2
