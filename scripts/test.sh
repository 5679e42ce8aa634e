#!/usr/bin/env bash
# Runs every test tier CI runs, in order of speed, and ends with one summary
# line "N passed, N failed". Tiers:
#   1. sanitized (ASan+UBSan) build: unit tests, store conformance, API scenarios,
#      jobs and crash tests, on SQLite and on a throwaway PostgreSQL cluster
#   2. release build with the embedded UI: browser tests (Playwright + Chromium)
#   3. formatting check
# Usage: scripts/test.sh [--no-browser] [--no-postgres]
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
jobs="${JOBS:-$(nproc)}"
want_browser=1
want_postgres=1
for arg in "$@"; do
  case "$arg" in
    --no-browser) want_browser=0 ;;
    --no-postgres) want_postgres=0 ;;
    *) echo "test.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

passed=0
failed=0
failures=()
workdir="$(mktemp -d -t rapport-test.XXXXXX)"
pg_dir="$workdir/postgres"

cleanup() {
  if [[ -d "$pg_dir" ]]; then scripts/pg-test-cluster.sh stop "$pg_dir" >/dev/null 2>&1 || true; fi
  rm -rf "$workdir"
}
trap cleanup EXIT

note() { printf '\n== %s\n' "$*"; }

# Adds a tier's counts: record NAME PASSED FAILED
record() {
  passed=$((passed + $2))
  failed=$((failed + $3))
  if (($3 > 0)); then failures+=("$1"); fi
}

# Runs ctest and records its counts from the "N% tests passed, F tests failed out of T" line.
run_ctest() {
  local name="$1"; shift
  local log="$workdir/ctest-$name.log"
  ctest "$@" 2>&1 | tee "$log"
  local line total bad
  line="$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -1)"
  if [[ -z "$line" ]]; then
    record "$name (no test summary)" 0 1
    return
  fi
  bad="$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")"
  total="$(sed -E 's/.* failed out of ([0-9]+).*/\1/' <<<"$line")"
  record "$name" $((total - bad)) "$bad"
}

note "tier 1: sanitized build"
if ! { cmake --preset asan >/dev/null && cmake --build --preset asan -j "$jobs"; }; then
  echo "0 passed, 1 failed"
  echo "test.sh: the sanitized build failed" >&2
  exit 1
fi

if [[ $want_postgres == 1 ]]; then
  note "starting a throwaway PostgreSQL cluster"
  if url="$(scripts/pg-test-cluster.sh start "$pg_dir")"; then
    export RAPPORT_TEST_POSTGRES_URL="$url"
    echo "PostgreSQL at $url"
  else
    record "postgres cluster start" 0 1
  fi
fi

note "tier 1: unit, conformance, API, jobs and crash tests"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
run_ctest sanitized --test-dir build/asan --output-on-failure -j "$jobs" --timeout 600

if [[ $want_browser == 1 ]]; then
  note "tier 2: release build with the embedded UI"
  if cmake --preset release >/dev/null && cmake --build --preset release -j "$jobs" --target rapport; then
    note "tier 2: browser tests"
    log="$workdir/browser.log"
    RAPPORT_BINARY="$root/build/release/rapport" node --test --test-reporter=tap web/e2e/ 2>&1 | tee "$log"
    browser_pass="$(grep -E '^# pass [0-9]+' "$log" | awk '{print $3}')"
    browser_fail="$(grep -E '^# fail [0-9]+' "$log" | awk '{print $3}')"
    if [[ -z "$browser_pass" ]]; then record "browser (no summary)" 0 1
    else record browser "$browser_pass" "${browser_fail:-0}"; fi
  else
    record "release build" 0 1
  fi
fi

note "tier 3: formatting"
if git ls-files '*.cc' '*.h' | grep -v '^web/' | xargs clang-format --dry-run -Werror; then
  record formatting 1 0
else
  record formatting 0 1
fi

echo
if ((failed > 0)); then echo "failed tiers: ${failures[*]}"; fi
echo "$passed passed, $failed failed"
((failed == 0))
