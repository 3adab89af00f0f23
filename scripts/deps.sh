#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the Debian 12 packages gcas needs, only those missing. Usage:
#   scripts/deps.sh          build and run (compiler, meson, libraries)
#   scripts/deps.sh --test   also everything the test suites use (PostgreSQL, clang for the
#                            fuzzers, Chromium and Node.js for the browser tests, sqlite3, wrk)
set -euo pipefail

build_pkgs=(build-essential meson ninja-build pkg-config python3
  libmicrohttpd-dev libsqlite3-dev libpq-dev libsodium-dev libssl-dev libjansson-dev
  libqrencode-dev libunistring-dev libcurl4-openssl-dev libfido2-dev libcbor-dev
  liblasso3-dev libcjose-dev libxml2-dev libxmlsec1-dev)
test_pkgs=(postgresql sqlite3 clang libclang-rt-14-dev chromium fonts-noto-cjk nodejs npm
  curl procps openssl apache2 libapache2-mod-auth-openidc libapache2-mod-auth-mellon wrk)

want=("${build_pkgs[@]}")
if [ "${1:-}" = "--test" ]; then
  want+=("${test_pkgs[@]}")
fi

missing=()
for p in "${want[@]}"; do
  # nodejs/npm may come from elsewhere on the machine; a working `node` is what matters.
  if [ "$p" = nodejs ] && command -v node >/dev/null 2>&1; then continue; fi
  if [ "$p" = npm ] && command -v npm >/dev/null 2>&1; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
