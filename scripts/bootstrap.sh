#!/usr/bin/env bash
# Installs what building, running and testing Rapport needs, and nothing more.
# Idempotent: a package already present is skipped; prints what it installs.
#   scripts/bootstrap.sh            build + run dependencies
#   scripts/bootstrap.sh --test     also test tiers (PostgreSQL, Chromium, SMTP sink)
#   scripts/bootstrap.sh --bench    also benchmark peers (wrk, hyperfine)
set -euo pipefail

want_test=0
want_bench=0
for arg in "$@"; do
  case "$arg" in
    --test) want_test=1 ;;
    --bench) want_bench=1; want_test=1 ;;
    *) echo "bootstrap: unknown option $arg" >&2; exit 2 ;;
  esac
done

build_packages=(
  g++ cmake ninja-build ccache pkg-config make
  libboost1.74-dev libboost-math1.74-dev
  libsimdjson-dev rapidjson-dev libsqlite3-dev sqlite3 libpq-dev
  libmstch-dev libhowardhinnant-date-dev tzdata libsodium-dev libcli11-dev libspdlog-dev
  libfmt-dev libcurl4-openssl-dev libnlopt-cxx-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-format clang-tidy
)
test_packages=(postgresql postgresql-client chromium python3-aiosmtpd curl)
bench_packages=(wrk hyperfine)

packages=("${build_packages[@]}")
if [[ $want_test == 1 ]]; then packages+=("${test_packages[@]}"); fi
if [[ $want_bench == 1 ]]; then packages+=("${bench_packages[@]}"); fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

sudo_cmd=()
if [[ $(id -u) != 0 ]]; then sudo_cmd=(sudo); fi

if ((${#missing[@]})); then
  echo "bootstrap: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "bootstrap: system packages present"
fi

# Node.js and npm for the web UI (Vite); the Debian npm is used only when none is present.
if [[ ${RAPPORT_UI:-ON} != OFF ]]; then
  if ! command -v node >/dev/null; then
    echo "bootstrap: installing nodejs npm"
    "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  fi
  here="$(cd "$(dirname "$0")/.." && pwd)"
  if [[ ! -d "$here/web/node_modules" || "$here/web/package-lock.json" -nt "$here/web/node_modules/.installed" ]]; then
    echo "bootstrap: installing web packages (npm ci)"
    (cd "$here/web" && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed)
  fi
fi
