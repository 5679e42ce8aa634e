#!/usr/bin/env bash
# Purchase import through the rapport executable, against a fresh SQLite file:
# usage errors (exit 2, no database), a dry run that writes nothing, an
# NDJSON import with a bad row (reported by line, exit 1, an error report),
# a re-run that creates nothing, a CSV file, all-or-nothing, and a ledger
# that still checks clean.
# Usage: cli_purchase_import_end_to_end.sh PATH_TO_RAPPORT
set -uo pipefail
rapport="$1"
work="$(mktemp -d -t rapport-cli-purchases.XXXXXX)"
trap 'rm -rf "$work"' EXIT
failures=0
check() {  # check DESCRIPTION COMMAND...
  local description="$1"; shift
  if "$@"; then echo "ok   $description"; else echo "FAIL $description"; failures=$((failures + 1)); fi
}
export RAPPORT_DATABASE="$work/rapport.db"
export USER=e2e-operator
unset RAPPORT_TOKEN

cat >"$work/purchases.ndjson" <<'NDJSON'
{"contact_id":1,"total_minor":4250,"currency":"EUR","channel":"web","occurred_at":"2026-01-10T10:00:00Z","external_id":"p-1"}
{"contact_id":2,"total_minor":1000,"currency":"EUR","occurred_at":"2026-01-11T10:00:00Z","external_id":"p-2","lines":[{"sku":"A","category":"shoes","quantity":2,"unit_price_minor":500}]}
{"contact_id":999999,"total_minor":1000,"currency":"EUR","occurred_at":"2026-01-11T10:00:00Z","external_id":"p-3"}
{"contact_id":3,"total_minor":500,"currency":"EUR","occurred_at":"2026-01-12T10:00:00Z"}
NDJSON

# --- Usage errors touch nothing
"$rapport" import purchases "$work/purchases.ndjson" --commit sometimes >/dev/null 2>&1
check "an unknown commit mode is a usage error (2)" test $? -eq 2
"$rapport" import purchases "$work/missing.ndjson" >/dev/null 2>&1
check "a missing file is a usage error (2)" test $? -eq 2
"$rapport" import purchases "$work/purchases.ndjson" --batch-rows 0 >/dev/null 2>&1
check "a batch of 0 rows is a usage error (2)" test $? -eq 2
check "usage errors created no database" test ! -e "$RAPPORT_DATABASE"

"$rapport" demo --contacts 5 --purchases 0 --seed 3 >/dev/null 2>&1
check "a demo database with five contacts" test $? -eq 0

# --- Dry run: counts, nothing written
"$rapport" import purchases "$work/purchases.ndjson" --dry-run >"$work/dry.out" 2>/dev/null
check "a dry run with bad rows exits 1" test $? -eq 1
check "  and reports what it would do" grep -q "4 rows, 2 created, 0 unchanged, 2 failed; 52 points earned" "$work/dry.out"
check "  and says nothing was written" grep -q "dry run: nothing was written" "$work/dry.out"

# --- The import
"$rapport" import purchases "$work/purchases.ndjson" >"$work/import.out" 2>"$work/import.err"
check "an import with bad rows exits 1" test $? -eq 1
check "  and counts rows and points" grep -q "4 rows, 2 created, 0 unchanged, 2 failed; 52 points earned" "$work/import.out"
check "  and names the error report" grep -q "the error report is $work/purchases.ndjson.errors.csv" "$work/import.out"
check "  which has a header" grep -qx "line,field,reason" "$work/purchases.ndjson.errors.csv"
check "  and the unknown contact on line 3" grep -q "^3,contact_id,no such contact" "$work/purchases.ndjson.errors.csv"
check "  and the missing external id on line 4" grep -q "^4,external_id," "$work/purchases.ndjson.errors.csv"
check "  and progress went to stderr" grep -qE "^import +100% .* MB .* rows" "$work/import.err"

# --- A re-run creates nothing
"$rapport" import purchases "$work/purchases.ndjson" --errors "$work/rerun.errors.csv" >"$work/rerun.out" 2>/dev/null
check "a re-run creates nothing" grep -q "4 rows, 0 created, 2 unchanged, 2 failed; 0 points earned" "$work/rerun.out"

# --- CSV, all-or-nothing
printf 'contact_id,external_id,occurred_at,total_minor,currency,sku,category,quantity,unit_price_minor\n' >"$work/p.csv"
printf '4,c-1,2026-02-01T10:00:00Z,2000,EUR,B,hats,1,2000\n' >>"$work/p.csv"
printf '5,c-2,2026-02-01T10:00:00Z,lots,EUR,,,,\n' >>"$work/p.csv"
"$rapport" import purchases "$work/p.csv" --commit all >"$work/all.out" 2>/dev/null
check "all-or-nothing with a bad row exits 1" test $? -eq 1
check "  and writes nothing" grep -q "nothing was written" "$work/all.out"
check "  and names line 3" grep -q "line 3 total_minor" "$work/all.out"
head -2 "$work/p.csv" >"$work/good.csv"
"$rapport" import purchases "$work/good.csv" --commit all >"$work/good.out" 2>/dev/null
check "a good CSV file exits 0" test $? -eq 0
check "  and earns its points" grep -q "1 rows, 1 created, 0 unchanged, 0 failed; 20 points earned" "$work/good.out"

# --- Wrong encoding is refused
printf '\xFF\xFE{\x00}\x00\n' >"$work/utf16.ndjson"
"$rapport" import purchases "$work/utf16.ndjson" >/dev/null 2>"$work/utf16.err"
check "a UTF-16 file is refused (1)" test $? -eq 1
check "  saying so" grep -q "UTF-16" "$work/utf16.err"

if [[ $failures -gt 0 ]]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all checks passed"
