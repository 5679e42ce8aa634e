#!/usr/bin/env bash
# Purchase import benchmark: `rapport import purchases` of PURCHASES purchases
# (NDJSON, one POST /api/v1/purchases body per line) for CONTACTS members into
# a fresh SQLite database — each purchase with its earn posting (a ledger
# transaction, two entries, a lot), the members' balances and one event —
# against a PostgreSQL peer in the same run: COPY of the same rows (purchases,
# ledger transactions, lots, entries, exported from the imported database)
# into the same indexed tables (the real migrations, `rapport migrate`) on a
# throwaway cluster (scripts/pg-test-cluster.sh; skipped without initdb).
# Members come from `rapport demo`; purchases from generate.py (seeded).
# The import runs ${RUNS:-3} times; medians of seconds and peak RSS
# (/usr/bin/time -v) are printed with the ratio. Targets (10M purchases, 1M
# contacts): ≤ 90 s on SQLite, ≥ 1.3× the PostgreSQL COPY, ≤ 1 GB peak.
# The import runs as a bulk load of history (--defer-indexes: the ledger's
# secondary indexes are built once at the end, inside the timed run);
# IMPORT_FLAGS= (empty) times the plain import, every index kept up per row.
# Builds nothing.
#
#   bench/purchases_import/run.sh RAPPORT_BINARY   (CONTACTS=1000000 PURCHASES=10000000 RUNS=3 WORK=dir
#                                                   IMPORT_FLAGS=--defer-indexes)
set -euo pipefail

rapport_bin=${1:-${RAPPORT_BIN:-}}
contacts=${CONTACTS:-1000000}
purchases=${PURCHASES:-10000000}
runs=${RUNS:-3}
root="$(cd "$(dirname "$0")/../.." && pwd)"
if [[ -z "$rapport_bin" ]]; then
  echo "usage: $0 RAPPORT_BINARY (or RAPPORT_BIN)" >&2
  exit 2
fi
work=${WORK:-$(mktemp -d -t rapport-bench-purchases.XXXXXX)}
pg_dir="$work/pg"
pg_started=""
cleanup() {
  if [[ -n "$pg_started" ]]; then "$root/scripts/pg-test-cluster.sh" stop "$pg_dir" >/dev/null 2>&1 || true; fi
  if [[ -z "${WORK:-}" ]]; then rm -rf "$work"; fi
}
trap cleanup EXIT
unset RAPPORT_DATABASE RAPPORT_TOKEN

members="$work/members-$contacts.db"
if [[ ! -s "$members" ]]; then
  echo "generating $contacts contacts (rapport demo)…"
  "$rapport_bin" demo --database "$members" --sqlite-synchronous off --contacts "$contacts" --purchases 0 \
    >/dev/null 2>&1
  sqlite3 "$members" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
fi
file="$work/purchases-$purchases.ndjson"
if [[ ! -s "$file" ]]; then
  echo "generating $purchases purchases (generate.py)…"
  python3 "$root/bench/purchases_import/generate.py" "$contacts" "$purchases" "$file"
fi
echo "file: $purchases purchases, $(du -m "$file" | cut -f1) MB; disk free: $(df -h --output=avail "$work" | tail -1)"

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

declare -a rapport_s rapport_rss pg_s
db="$work/import.db"
for ((run = 1; run <= runs; run++)); do
  rm -f "$db"*
  cp "$members" "$db"
  read -r s rss < <(timed "$rapport_bin" import purchases "$file" --database "$db" --sqlite-synchronous normal \
    --batch-rows 10000 --errors "$work/errors.csv" ${IMPORT_FLAGS---defer-indexes})
  rapport_s+=("$s")
  rapport_rss+=("$rss")
  echo "run $run: rapport import purchases $s s, peak RSS $((rss / 1024)) MB, database $(du -m "$db" | cut -f1) MB"
done
# The rows the peer loads: the last run's, as the migration's tables hold them.
sqlite3 "$db" "SELECT count(*) FROM purchases; SELECT count(*) FROM ledger_transactions;
  SELECT count(*) FROM point_lots; SELECT count(*) FROM ledger_entries; SELECT count(*) FROM events" |
  paste -sd' ' - | awk '{ printf "rows: %d purchases, %d ledger transactions, %d lots, %d entries, %d events\n", $1, $2, $3, $4, $5 }'

