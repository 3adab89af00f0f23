#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The whole test suite, as CI runs it: installs the test dependencies, builds twice (normal and
# AddressSanitizer+UndefinedBehaviorSanitizer), starts a private PostgreSQL, runs every suite in
# both builds (unit, store on SQLite and PostgreSQL, web, fuzz seed replay, end to end) and the
# browser tests, then prints one summary line.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scripts/deps.sh --test || exit 1

fail=0
passed=0
failed=0

build() { # dir, extra meson options...
  local dir=$1; shift
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@" >/dev/null || return 1
  else
    meson setup --reconfigure "$dir" "$@" >/dev/null || return 1
  fi
  ninja -C "$dir" >/dev/null || ninja -C "$dir"
}

count() { # parse meson's summary
  local log=$1
  local ok f
  ok=$(grep -E '^Ok:' "$log" | awk '{print $2}')
  f=$(grep -E '^Fail:' "$log" | awk '{print $2}')
  passed=$((passed + ${ok:-0}))
  failed=$((failed + ${f:-0}))
}

build build -Dbuildtype=debugoptimized || exit 1
build build-asan -Dbuildtype=debug -Db_sanitize=address,undefined -Db_lundef=false || exit 1

if GCAS_TEST_PG=$(tests/pg.sh start); then
  export GCAS_TEST_PG
else
  echo "could not start PostgreSQL for the tests" >&2
  exit 1
fi
trap 'tests/pg.sh stop >/dev/null 2>&1' EXIT

export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
for dir in build build-asan; do
  echo "== meson test ($dir)"
  meson test -C "$dir" --print-errorlogs --num-processes 2 > "$dir/test-summary.txt" 2>&1
  rc=$?
  grep -E '^ *[0-9]+/[0-9]+ ' "$dir/test-summary.txt" || true
  grep -E '^(Ok|Fail|Skipped|Timeout):' "$dir/test-summary.txt" || true
  [ $rc -eq 0 ] || { fail=1; tail -n 60 "$dir/test-summary.txt"; }
  count "$dir/test-summary.txt"
done

# The use cases and pages once more on PostgreSQL (each test program in a schema of its own):
# what runs on the embedded default must run on the multi-node engine too.
echo "== meson test (build, unit and web suites on PostgreSQL)"
GCAS_TEST_DSN=$GCAS_TEST_PG meson test -C build --print-errorlogs --num-processes 2 \
  --suite unit --suite web > build/test-summary-pg.txt 2>&1
rc=$?
grep -E '^ *[0-9]+/[0-9]+ ' build/test-summary-pg.txt || true
grep -E '^(Ok|Fail|Skipped|Timeout):' build/test-summary-pg.txt || true
[ $rc -eq 0 ] || { fail=1; tail -n 60 build/test-summary-pg.txt; }
count build/test-summary-pg.txt

if [ -x tests/browser/run.sh ]; then
  echo "== browser tests"
  if tests/browser/run.sh "$root/build"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); fail=1
  fi
fi

echo "$passed passed, $failed failed"
exit $fail
