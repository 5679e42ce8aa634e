#!/usr/bin/env bash
# Runs the benchmarks in bench/, each printing Rapport's figure beside its
# peer's measured in the same run, and the ratio. Timings on a shared machine
# are noisy: each suite repeats its runs and reports medians.
# Usage: scripts/bench.sh [http] [store] [purchases] [import] [purchases_import] [search]   (default: all)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
jobs="${JOBS:-$(nproc)}"
suites=("$@")
if ((${#suites[@]} == 0)); then suites=(store http purchases import purchases_import search); fi

cmake --preset release -DRAPPORT_BENCH=ON >/dev/null
cmake --build --preset release -j "$jobs" --target rapport epoll_hello rapport_group_commit_bench

for suite in "${suites[@]}"; do
  case "$suite" in
    store)
      echo "== store: durable single-row commits, 64 concurrent clients"
      build/release/bench/store/rapport_group_commit_bench --runs 3
      ;;
    http)
      echo "== http: wrk against rapport and a minimal epoll server"
      bench/http/run.sh "$root/build/release/rapport" "$root/build/release/bench/http/epoll_hello"
      ;;
    purchases)
      echo "== purchases: durable POST /api/v1/purchases at 64 connections against SQLite autocommit"
      bench/purchases/run.sh "$root/build/release/rapport"
      ;;
    import)
      echo "== import: 1M contacts from CSV against sqlite3 .import and PostgreSQL COPY"
      bench/import/run.sh "$root/build/release/rapport"
      ;;
    purchases_import)
      echo "== purchases_import: 10M purchases with points for 1M contacts against PostgreSQL COPY of the same rows"
      bench/purchases_import/run.sh "$root/build/release/rapport"
      ;;
    search)
      echo "== search: list and search pages on 1M contacts against a bare SQLite client"
      bench/search/run.sh "$root/build/release/rapport"
      ;;
    *) echo "bench.sh: unknown suite $suite" >&2; exit 2 ;;
  esac
done
