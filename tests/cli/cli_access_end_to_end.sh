#!/usr/bin/env bash
# Users, API tokens and the audit log through the rapport executable, as an
# operator uses them, against a fresh SQLite file:
#   user add (password on stdin) → list → set-role → disable → token create →
#   a refused analyst token writes nothing → revoke → audit list and verify →
#   tampering with a row is named by `audit verify`; and `rapport serve` creating
#   the first admin of a new installation.
# The tampering part needs the sqlite3 shell and is skipped without it.
# Usage: cli_access_end_to_end.sh PATH_TO_RAPPORT
set -uo pipefail
rapport="$1"
work="$(mktemp -d -t rapport-cli-access.XXXXXX)"
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
export RAPPORT_DATABASE="$work/rapport.db"
export RAPPORT_PASSWORD_HASH_COST=min  # tests only: argon2id at its minimum cost
export USER=e2e-operator               # how the audit log names the operator
unset RAPPORT_TOKEN
admin_password='correct horse battery staple'

# --- Usage errors touch nothing
printf '%s\n' "$admin_password" | "$rapport" user add --email admin@example.com --role admin >/dev/null 2>&1
check "user add without --password-stdin is a usage error (2)" test $? -eq 2
printf '%s\n' "$admin_password" | "$rapport" user add --email admin@example.com --role root --password-stdin \
  >/dev/null 2>&1
check "an unknown role is a usage error (2)" test $? -eq 2
"$rapport" user add --email admin@example.com --role admin --password-stdin </dev/null >/dev/null 2>"$work/empty.err"
check "an empty password on stdin is a usage error (2)" test $? -eq 2
check "  and says why" grep -q "empty password" "$work/empty.err"
check "refused commands created no database" test ! -e "$RAPPORT_DATABASE"

# --- Users
printf '%s\n' "$admin_password" |
  "$rapport" user add --email Admin@Example.com --role admin --name "First Admin" --password-stdin >"$work/add.out"
check "user add with --password-stdin succeeds" test $? -eq 0
check "  and reports the lower-cased e-mail" grep -q "added user admin@example.com" "$work/add.out"
printf 'short\n' | "$rapport" user add --email weak@example.com --role agent --password-stdin 2>/dev/null
check "a password under 12 characters is refused (1)" test $? -eq 1

"$rapport" user list >"$work/list1.out"
check "user list shows the admin" grep -Eq "^1 +admin@example.com +First Admin +admin +active +20" "$work/list1.out"
check "user list has a header" grep -Eq "^ID +EMAIL +NAME +ROLE +STATUS +CREATED$" "$work/list1.out"

printf 'another long password\n' | "$rapport" user add --email bob@example.com --role agent --password-stdin >/dev/null
check "a second user is added" test $? -eq 0
"$rapport" user set-role --email bob@example.com --role manager >/dev/null
check "set-role succeeds" test $? -eq 0
"$rapport" user disable --email BOB@example.com >/dev/null
check "disable succeeds (e-mail in any case)" test $? -eq 0
"$rapport" user list --json >"$work/list2.json"
check "user list --json shows bob as a disabled manager" \
  grep -q '"email":"bob@example.com","display_name":"bob","role":"manager","disabled":true' "$work/list2.json"
check "user list --json never shows a password hash" bash -c "! grep -q argon2 '$work/list2.json'"
"$rapport" user disable --email nobody@example.com 2>"$work/nobody.err"
check "disabling an unknown user fails (1)" test $? -eq 1
check "  and says so" grep -q "not found" "$work/nobody.err"
check "no password is stored in clear" bash -c "! grep -qaF '$admin_password' '$RAPPORT_DATABASE'*"

# --- Tokens
"$rapport" token create --name shop --role analyst >"$work/token.out"
check "token create succeeds" test $? -eq 0
analyst_token="$(tail -n 1 "$work/token.out")"
check "token create prints the token as its last line" bash -c "[[ '$analyst_token' == rpt_* ]]"
check "  and nowhere else" test "$(grep -c rpt_ "$work/token.out")" -eq 1
"$rapport" token list --json >"$work/tokens1.json"
check "token list shows last_used empty for a new token" \
  grep -q '"name":"shop","role":"analyst","created_by":null,.*"last_used_at":null,"revoked_at":null' "$work/tokens1.json"
"$rapport" token list >"$work/tokens1.out"
check "token list never shows a token" bash -c "! grep -q rpt_ '$work/tokens1.out'"
check "the token is not stored" bash -c "! grep -qaF '$analyst_token' '$RAPPORT_DATABASE'*"

