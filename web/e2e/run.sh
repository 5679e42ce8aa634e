#!/usr/bin/env bash
# Runs the browser tests; exits non-zero when any fails.
#   web/e2e/run.sh                      tests build/release/rapport
#   RAPPORT_BINARY=path web/e2e/run.sh  tests another build (web/e2e/mock_server.mjs: the UI alone)
# Needs web/node_modules (scripts/bootstrap.sh) and /usr/bin/chromium (scripts/bootstrap.sh --test).
set -euo pipefail
web="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$web/.." && pwd)"
export RAPPORT_BINARY="${RAPPORT_BINARY:-$root/build/release/rapport}"
if [[ ! -x "$RAPPORT_BINARY" ]]; then
  echo "e2e: $RAPPORT_BINARY is not an executable; build it first (make build)" >&2
  exit 1
fi
if [[ ! -d "$web/node_modules/playwright-core" ]]; then
  echo "e2e: web/node_modules is missing; run scripts/bootstrap.sh" >&2
  exit 1
fi
cd "$root"
exec node --test "$@" web/e2e/
