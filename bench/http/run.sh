#!/usr/bin/env bash
# HTTP benchmark: Rapport's /healthz and /api/v1/version against a minimal
# epoll server (the peer), measured in the same run with the same wrk load.
# Builds nothing.
#
#   bench/http/run.sh RAPPORT_BINARY PEER_BINARY
#   RAPPORT_BIN=… PEER_BIN=… bench/http/run.sh
#
# RAPPORT_BINARY is `rapport`. Each target gets wrk
# -t2 -c64 -d${DURATION:-10s} --latency, ${RUNS:-3} times; the median req/s and
# p99 are printed with the ratio to the peer (targets: ≥ 70 % of the peer's
# req/s, p99 ≤ 2 ms). Server output goes to ${SERVER_LOG:-/dev/null}.
set -euo pipefail

rapport_bin=${1:-${RAPPORT_BIN:-}}
peer_bin=${2:-${PEER_BIN:-}}
runs=${RUNS:-3}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-64}
threads=${THREADS:-2}
server_log=${SERVER_LOG:-/dev/null}

if [[ -z "$rapport_bin" || -z "$peer_bin" ]]; then
  echo "usage: $0 RAPPORT_BINARY PEER_BINARY (or RAPPORT_BIN / PEER_BIN)" >&2
  exit 2
fi
command -v wrk >/dev/null || { echo "wrk is not installed" >&2; exit 2; }

work_dir=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work_dir"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

wait_for() {  # url
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "server at $1 did not come up" >&2
  exit 1
}

rapport_port=$(free_port)
peer_port=$(free_port)
# --token-rate 0: the authenticated target measures the token check, not the rate limit.
"$rapport_bin" serve --listen "127.0.0.1:$rapport_port" --database "$work_dir/rapport.db" --token-rate 0 \
  >"$server_log" 2>&1 &
pids+=($!)
"$peer_bin" "$peer_port" >/dev/null 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$rapport_port/healthz"
wait_for "http://127.0.0.1:$peer_port/"
# An API token for the authenticated target; `token create` prints it as its last line.
token=$("$rapport_bin" token create --database "$work_dir/rapport.db" --name bench --role analyst | tail -n 1)

# Prints "<requests per second> <p99 in ms>" for one wrk run.
measure() {  # url [header]
  local header=()
  [[ -n "${2:-}" ]] && header=(-H "$2")
  wrk -t"$threads" -c"$connections" -d"$duration" --latency "${header[@]}" "$1" | awk '
    function ms(value) {
      if (value ~ /us$/) { sub(/us$/, "", value); return value / 1000 }
      if (value ~ /ms$/) { sub(/ms$/, "", value); return value + 0 }
      if (value ~ /s$/)  { sub(/s$/, "", value);  return value * 1000 }
      return value
    }
    $1 == "99%" { p99 = ms($2) }
    $1 == "Requests/sec:" { rps = $2 }
    END { printf "%.0f %.3f\n", rps, p99 }'
}

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

url_of() {
  case $1 in
    peer) echo "http://127.0.0.1:$peer_port/" ;;
    healthz) echo "http://127.0.0.1:$rapport_port/healthz" ;;
    version) echo "http://127.0.0.1:$rapport_port/api/v1/version" ;;
    session) echo "http://127.0.0.1:$rapport_port/api/v1/auth/session" ;;
  esac
}
header_of() {
  case $1 in
    session) echo "Authorization: Bearer $token" ;;
    *) echo "" ;;
  esac
}

# Rounds interleave the targets (peer, healthz, version, peer, …) so noise from
# the shared machine falls on all of them alike, not on whichever ran last.
declare -A rps p99 rps_runs p99_runs
for run in $(seq 1 "$runs"); do
  for target in peer healthz version session; do
    read -r run_rps run_p99 < <(measure "$(url_of "$target")" "$(header_of "$target")")
    echo "  $target run $run: $run_rps req/s, p99 $run_p99 ms" >&2
    rps_runs[$target]+="$run_rps "
    p99_runs[$target]+="$run_p99 "
  done
done
for target in peer healthz version session; do
  rps[$target]=$(printf '%s\n' ${rps_runs[$target]} | median)
  p99[$target]=$(printf '%s\n' ${p99_runs[$target]} | median)
done

echo
printf '%-22s %12s %10s %14s\n' target "req/s" "p99 ms" "vs peer req/s"
for target in peer healthz version session; do
  ratio=$(awk -v a="${rps[$target]}" -v b="${rps[peer]}" 'BEGIN { printf "%.0f%%", 100 * a / b }')
  printf '%-22s %12s %10s %14s\n' "$target" "${rps[$target]}" "${p99[$target]}" "$ratio"
done
echo "(wrk -t$threads -c$connections -d$duration --latency, median of $runs runs; targets: ≥ 70% of peer, p99 ≤ 2 ms;"
echo " session = GET /api/v1/auth/session with a bearer token: a digest lookup in the store per request)"
