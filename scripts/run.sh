#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One command to install, build and run gcas on the embedded SQLite default:
# installs missing Debian packages, builds, creates var/gcas.db and the first operator (the
# password is read from the terminal, or a one-time password is printed once), then serves on
# http://127.0.0.1:8080 until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
[ -f build/build.ninja ] || meson setup build --buildtype=release
ninja -C build
./build/gcas init
exec ./build/gcas serve "$@"
