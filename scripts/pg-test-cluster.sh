#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the test tiers.
#   pg-test-cluster.sh start DIR   initdb into DIR, start on 127.0.0.1 with a free
#                                  port, create database rapport_test, print its URL
#   pg-test-cluster.sh url DIR     print the URL of the cluster in DIR
#   pg-test-cluster.sh stop DIR    stop it (pg_ctl stop -m fast)
# The unix socket lives beside the data. fsync is off: the cluster holds test data
# only. Autovacuum is off: its ANALYZE runs in a transaction with an xid, which
# rightly holds back the event log (app/event_log.h) and would make tests that
# read their own events right after writing them flaky.
# As root the server runs as user postgres (initdb refuses root); since DIR's
# parents may not be open to that user (mktemp -d makes 0700 directories), the
# cluster then lives in a postgres-owned temp directory that DIR/cluster names
# and `stop` removes.
set -euo pipefail

bin="${PG_BIN:-/usr/lib/postgresql/15/bin}"
command="${1:-}"
dir="${2:-}"
if [[ -z "$command" || -z "$dir" ]]; then
  echo "usage: $0 start|stop|url DIR" >&2
  exit 2
fi

if [[ $(id -u) == 0 ]]; then
  run_as=(runuser -u postgres --)
  user=postgres
else
  run_as=()
  user="$(id -un)"
fi

free_port() {
  # Asks the kernel for an unused port on 127.0.0.1.
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

cluster_dir() {
  if [[ -f "$dir/cluster" ]]; then cat "$dir/cluster"; else echo "$dir"; fi
}

print_url() {
  local port
  port="$(cat "$dir/port")"
  echo "postgresql://${user}@127.0.0.1:${port}/rapport_test"
}

case "$command" in
  start)
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd)"
    cluster="$dir"
    if [[ $(id -u) == 0 ]]; then
      cluster="$(mktemp -d -t rapport-pg.XXXXXX)"
      chown postgres "$cluster"
      chmod 700 "$cluster"
      echo "$cluster" >"$dir/cluster"
    fi
    "${run_as[@]}" "$bin/initdb" --pgdata="$cluster/data" --username="$user" --auth=trust --encoding=UTF8 \
      --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    port="$(free_port)"
    echo "$port" >"$dir/port"
    "${run_as[@]}" "$bin/pg_ctl" --pgdata="$cluster/data" --log="$cluster/server.log" --wait --timeout=60 \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$cluster -c fsync=off \
          -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c autovacuum=off" \
      start >/dev/null || { cat "$cluster/server.log" >&2; exit 1; }
    "${run_as[@]}" "$bin/createdb" --host=127.0.0.1 --port="$port" --username="$user" rapport_test
    print_url
    ;;
  url)
    print_url
    ;;
  stop)
    cluster="$(cluster_dir)"
    if [[ -f "$cluster/data/postmaster.pid" ]]; then
      "${run_as[@]}" "$bin/pg_ctl" --pgdata="$cluster/data" --mode=fast --wait stop >/dev/null
    fi
    if [[ -f "$dir/cluster" ]]; then
      rm -rf "$cluster"
      rm -f "$dir/cluster"
    fi
    ;;
  *)
    echo "usage: $0 start|stop|url DIR" >&2
    exit 2
    ;;
esac
