#!/usr/bin/env bash
# Import benchmark: `rapport import contacts` of a 1M-row CSV into a fresh
# SQLite database (with its indexes, events and audit), against two peers fed
# the same file in the same run:
#   * a bare SQLite bulk insert: the sqlite3 shell's .import into a table with
#     the same columns and indexes on email, phone and external_id, in one
#     transaction;
#   * PostgreSQL COPY into the same indexed table (a throwaway cluster from
#     scripts/pg-test-cluster.sh; skipped when initdb is missing).
# The file is generated with `rapport demo` and `rapport export contacts`.
# Each is run ${RUNS:-3} times; medians of rows/s and peak RSS
# (/usr/bin/time -v) are printed with the ratios. Targets: ≥ 250k rows/s,
# within 5× of the bare SQLite insert, ≥ 1.3× PostgreSQL COPY, ≤ 500 MB.
# Builds nothing.
#
#   bench/import/run.sh RAPPORT_BINARY      (ROWS=1000000 RUNS=3 WORK=dir)
set -euo pipefail

rapport_bin=${1:-${RAPPORT_BIN:-}}
rows=${ROWS:-1000000}
runs=${RUNS:-3}
root="$(cd "$(dirname "$0")/../.." && pwd)"
if [[ -z "$rapport_bin" ]]; then
  echo "usage: $0 RAPPORT_BINARY (or RAPPORT_BIN)" >&2
  exit 2
fi
work=${WORK:-$(mktemp -d -t rapport-bench-import.XXXXXX)}
pg_dir="$work/pg"
pg_started=""
cleanup() {
  if [[ -n "$pg_started" ]]; then "$root/scripts/pg-test-cluster.sh" stop "$pg_dir" >/dev/null 2>&1 || true; fi
  if [[ -z "${WORK:-}" ]]; then rm -rf "$work"; fi
}
trap cleanup EXIT
unset RAPPORT_DATABASE RAPPORT_TOKEN

csv="$work/contacts.csv"
if [[ ! -s "$csv" ]]; then
  echo "generating $rows contacts (rapport demo, then export)…"
  "$rapport_bin" demo --database "$work/source.db" --sqlite-synchronous off --contacts "$rows" --purchases 0 \
    >/dev/null 2>&1
  "$rapport_bin" export contacts --database "$work/source.db" --output "$csv" 2>/dev/null
  rm -f "$work/source.db"*
fi
data_rows=$(($(wc -l <"$csv") - 1))
echo "file: $data_rows rows, $(du -m "$csv" | cut -f1) MB"

# timed COMMAND... → "seconds peak_kib" on stdout (GNU time -v)
timed() {
  local log="$work/time.log"
  /usr/bin/time -v "$@" >/dev/null 2>"$log" || { cat "$log" >&2; return 1; }
  local elapsed rss
  elapsed=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log" |
    awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
  echo "$elapsed $rss"
}

median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

header=$(head -1 "$csv" | tr -d '\r')
table_columns=$(echo "$header" | tr ',' '\n' | sed 's/^/"/; s/$/" TEXT/' | paste -sd, -)
indexes='CREATE INDEX t_email ON t (lower(email)); CREATE INDEX t_phone ON t (phone); CREATE INDEX t_external ON t (external_id);'

declare -a rapport_s rapport_rss sqlite_s sqlite_rss pg_s
for ((run = 1; run <= runs; run++)); do
  db="$work/import-$run.db"
  rm -f "$db"*
  "$rapport_bin" migrate --database "$db" >/dev/null
  read -r s rss < <(timed "$rapport_bin" import contacts "$csv" --database "$db" --sqlite-synchronous normal \
    --batch-rows 10000 --errors "$work/errors.csv")
  rapport_s+=("$s"); rapport_rss+=("$rss")
  echo "run $run: rapport import $s s, peak RSS $((rss / 1024)) MB"

  peer="$work/peer-$run.db"
  rm -f "$peer"*
  sqlite3 "$peer" "PRAGMA journal_mode=WAL; CREATE TABLE t ($table_columns); $indexes" >/dev/null
  read -r s rss < <(timed sqlite3 "$peer" -cmd "PRAGMA journal_mode=WAL" -cmd "PRAGMA synchronous=NORMAL" \
    -cmd "BEGIN" -cmd ".import --csv --skip 1 $csv t" "COMMIT")
  sqlite_s+=("$s"); sqlite_rss+=("$rss")
  echo "run $run: sqlite3 .import $s s"
  rm -f "$db"* "$peer"*
done

have_pg=""
if [[ -x "${PG_BIN:-/usr/lib/postgresql/15/bin}/initdb" ]]; then
  pg_url=$("$root/scripts/pg-test-cluster.sh" start "$pg_dir" | tail -1)
  pg_started=1
  have_pg=1
  for ((run = 1; run <= runs; run++)); do
    psql -q "$pg_url" -c "DROP TABLE IF EXISTS t; CREATE TABLE t ($table_columns); $indexes" >/dev/null
    read -r s rss < <(timed psql -q "$pg_url" -c "\\copy t FROM '$csv' WITH (FORMAT csv, HEADER true)")
    pg_s+=("$s")
    echo "run $run: postgres COPY $s s"
  done
fi

r=$(printf '%s\n' "${rapport_s[@]}" | median)
q=$(printf '%s\n' "${sqlite_s[@]}" | median)
rr=$(printf '%s\n' "${rapport_rss[@]}" | median)
echo
printf '%-28s %10s %12s %10s\n' "" "seconds" "rows/s" "peak MB"
printf '%-28s %10.2f %12.0f %10d\n' "rapport import (SQLite)" "$r" "$(echo "$data_rows / $r" | bc -l)" $((rr / 1024))
printf '%-28s %10.2f %12.0f\n' "sqlite3 .import (indexed)" "$q" "$(echo "$data_rows / $q" | bc -l)"
if [[ -n "$have_pg" ]]; then
  p=$(printf '%s\n' "${pg_s[@]}" | median)
  printf '%-28s %10.2f %12.0f\n' "PostgreSQL COPY (indexed)" "$p" "$(echo "$data_rows / $p" | bc -l)"
fi
echo
printf 'rapport / bare SQLite time: %.2fx (target ≤ 5x)\n' "$(echo "$r / $q" | bc -l)"
if [[ -n "$have_pg" ]]; then
  printf 'rapport speed / PostgreSQL COPY speed: %.2fx (target ≥ 1.3x)\n' "$(echo "$p / $r" | bc -l)"
fi
