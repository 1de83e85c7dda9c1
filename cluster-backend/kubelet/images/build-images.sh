#!/usr/bin/env bash
# Builds the local images that pods run on a machine with no registry: coxswain/busybox:1 and coxswain/pause:1.
# Needs a running Docker engine, /bin/busybox (Debian's busybox-static) and gcc; skips an image that exists.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if ! docker image inspect coxswain/busybox:1 >/dev/null 2>&1; then
  echo "building the local image coxswain/busybox:1 from /bin/busybox ..."
  mkdir -p "$work/bb/bin" "$work/bb/etc" "$work/bb/tmp"
  cp /bin/busybox "$work/bb/bin/"
  for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox "$work/bb/bin/$a"; done
  echo 'root:x:0:0:root:/root:/bin/sh' > "$work/bb/etc/passwd"
  echo 'root:x:0:' > "$work/bb/etc/group"
  tar -C "$work/bb" -c . | docker import -c 'ENV PATH=/bin' -c 'CMD ["sh"]' - coxswain/busybox:1 >/dev/null
  echo "built coxswain/busybox:1"
fi

if ! docker image inspect coxswain/pause:1 >/dev/null 2>&1; then
  echo "building the local image coxswain/pause:1 (a static C binary) ..."
  mkdir -p "$work/pause"
  gcc -static -Os -o "$work/pause/pause" "$here/pause.c"
  strip "$work/pause/pause" || true
  tar -C "$work/pause" -c . | docker import -c 'ENTRYPOINT ["/pause"]' - coxswain/pause:1 >/dev/null
  echo "built coxswain/pause:1"
fi