users_before="$("$rapport" user list --json | wc -l)"
printf 'a password nobody should set\n' |
  "$rapport" user add --token "$analyst_token" --email eve@example.com --role admin --password-stdin 2>"$work/eve.err"
check "an analyst token cannot add users (1)" test $? -eq 1
check "  and is told permission denied" grep -q "permission denied" "$work/eve.err"
"$rapport" user list >"$work/list3.out"
check "  and no user was added" test "$(($(wc -l <"$work/list3.out") - 1))" -eq "$users_before"
check "  eve is not listed" bash -c "! grep -q eve@example.com '$work/list3.out'"
RAPPORT_TOKEN="$analyst_token" "$rapport" token create --name sneaky --role admin >/dev/null 2>&1
check "RAPPORT_TOKEN works like --token: an analyst cannot create tokens (1)" test $? -eq 1

manager_token="$("$rapport" token create --name ops --role manager | tail -n 1)"
"$rapport" user list --token "$manager_token" >/dev/null
check "a manager token may list users" test $? -eq 0
"$rapport" token revoke --name ops >"$work/revoke.out"
check "token revoke succeeds" grep -q "revoked token 'ops'" "$work/revoke.out"
"$rapport" user list --token "$manager_token" >/dev/null 2>"$work/revoked.err"
check "a revoked token is refused (1)" test $? -eq 1
check "  with a clear message" grep -q "token was refused" "$work/revoked.err"
"$rapport" user list --token "rpt_not-a-real-token" >/dev/null 2>&1
check "an unknown token is refused (1)" test $? -eq 1
"$rapport" token revoke --name ops >/dev/null 2>&1
check "revoking a name with no active token fails (1)" test $? -eq 1

# --- Audit
"$rapport" audit list --limit 100 >"$work/audit.out"
check "audit list succeeds" test $? -eq 0
for action in user.create token.create token.revoke; do
  check "audit list shows $action" grep -q " $action " "$work/audit.out"
done
check "audit list names the operator" grep -q "cli:e2e-operator" "$work/audit.out"
check "the refused user add left no record" bash -c "! grep -q eve@example.com '$work/audit.out'"
"$rapport" audit list --action token. --json >"$work/audit_tokens.json"
check "audit list --action filters by prefix" bash -c "! grep -q '\"action\":\"user' '$work/audit_tokens.json'"
check "no token is in the audit log" bash -c "! grep -q rpt_ '$work/audit_tokens.json'"
"$rapport" audit list --limit 0 >/dev/null 2>&1
check "audit list --limit 0 is a usage error (2)" test $? -eq 2

"$rapport" audit verify >"$work/verify.out" 2>"$work/verify.err"
check "audit verify of an intact log exits 0" test $? -eq 0
check "  and says so" grep -Eq "^Audit log intact: [0-9]+ records$" "$work/verify.out"

if command -v sqlite3 >/dev/null; then
  sqlite3 "$RAPPORT_DATABASE" "UPDATE audit_log SET actor = 'cli:mallory' WHERE sequence = 2" 2>/dev/null
  check "the audit log refuses an UPDATE" test $? -ne 0
  sqlite3 "$RAPPORT_DATABASE" "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'cli:mallory' WHERE sequence = 2"
  check "with its trigger dropped, a row is edited" test $? -eq 0
  "$rapport" audit verify >"$work/broken.out" 2>&1
  check "audit verify of an edited log exits 1" test $? -eq 1
  check "  naming the sequence and the fault" grep -q "^Audit log BROKEN at sequence 2: edited$" "$work/broken.out"
else
  echo "skip tampering checks: no sqlite3 shell"
fi

# --- The first admin of a new installation
first="$work/first.db"
"$rapport" serve --listen 127.0.0.1:0 --database "$first" >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
for _ in $(seq 1 100); do
  grep -q "^Listening on" "$work/serve.out" 2>/dev/null && break
  sleep 0.1
done
kill -TERM "$server_pid"
wait "$server_pid"
server_pid=""
check "serve prints the generated first admin once" \
  test "$(grep -Ec '^First admin: admin@localhost password: .{12,}$' "$work/serve.out")" -eq 1
"$rapport" user list --database "$first" >"$work/first.out"
check "  and the admin exists" grep -Eq "^1 +admin@localhost .* admin +active" "$work/first.out"

echo "$failures failed"
((failures == 0))
