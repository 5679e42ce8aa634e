#!/usr/bin/env bash
# The rapport executable end to end, as an operator uses it:
#   migrate → demo → serve → backup while serving → SIGTERM → clean exit,
# plus the exit codes of bad usage. Needs curl and sqlite3.
# Usage: cli_end_to_end.sh PATH_TO_RAPPORT
set -uo pipefail
rapport="$1"
work="$(mktemp -d -t rapport-cli.XXXXXX)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then kill -KILL "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
failures=0
check() {  # check DESCRIPTION COMMAND...
  local description="$1"; shift
  if "$@"; then echo "ok   $description"; else echo "FAIL $description"; failures=$((failures + 1)); fi
}
database="$work/data/rapport.db"

"$rapport" version | grep -q '^rapport [0-9]' ; check "version prints the version" test $? -eq 0
"$rapport" >/dev/null 2>&1; check "no subcommand is a usage error (2)" test $? -eq 2
"$rapport" serve --listen nonsense >/dev/null 2>&1; check "a bad --listen is a usage error (2)" test $? -eq 2
"$rapport" demo --contacts 0 --database "$database" >/dev/null 2>&1
check "demo with 0 contacts is a usage error (2)" test $? -eq 2
check "a refused demo wrote nothing" test ! -e "$database"

"$rapport" migrate --status --database "$database" | grep -q "schema version 0"
check "a new database is at schema version 0" test $? -eq 0
"$rapport" migrate --database "$database" > "$work/migrate.txt"
check "migrate applies the foundation" grep -q "applied 0001_foundation" "$work/migrate.txt"
"$rapport" migrate --database "$database" | grep -Eq "schema version ([0-9]+) -> \1 "
check "migrate again changes nothing" test $? -eq 0

RAPPORT_DATABASE="$database" "$rapport" demo --contacts 500 --purchases 2000 --seed 5 > "$work/demo.txt" 2>/dev/null
check "demo reports what it wrote" grep -q "500 contacts, 2000 purchases" "$work/demo.txt"
check "demo rows are in the database (RAPPORT_DATABASE)" \
  test "$(sqlite3 "$database" 'SELECT count(*) FROM contacts')" = 500

"$rapport" serve --listen 127.0.0.1:0 --database "$database" > "$work/serve.out" 2> "$work/serve.err" &
server_pid=$!
url=""
for _ in $(seq 1 100); do
  url="$(grep -o 'http://127.0.0.1:[0-9]*' "$work/serve.out" 2>/dev/null | head -1)"
  [[ -n "$url" ]] && break
  sleep 0.1
done
check "serve prints the URL it listens on" test -n "$url"
check "healthz answers ok" bash -c "curl -fsS '$url/healthz' | grep -q '\"status\":\"ok\"'"
check "the OpenAPI document is served" bash -c "curl -fsS '$url/api/v1/openapi.json' | grep -q '\"openapi\":\"3.1'"

"$rapport" backup --database "$database" --output "$work/backup.db" > /dev/null
check "backup while serving succeeds" test $? -eq 0
check "the backup holds the data" test "$(sqlite3 "$work/backup.db" 'SELECT count(*) FROM purchases')" = 2000
check "the backup passes an integrity check" test "$(sqlite3 "$work/backup.db" 'PRAGMA integrity_check')" = ok

kill -TERM "$server_pid"
wait "$server_pid"
status=$?
server_pid=""
check "SIGTERM stops the server with exit code 0" test "$status" -eq 0
check "the server says it stopped cleanly" grep -q "stopped cleanly" "$work/serve.err"
check "every request has an access-log line" grep -q "http GET /healthz 200 .* id=" "$work/serve.err"

echo "$failures failed"
((failures == 0))
