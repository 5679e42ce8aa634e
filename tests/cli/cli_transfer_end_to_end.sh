#!/usr/bin/env bash
# Contact import and export through the rapport executable, against a fresh
# SQLite file: a CSV with a BOM and ';' (bad rows reported by line, exit 1, an
# error report file), a re-run that changes nothing, a dry run, usage errors
# (exit 2), a CSV export with a formula escaped, vCard, and NDJSON and CSV
# round trips (export → import → all unchanged).
# Usage: cli_transfer_end_to_end.sh PATH_TO_RAPPORT
set -uo pipefail
rapport="$1"
work="$(mktemp -d -t rapport-cli-transfer.XXXXXX)"
trap 'rm -rf "$work"' EXIT
failures=0
check() {  # check DESCRIPTION COMMAND...
  local description="$1"; shift
  if "$@"; then echo "ok   $description"; else echo "FAIL $description"; failures=$((failures + 1)); fi
}
export RAPPORT_DATABASE="$work/rapport.db"
export USER=e2e-operator
unset RAPPORT_TOKEN

printf '\xEF\xBB\xBFE-mail;First Name;Last Name;Phone;Company\n' >"$work/contacts.csv"
printf 'anna@example.com;Анна;Иванова;8 916 123-45-67;ООО Ромашка\n' >>"$work/contacts.csv"
printf 'not-an-email;Bad;Row;;\n' >>"$work/contacts.csv"
printf 'bob@example.com;=cmd;"Stone; Jr";;\n' >>"$work/contacts.csv"
printf 'carol@example.com;Carol;"two\nlines";;\n' >>"$work/contacts.csv"
printf 'dan@example.com;Dan;Short;12;\n' >>"$work/contacts.csv"

# --- Usage errors touch nothing
"$rapport" import contacts "$work/contacts.csv" --key nickname >/dev/null 2>&1
check "an unknown key is a usage error (2)" test $? -eq 2
"$rapport" import contacts "$work/missing.csv" >/dev/null 2>&1
check "a missing file is a usage error (2)" test $? -eq 2
"$rapport" export contacts --format pdf >/dev/null 2>&1
check "an unknown export format is a usage error (2)" test $? -eq 2
check "usage errors created no database" test ! -e "$RAPPORT_DATABASE"

# --- Dry run first: counts, nothing written
"$rapport" import contacts "$work/contacts.csv" --calling-code 7 --dry-run >"$work/dry.out" 2>/dev/null
check "a dry run with bad rows exits 1" test $? -eq 1
check "  and reports what it would do" grep -q "5 rows, 2 created, 0 updated, 0 unchanged, 3 failed" "$work/dry.out"
check "  and says nothing was written" grep -q "dry run: nothing was written" "$work/dry.out"
"$rapport" export contacts >"$work/empty.csv"
check "  and the database holds no contacts" test "$(wc -l <"$work/empty.csv")" -eq 1

# --- The import
"$rapport" import contacts "$work/contacts.csv" --calling-code 7 >"$work/import.out" 2>"$work/import.err"
check "an import with bad rows exits 1" test $? -eq 1
check "  and counts rows" grep -q "5 rows, 2 created, 0 updated, 0 unchanged, 3 failed" "$work/import.out"
check "  and names the error report" grep -q "the error report is $work/contacts.csv.errors.csv" "$work/import.out"
check "  which has a header" grep -qx "line,field,reason" "$work/contacts.csv.errors.csv"
check "  and the bad e-mail on line 3" grep -q "^3,email," "$work/contacts.csv.errors.csv"
check "  and the two-line name starting on line 5" grep -q "^5,last_name," "$work/contacts.csv.errors.csv"
check "  and the short phone on line 7" grep -q "^7,phone," "$work/contacts.csv.errors.csv"
check "  and progress went to stderr" grep -qE "^import +100% .* MB .* rows" "$work/import.err"

# --- A re-run changes nothing
"$rapport" import contacts "$work/contacts.csv" --calling-code 7 --errors "$work/rerun.errors.csv" >"$work/rerun.out" 2>/dev/null
check "a re-run creates nothing" grep -q "5 rows, 0 created, 0 updated, 2 unchanged, 3 failed" "$work/rerun.out"

# --- A good file exits 0, all-or-nothing
printf 'email,first_name,roles\neve@example.com,Eve,"customer,partner"\n' >"$work/good.csv"
"$rapport" import contacts "$work/good.csv" --commit all >"$work/good.out" 2>/dev/null
check "a file without bad rows exits 0" test $? -eq 0
check "  and creates its contact" grep -q "1 rows, 1 created" "$work/good.out"
check "  and leaves no error report" test ! -e "$work/good.csv.errors.csv"

# --- Export
"$rapport" export contacts --format csv --output "$work/export.csv" 2>/dev/null
check "export csv succeeds" test $? -eq 0
check "  with the export header" grep -q "^id,first_name,last_name,email," "$work/export.csv"
check "  and the formula escaped" grep -q ",'=cmd," "$work/export.csv"
check "  and Cyrillic intact" grep -q "Анна,Иванова" "$work/export.csv"
check "  and the company" grep -q "ООО Ромашка" "$work/export.csv"
check "  three contacts" test "$(wc -l <"$work/export.csv")" -eq 4

"$rapport" export contacts --format vcard >"$work/export.vcf"
check "export vcard succeeds" test $? -eq 0
check "  with vCard 4.0 cards" test "$(grep -c $'^VERSION:4.0\r$' "$work/export.vcf")" -eq 3
check "  and contact UIDs" grep -q "^UID:urn:rapport:contact:1" "$work/export.vcf"
check "  and ORG" grep -q "^ORG:ООО Ромашка" "$work/export.vcf"

# --- Round trips: export → import → all unchanged
"$rapport" import contacts "$work/export.csv" >"$work/csv-back.out" 2>/dev/null
check "the csv export imports back with exit 0" test $? -eq 0
check "  all unchanged" grep -q "3 rows, 0 created, 0 updated, 3 unchanged, 0 failed" "$work/csv-back.out"

"$rapport" export contacts --format ndjson >"$work/export.ndjson"
check "export ndjson gives one line per contact" test "$(wc -l <"$work/export.ndjson")" -eq 3
"$rapport" import contacts "$work/export.ndjson" >"$work/ndjson-back.out" 2>/dev/null
check "the ndjson export imports back with exit 0" test $? -eq 0
check "  all unchanged" grep -q "3 rows, 0 created, 0 updated, 3 unchanged, 0 failed" "$work/ndjson-back.out"

"$rapport" export contacts --role partner >"$work/partners.csv"
check "export filters by role" test "$(wc -l <"$work/partners.csv")" -eq 2

# --- Wrong encoding is refused
printf 'email,first_name\na@example.com,\xC0\xED\xED\xE0\n' >"$work/cp1251.csv"
"$rapport" import contacts "$work/cp1251.csv" >/dev/null 2>"$work/cp1251.err"
check "a Windows-1251 file is refused (1)" test $? -eq 1
check "  saying it is not UTF-8" grep -q "not UTF-8" "$work/cp1251.err"

if [[ $failures -gt 0 ]]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all checks passed"
