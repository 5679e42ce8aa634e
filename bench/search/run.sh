#!/usr/bin/env bash
# List and search on N contacts (default 1,000,000): the server time of a page
# of 50 (from Rapport's Server-Timing header) for search-as-you-type prefixes,
# the unfiltered list, the list by name and a role filter; beside it the same
# page read by a bare SQLite client from the same database file (FTS5 MATCH,
# or the indexed scan) in the same run. Medians and p95 of every query kind.
# Usage: bench/search/run.sh RAPPORT_BINARY [CONTACTS]
set -euo pipefail
binary="${1:?usage: run.sh RAPPORT_BINARY [CONTACTS]}"
contacts="${2:-1000000}"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d /tmp/rapport-bench-search.XXXXXX)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

db="$work/rapport.db"
echo "generating $contacts demo contacts ..."
"$binary" demo --database "$db" --sqlite-synchronous off --contacts "$contacts" --purchases 0 >/dev/null
token="$("$binary" token create --database "$db" --name bench --role analyst | tail -1)"
"$binary" serve --database "$db" --listen 127.0.0.1:0 --token-rate 0 >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  if grep -q "Listening on" "$work/serve.log"; then break; fi
  sleep 0.1
done
url="$(grep -o 'http://[^ ]*' "$work/serve.log" | head -1)"
[[ -n "$url" ]] || { cat "$work/serve.log"; exit 1; }
/usr/bin/python3 "$here/search_bench.py" --url "$url" --token "$token" --database "$db"
