#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Browser tests: Playwright (playwright-core, no downloaded browser) driving Debian's Chromium
# against the real gcas binary. Prints node's TAP; exits non-zero when a test fails.
#
#   tests/browser/run.sh BUILD_DIR
#
# Needs node 20+ and /usr/bin/chromium (apt-get install -y chromium fonts-noto-cjk). Screenshots
# go to tests/browser/artifacts/ (git-ignored).
set -eu
BUILD=${1:?usage: tests/browser/run.sh BUILD_DIR}
BUILD=$(cd "$BUILD" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE"
if [ ! -x "$BUILD/gcas" ]; then
	echo "tests/browser/run.sh: no gcas binary in $BUILD" >&2
	exit 1
fi
if [ ! -x "${GCAS_TEST_CHROMIUM:-/usr/bin/chromium}" ]; then
	echo "tests/browser/run.sh: no Chromium; apt-get install -y chromium fonts-noto-cjk" >&2
	exit 1
fi
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ]; then
	# playwright-core downloads no browser on install.
	npm ci --no-audit --no-fund >&2
fi
export GCAS_TEST_BUILD="$BUILD"
exec node --test --test-reporter=tap --test-concurrency=1 signin.test.mjs lifecycle.test.mjs \
	webauthn.test.mjs breakglass.test.mjs console.test.mjs
