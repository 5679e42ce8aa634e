#!/usr/bin/env bash
# Purchases benchmark: durable POST /api/v1/purchases at 64 connections
# against `rapport serve` on SQLite (each answer after its group commit: the
# purchase, its earning posting, lot, balance, events and Idempotency-Key
# record), and the peer measured in the same run: the same rows written by 64
# threads with their own SQLite connections, one transaction per purchase
# (autocommit_peer.py), same WAL mode and synchronous setting.
# Targets: ≥ 10k purchases/s, p99 ≤ 20 ms, ≥ 5× the peer. Builds nothing.
#
#   bench/purchases/run.sh RAPPORT_BINARY    (RUNS=3 DURATION=10s CONNECTIONS=64 SYNCHRONOUS=full)
set -euo pipefail

rapport_bin=${1:-${RAPPORT_BIN:-}}
runs=${RUNS:-3}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-64}
synchronous=${SYNCHRONOUS:-full}
here="$(cd "$(dirname "$0")" && pwd)"
if [[ -z "$rapport_bin" ]]; then
  echo "usage: $0 RAPPORT_BINARY (or RAPPORT_BIN)" >&2
  exit 2
fi
command -v wrk >/dev/null || { echo "wrk is not installed" >&2; exit 2; }
unset RAPPORT_DATABASE RAPPORT_TOKEN

work_dir=$(mktemp -d)
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work_dir"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
seconds=${duration%s}

database="$work_dir/rapport.db"
"$rapport_bin" demo --database "$database" --contacts 1000 --purchases 0 >/dev/null 2>&1
token=$("$rapport_bin" token create --database "$database" --name bench --role manager | tail -n 1)
port=$(free_port)
"$rapport_bin" serve --listen "127.0.0.1:$port" --database "$database" --sqlite-synchronous "$synchronous" \
  --token-rate 0 >"$work_dir/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break
  sleep 0.1
done

declare -a rapport_rps rapport_p99 peer_rps
load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
for run in $(seq 1 "$runs"); do
  out=$(wrk -t2 -c"$connections" -d"$duration" --latency -s "$here/post_purchase.lua" \
    "http://127.0.0.1:$port/api/v1/purchases" -- "$token" "run$run" 1000)
  rps=$(awk '$1 == "Requests/sec:" { print $2 }' <<<"$out")
  p99=$(awk 'function ms(v) { if (v ~ /us$/) { sub(/us$/, "", v); return v / 1000 }
                              if (v ~ /ms$/) { sub(/ms$/, "", v); return v + 0 }
                              if (v ~ /s$/) { sub(/s$/, "", v); return v * 1000 } return v }
             $1 == "99%" { print ms($2) }' <<<"$out")
  bad=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' <<<"$out")
  if [[ -n "$bad" ]]; then
    echo "run $run: $bad answers were not 2xx; see $work_dir/server.log" >&2
    exit 1
  fi
  rapport_rps+=("$rps"); rapport_p99+=("$p99")
  echo "run $run: rapport $rps purchases/s, p99 $p99 ms" >&2
  peer_db="$work_dir/peer-$run.db"
  peer=$(python3 "$here/autocommit_peer.py" "$peer_db" "$seconds" "$connections" "$synchronous")
  peer_rps+=("$peer")
  echo "run $run: SQLite autocommit peer $peer purchases/s" >&2
  rm -f "$peer_db"*
done
stored=$(sqlite3 "$database" "SELECT count(*) FROM purchases")
check=$(curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/loyalty/check" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("ok" if d["ok"] else "PROBLEMS: %s" % d["problems"][:3])')

r=$(printf '%s\n' "${rapport_rps[@]}" | median)
p=$(printf '%s\n' "${rapport_p99[@]}" | median)
q=$(printf '%s\n' "${peer_rps[@]}" | median)
echo
printf '%-36s %14s %10s\n' "" "purchases/s" "p99 ms"
printf '%-36s %14.0f %10s\n' "rapport POST /api/v1/purchases" "$r" "$p"
printf '%-36s %14.0f %10s\n' "SQLite, a transaction per purchase" "$q" "-"
printf 'rapport / peer: %.2fx (target ≥ 5x); target ≥ 10000/s, p99 ≤ 20 ms\n' "$(echo "$r / $q" | bc -l)"
echo "(wrk -t2 -c$connections -d$duration, synchronous=$synchronous, median of $runs runs; $stored purchases stored; ledger check: $check)"
echo "(load average 1/5/15 min: $load_before at the start, $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?") at the end)"