purchase_columns="id,contact_id,company_id,lines_json,total_minor,currency,channel,store,occurred_at_us,external_id,points_earned,rules_version,refunded_minor,points_reversed,recorded_at_us"
transaction_columns="id,kind,contact_id,purchase_id,refund_id,occurred_at_us,recorded_at_us,actor,reason,explanation_json"
lot_columns="id,contact_id,transaction_id,points,remaining,state,earned_at_us,available_at_us,expires_at_us,purchase_id"
entry_columns="id,transaction_id,account,contact_id,lot_id,points"

have_pg=""
if [[ -x "${PG_BIN:-/usr/lib/postgresql/15/bin}/initdb" ]]; then
  echo "exporting the imported rows for the PostgreSQL peer…"
  for table in purchases:$purchase_columns ledger_transactions:$transaction_columns point_lots:$lot_columns \
    ledger_entries:$entry_columns; do
    sqlite3 -csv "$db" "SELECT ${table#*:} FROM ${table%%:*} ORDER BY id" >"$work/${table%%:*}.csv"
  done
  pg_url=$("$root/scripts/pg-test-cluster.sh" start "$pg_dir" | tail -1)
  pg_started=1
  have_pg=1
  echo "loading $contacts contacts into PostgreSQL (rapport demo, untimed)…"
  "$rapport_bin" demo --database "$pg_url" --contacts "$contacts" --purchases 0 >/dev/null 2>&1
  cat >"$work/copy.sql" <<SQL
\\copy purchases ($purchase_columns) FROM '$work/purchases.csv' WITH (FORMAT csv, FORCE_NOT_NULL (lines_json, currency, channel, store, external_id))
\\copy ledger_transactions ($transaction_columns) FROM '$work/ledger_transactions.csv' WITH (FORMAT csv, FORCE_NOT_NULL (kind, actor, reason, explanation_json))
\\copy point_lots ($lot_columns) FROM '$work/point_lots.csv' WITH (FORMAT csv, FORCE_NOT_NULL (state))
\\copy ledger_entries ($entry_columns) FROM '$work/ledger_entries.csv' WITH (FORMAT csv, FORCE_NOT_NULL (account))
SQL
  for ((run = 1; run <= runs; run++)); do
    # The ledger tables refuse TRUNCATE (append-only triggers): empty them as the superuser in replica mode.
    psql -q -v ON_ERROR_STOP=1 "$pg_url" -c "SET client_min_messages = warning; SET session_replication_role = replica; TRUNCATE purchases,
      ledger_transactions, point_lots, ledger_entries, purchase_refunds CASCADE" >/dev/null
    psql -q "$pg_url" -c "VACUUM" >/dev/null
    read -r s rss < <(timed psql -q -v ON_ERROR_STOP=1 -1 -f "$work/copy.sql" "$pg_url")
    pg_s+=("$s")
    echo "run $run: postgres COPY $s s"
  done
fi

r=$(printf '%s\n' "${rapport_s[@]}" | median)
rr=$(printf '%s\n' "${rapport_rss[@]}" | median)
echo
printf '%-36s %10s %14s %10s\n' "" "seconds" "purchases/s" "peak MB"
printf '%-36s %10.2f %14.0f %10d\n' "rapport import purchases (SQLite)" "$r" "$(echo "$purchases / $r" | bc -l)" \
  $((rr / 1024))
if [[ -n "$have_pg" ]]; then
  p=$(printf '%s\n' "${pg_s[@]}" | median)
  printf '%-36s %10.2f %14.0f\n' "PostgreSQL COPY of the same rows" "$p" "$(echo "$purchases / $p" | bc -l)"
  echo
  printf 'rapport speed / PostgreSQL COPY speed: %.2fx (target ≥ 1.3x)\n' "$(echo "$p / $r" | bc -l)"
fi
printf 'rapport: %.1f s for %d purchases (target ≤ 90 s for 10M), peak %d MB (target ≤ 1024 MB)\n' "$r" \
  "$purchases" $((rr / 1024))
