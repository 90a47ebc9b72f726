#!/usr/bin/env bash
# Installs the Debian packages Apogee builds and tests with, when any is missing.
# Safe to run again: it does nothing when everything is there.
set -euo pipefail

packages=(
  libncurses-dev   # ncursesw: the terminal view (CNCurses)
  libhiredis-dev   # hiredis: the optional Redis mirror (CHiredis)
  libssl-dev       # libcrypto: HMAC signing; libssl: TLS of the order socket (COpenSSL)
  libsqlite3-dev   # SQLite for GRDB (Storage)
  zlib1g-dev       # zlib for compress-nio (gzip recordings)
  pkg-config
  gzip             # the benchmark's floor: gzip -dc
  redis-server     # integration tests of the Redis mirror
  tmux             # end-to-end tests of the full-screen view
  procps           # pgrep, for the signal tests
  ca-certificates  # the trust roots TLS checks exchanges' certificates against
  openssl          # tests make a self-signed certificate for the TLS fake exchange
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
run_as_root=()
[ "$(id -u)" -eq 0 ] || run_as_root=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${run_as_root[@]}" apt-get update -qq
"${run_as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
